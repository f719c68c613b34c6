// Benchmark: the same simulator on each store backend — memory, sqlite (a fresh data dir), redis (a private
// redis-server on a free loopback port, no persistence) — side by side in one run: the x-tif signed
// data-sharing query and the e-licence issuance (D1597131569652), req/s, p99, simulator CPU per request, and for
// Redis the commands it processed per request (auto-pipelining sends a request's commands in as few round trips).
// The built CLI serves, as `npm start` does (HTTP thread on). Targets: sqlite ≥ 70 % of memory's query rate; redis
// ≥ 50 % per replica. Usage: npm run build && node scripts/bench/store.mjs [seconds=10]
// (BENCH_CPU_PROF=1 profiles each simulator into bench-profiles/; BENCH_BACKENDS=memory,sqlite runs only those, BENCH_ONLY=query only that)
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { populationQuery } from "../bench-grant.mjs";
import { cpuNote, procCpuUs } from "../proc-cpu.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECONDS = Math.min(Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10), 60);
const ADMIN = "bench-store-admin-token-0";
const A = "C90-44050001";
const POPULATION = "C1534277412332"; // 人口基础信息, 有条件共享
const { signedHeaders } = await import("../../dist/gateway/index.js");
const { createSeed } = await import("../../dist/mocks/shared/seed/index.js");

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const hasRedis = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

async function startGatesim(extra) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir=bench-profiles"] : []),
      join(root, "dist/gateway/gatesim.mjs"),
      "--port",
      String(port),
      "--admin-token",
      ADMIN,
      "--log-level",
      "silent",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      if (/is up:/.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`gatesim exited ${code}: ${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function json(url, method, headers, body) {
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

const seed = createSeed("gatesim");
const tokenOf = async (url) => {
  const page = await fetch(`${url}/`).then((r) => r.text());
  return new RegExp(`<code>${A}</code></td><td><code>([0-9a-f]{32})</code>`).exec(page)[1];
};

function load(url, path, bodies, sign) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const inst = autocannon(
      {
        url: `${url}${path}`,
        method: "POST",
        connections: 50,
        duration: SECONDS,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: bodies[n++ % bodies.length],
              headers: { "content-type": "application/json", ...sign() },
            }),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** 512 population queries (consumer A, for its organisation) and 512 driving-licence issuances, as JSON text. */
function requestBodies(org) {
  const ids = Array.from({ length: 512 }, (_, i) => seed.persons.at((i * 7919) % seed.persons.size).idNumber);
  const queries = ids.map((id) => JSON.stringify(populationQuery(A, org, id)));
  const persons = Array.from({ length: 512 }, (_, i) => seed.persons.at((i * 7919) % seed.persons.size));
  const issuances = persons.map((p) =>
    JSON.stringify({
      ZZLXDM: "11100000GT0000088Y001",
      CZZT: p.name,
      CZZTDM: p.idNumber,
      CZZTDMLXDM: "111",
      KZ_XB: p.sex === 2 ? "女" : "男",
      KZ_GJ: "中国",
      KZ_ZZ: "广东省汕头市龙湖区示例路 8 号",
      KZ_CSRQ: p.birthDate,
      KZ_CCLZRQ: "2026-03-02",
      KZ_ZJCX: "C1",
    }),
  );
  return { queries, issuances };
}

async function measure(name, extra, redisPort) {
  const { child, url } = await startGatesim(extra);
  try {
    const token = await tokenOf(url);
    const sign = (serviceId) => () =>
      signedHeaders(A, token, { nonce: randomBytes(8).toString("hex"), serviceId, upper: true });
    const h = { "content-type": "application/json", ...sign()() };
    const org = (await json(`${url}/_gatesim/tenants/${A}`, "GET", { authorization: `Bearer ${ADMIN}` })).json.orgCode;
    // the population library (有条件共享): applied for, approved by the admin with a quota no run exhausts
    const applied = await json(`${url}/ebus/datashare/v1/applications`, "POST", h, {
      resourceCode: "101001/000001",
      fields: ["XM", "SFZH", "XB", "CSRQ", "ZZ"],
      purpose: "基准测试 / benchmark",
      legalBasis: "基准测试 / benchmark",
      itemCode: "11440100696927671X3442011817001",
    });
    const approved = await json(
      `${url}/_gatesim/datashare/applications/${applied.json.data?.application?.id}/approve`,
      "POST",
      { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      { quota: 1e9 },
    );
    if (approved.status !== 200) throw new Error(`grant failed: ${JSON.stringify([applied.json, approved.json])}`);
    const { queries, issuances } = requestBodies(org);
    const probe = await json(
      `${url}/GatewayMsg/http/api/proxy/invoke`,
      "POST",
      { "content-type": "application/json", ...sign("D1597131569652")() },
      JSON.parse(issuances[0]),
    );
    if (probe.json.ack_code !== "SUCCESS")
      throw new Error(`issuance probe: ${JSON.stringify(probe.json).slice(0, 300)}`);

    const out = { name };
    for (const [what, sid, bodies] of [
      ["query", POPULATION, queries],
      ["issuance", "D1597131569652", issuances],
    ].filter(([w]) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === w)) {
      await load(url, "/GatewayMsg/http/api/proxy/invoke", bodies, sign(sid)); // warm-up
      const redisBefore = redisPort ? redisCommands(redisPort) : undefined;
      const cpu0 = procCpuUs(child.pid);
      const r = await load(url, "/GatewayMsg/http/api/proxy/invoke", bodies, sign(sid));
      if (r.non2xx) {
        const one = await json(
          `${url}/GatewayMsg/http/api/proxy/invoke`,
          "POST",
          { "content-type": "application/json", ...sign(sid)() },
          JSON.parse(bodies[0]),
        );
        console.log(
          `${name} ${what}: ${r.non2xx} non-2xx; now: ${one.status} ${JSON.stringify(one.json).slice(0, 240)}`,
        );
      }
      const perReq = redisPort ? redisPerRequest(redisBefore, redisCommands(redisPort), r.requests.total) : undefined;
      out[what] = {
        rps: r.requests.average,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        cpu: cpuNote(cpu0, procCpuUs(child.pid), r.requests.total).trim(),
        perReq,
      };
    }
    return out;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

/**
 * Calls per command name so far (INFO commandstats: a script's own commands are counted too, under their names), and
 * the server's CPU time in µs (`cpu`).
 */
function redisCommands(port) {
  const info = execFileSync("redis-cli", ["-p", String(port), "info", "all"], { encoding: "utf8" });
  const calls = {};
  for (const [, name, n] of info.matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) calls[name] = Number(n);
  const cpu = ["used_cpu_sys", "used_cpu_user"].reduce(
    (s, k) => s + Number(new RegExp(`^${k}:([\\d.]+)`, "m").exec(info)[1]),
    0,
  );
  return { calls, cpu: cpu * 1e6 };
}

/** Per request: every command Redis processed, and which (`evalsha` = the scripts gatesim sent); its CPU time. */
function redisPerRequest(before, after, requests) {
  const per = Object.entries(after.calls)
    .map(([name, n]) => [name, (n - (before.calls[name] ?? 0)) / requests])
    .filter(([, n]) => n >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  return {
    total: per.reduce((s, [, n]) => s + n, 0),
    by: per.map(([name, n]) => `${name} ${n.toFixed(1)}`).join(", "),
    cpu: (after.cpu - before.cpu) / requests,
  };
}

// The warm-up runs are as long as the measured ones (SECONDS): the issuance runs write every licence they make.
// BENCH_SECONDS=3 gives a quick look.
const only = new Set((process.env.BENCH_BACKENDS ?? "memory,sqlite,redis").split(","));
const rows = [await measure("memory", [])];
if (only.has("sqlite")) {
  const dir = mkdtempSync(join(tmpdir(), "gatesim-bench-sqlite-"));
  try {
    rows.push(await measure("sqlite", ["--data-dir", dir]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (!only.has("redis")) {
  // not asked for
} else if (hasRedis) {
  const port = await freePort();
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  await new Promise((r) => setTimeout(r, 300));
  try {
    rows.push(await measure("redis", ["--redis", `redis://127.0.0.1:${port}`], port));
  } finally {
    redis.kill("SIGKILL");
  }
} else console.log("(redis-server not installed: apt-get install redis-server for the redis column)");

const mem = rows[0];
console.log(`node ${process.version}, ${SECONDS} s per run, 50 connections, HTTP thread on`);
for (const what of ["query", "issuance"].filter((w) => mem[w])) {
  console.log(
    `\n${what === "query" ? "signed data-sharing query (population, C1534277412332)" : "e-licence issuance (D1597131569652)"}:`,
  );
  for (const r of rows) {
    const x = r[what];
    const share = r === mem ? "" : `   ${Math.round((100 * x.rps) / mem[what].rps)} % of memory`;
    const redis = x.perReq !== undefined ? `   Redis commands/req ${x.perReq.total.toFixed(1)}` : "";
    console.log(
      `  ${r.name.padEnd(7)} ${Math.round(x.rps).toLocaleString("en").padStart(6)} req/s   p99 ${x.p99} ms   non-2xx ${x.non2xx}   ${x.cpu}${share}${redis}`,
    );
    if (x.perReq) console.log(`          per request: redis-server CPU ${Math.round(x.perReq.cpu)} µs; ${x.perReq.by}`);
  }
}
