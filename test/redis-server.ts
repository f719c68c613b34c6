// Tests on the Redis backend run everywhere and never skip (as test/system-tool.ts does for Debian tools): they use
// the Redis that .ci/run starts (GATESIM_TEST_REDIS_URL), or start a private redis-server on a free loopback port
// for this test file, or fail the file at once naming the package to install. Each caller gets its own key prefix,
// so test files sharing one Redis never see each other's keys.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:net";
import { commandWorks, requireTool } from "./system-tool.js";

let started: { url: string } | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server on a free loopback port (no persistence), and how to stop it. */
export async function startRedisServer(): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  requireTool(commandWorks("redis-server", ["--version"]), "redis-server (the Redis backend's tests)", "redis-server");
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  await accepting(port);
  return { url: `redis://127.0.0.1:${port}`, child, stop: () => void child.kill("SIGKILL") };
}

/**
 * A Redis URL for tests, and a fresh key prefix: GATESIM_TEST_REDIS_URL (.ci/run's, or the one test/global-setup.ts
 * starts for the whole run), else a server of this test file's own.
 */
export async function testRedis(): Promise<{ url: string; prefix: string }> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  if (process.env.GATESIM_TEST_REDIS_URL) return { url: process.env.GATESIM_TEST_REDIS_URL, prefix };
  if (!started) {
    const s = await startRedisServer();
    process.once("exit", s.stop);
    started = s;
  }
  return { url: started.url, prefix };
}

let cluster: Promise<string> | undefined;

/**
 * A Redis Cluster URL for tests (`redis+cluster://…`, three masters, no replicas), and a fresh key prefix: the one
 * GATESIM_TEST_REDIS_CLUSTER_URL names, or three private cluster-enabled redis-servers (in a temporary folder, on free
 * loopback ports) joined by `redis-cli --cluster create` — both come with Debian's redis-server (redis-tools).
 */
export async function testRedisCluster(): Promise<{ url: string; prefix: string }> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  if (process.env.GATESIM_TEST_REDIS_CLUSTER_URL) return { url: process.env.GATESIM_TEST_REDIS_CLUSTER_URL, prefix };
  cluster ??= startCluster().then((c) => {
    process.once("exit", c.stop);
    return c.url;
  });
  return { url: await cluster, prefix };
}

/** Three cluster-enabled redis-servers joined into one cluster, and how to stop them and remove their folder. */
export async function startCluster(): Promise<{ url: string; stop: () => void }> {
  requireTool(commandWorks("redis-server", ["--version"]), "redis-server (the Redis Cluster tests)", "redis-server");
  requireTool(commandWorks("redis-cli", ["--version"]), "redis-cli (the Redis Cluster tests)", "redis-tools");
  const dir = mkdtempSync(join(tmpdir(), "gatesim-redis-cluster-"));
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  // a node also listens on its port + 10000 (the cluster bus): ports from 20000 to 45000 whose pair is free too
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = 20000 + Math.floor(Math.random() * 25000);
    if (!ports.includes(p) && (await portFree(p)) && (await portFree(p + 10000))) ports.push(p);
  }
  for (const port of ports) {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      { stdio: "ignore", cwd: dir },
    );
    children.push(child);
    await accepting(port);
  }
  await new Promise<void>((resolve, reject) => {
    const cli = spawn(
      "redis-cli",
      ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"],
      { stdio: "ignore" },
    );
    cli.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create exited ${code}`)),
    );
  });
  // every slot served, as every node sees it, before the first test: a node that has not yet learnt the slot map
  // answers CLUSTERDOWN, and a client that met it first waited past its 5 s open under a loaded full suite
  const info = (port: number) =>
    new Promise<string>((resolve) => {
      const cli = spawn("redis-cli", ["-p", String(port), "cluster", "info"]);
      let out = "";
      cli.stdout.on("data", (c) => (out += c));
      cli.once("exit", () => resolve(out));
    });
  for (let i = 0; i < 200; i++) {
    const states = await Promise.all(ports.map(info));
    if (states.every((s) => /cluster_state:ok/.test(s) && /cluster_known_nodes:3\b/.test(s))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, stop };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** Ready when it accepts a connection (5 s at most). */
async function accepting(port: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1", () => (c.end(), resolve(true)));
      c.once("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
