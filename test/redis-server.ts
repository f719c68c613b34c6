// Tests on the Redis backend run everywhere and never skip (as test/system-tool.ts does for Debian tools): they use
// the Redis that .ci/run starts (GATESIM_TEST_REDIS_URL), or start a private redis-server on a free loopback port
// for this test file, or fail the file at once naming the package to install. Each caller gets its own key prefix,
// so test files sharing one Redis never see each other's keys.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { connect, createServer } from "node:net";
import { commandWorks, requireTool } from "./system-tool.js";

let started: { url: string; child?: ChildProcess } | undefined;

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

/** A Redis URL for tests, and a fresh key prefix. */
export async function testRedis(): Promise<{ url: string; prefix: string }> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  if (process.env.GATESIM_TEST_REDIS_URL) return { url: process.env.GATESIM_TEST_REDIS_URL, prefix };
  if (!started) {
    requireTool(
      commandWorks("redis-server", ["--version"]),
      "redis-server (the Redis backend's tests)",
      "redis-server",
    );
    const port = await freePort();
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    process.once("exit", () => child.kill("SIGKILL"));
    const url = `redis://127.0.0.1:${port}`;
    // ready when it accepts a connection
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const c = connect(port, "127.0.0.1", () => (c.end(), resolve(true)));
        c.once("error", () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    started = { url, child };
  }
  return { url: started.url, prefix };
}
