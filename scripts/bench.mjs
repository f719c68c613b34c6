// npm run bench: cold start to first successful response, a validated GET, an x-tif-signed POST (autocannon over
// loopback, 50 connections), the GET also against bare Fastify answering the same bytes (this machine's ceiling for
// the route, scripts/bare-fastify.mjs). Then any platform benches in scripts/bench/*.mjs. Figures go in the README.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { cpus, loadavg } from "node:os";
import { cpuNote, procCpuUs } from "./proc-cpu.mjs";
import { fmtWrk, runWrk } from "./wrk.mjs";
import { ofBare, startBare } from "./bare-fastify.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = Number(process.env.BENCH_PORT ?? 18181);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const base = `http://127.0.0.1:${PORT}`;

/** Spawn → first 200 on `path`; `args` start the server on PORT. */
async function coldStartOf(args, path, env = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  child.stdout.resume();
  for (;;) {
    try {
      const r = await fetch(`${base}${path}`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 2));
    if (performance.now() - t0 > 15000) throw new Error("server did not come up in 15 s");
  }
  return { child, ms: performance.now() - t0 };
}

const gatesimArgs = (...extra) => [
  join(root, "dist/gateway/gatesim.mjs"),
  "--port",
  String(PORT),
  "--log-level",
  "warn",
  "--admin-token",
  "bench-admin-token-000000",
  ...extra,
];
const coldStart = () => coldStartOf(gatesimArgs(), "/_gatesim/health");

async function stopChild(child) {
  child.kill();
  await new Promise((r) => child.once("exit", r));
}

/** Cold starts of gatesim (both thread modes) and of bare Fastify with one route, alternated, `n` runs each. */
async function coldStarts(n) {
  const out = { thread: [], single: [], bare: [] };
  for (let i = 0; i < n; i++) {
    for (const [k, args, path, env] of [
      ["thread", gatesimArgs(), "/_gatesim/health"],
      ["single", gatesimArgs("--single-thread"), "/_gatesim/health"],
      [
        "bare",
        [join(root, "scripts/bare-fastify.mjs"), "--serve"],
        "/gatesim/v1/identifiers/x/y",
        { BARE_PORT: String(PORT) },
      ],
    ]) {
      const { child, ms } = await coldStartOf(args, path, env);
      out[k].push(ms);
      await stopChild(child);
    }
  }
  return out;
}

function autocannonRun(opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ connections: CONNECTIONS, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/**
 * Steady-state throughput: a 2 s warm-up (JIT, lazily compiled validators) is run first and not counted; the
 * simulator's CPU time over the measured run gives its CPU per request.
 */
async function run(opts, pid = globalThis.server.pid, who = "simulator") {
  await autocannonRun({ ...opts, duration: 2 });
  const before = procCpuUs(pid);
  const r = await autocannonRun({ ...opts, duration: DURATION });
  r.cpu = cpuNote(before, procCpuUs(pid), r.requests.total, who);
  return r;
}

const fmt = (name, r) =>
  `${name.padEnd(34)} ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}${r.cpu}`;

// `npm run bench -- --soak [--requests N] [--single-thread]`: only the soak (1,000,000 mixed requests by default,
// minutes long), which the ordinary run leaves out.
if (process.argv.includes("--soak")) {
  const soak = spawn(process.execPath, [join(root, "scripts/bench/soak.mjs"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(await new Promise((resolve) => soak.once("exit", (code) => resolve(code ?? 1))));
}
const cold = await coldStarts(Number(process.env.BENCH_COLD_RUNS ?? 7));
const range = (a) =>
  `${Math.round(Math.min(...a))}–${Math.round(Math.max(...a))} ms (median ${Math.round([...a].sort((x, y) => x - y)[a.length >> 1])})`;
// `npm run bench -- --cold` stops after the cold starts
if (process.argv.includes("--cold")) {
  console.log(
    `cold start → first 200, ${cold.thread.length} runs each, alternated: gatesim ${range(cold.thread)}; --single-thread ${range(cold.single)}; bare Fastify (one route) ${range(cold.bare)}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  process.exit(0);
}
const { child: server } = await coldStart();
globalThis.server = server;
const starts = cold.thread;
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${CONNECTIONS} connections, ${DURATION} s per figure; autocannon and wrk share the cores with the simulator; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `cold start → first 200, ${starts.length} runs each, alternated: gatesim ${range(cold.thread)}; --single-thread ${range(cold.single)}; bare Fastify (one route) ${range(cold.bare)}`,
);

const GET_PATH = "/gatesim/v1/identifiers/gb11643-id/440507199001011233";
const get = await run({ url: `${base}${GET_PATH}` });
// the machine's ceiling for this route: bare Fastify answering the same bytes, same load generator, right after
const bare = await startBare({ get: await fetch(`${base}${GET_PATH}`).then((r) => r.text()) });
const bareGet = await run({ url: `${bare.url}${GET_PATH}` }, bare.pid, "server");
console.log(fmt("validated GET (identifier check)", get));
console.log(fmt("  bare Fastify, same answer", bareGet));
console.log(
  `  gatesim = ${ofBare(get.requests.average, bareGet.requests.average)}; the target needs ${Math.round(1_500_000 / bareGet.requests.average)} %`,
);
const coldMedian = [...starts].sort((x, y) => x - y)[starts.length >> 1];
const coldOk = coldMedian <= 300;
const getOk = get.requests.average >= 15000 && get.latency.p99 <= 10 && get.non2xx === 0;
console.log(
  `target cold start ≤ 0.3 s (median, quiet machine): ${coldOk ? "met" : "NOT met"}; validated GET ≥ 15,000 req/s, p99 ≤ 10 ms: ${getOk ? "met" : "NOT met"}`,
);

const health = await fetch(`${base}/`).then((r) => r.text());
const m = /<code>(C90-44050001)<\/code><\/td><td><code>([0-9a-f]{32})<\/code>/.exec(health);
const [paasid, token] = [m[1], m[2]];
const body = JSON.stringify({
  case_no: "440507-2026-000123",
  applicant: { name: "陈晓明", idNumber: "440507199001011233" },
});
const post = await run({
  url: `${base}/GatewayMsg/http/api/proxy/invoke`,
  method: "POST",
  requests: [
    {
      setupRequest: (req) => {
        const ts = String(Math.floor(Date.now() / 1000));
        const nonce = randomBytes(8).toString("hex");
        const sig = createHash("sha256")
          .update(ts + token + nonce + ts)
          .digest("hex");
        return {
          ...req,
          body,
          headers: {
            "content-type": "application/json",
            "x-tif-paasid": paasid,
            "x-tif-timestamp": ts,
            "x-tif-nonce": nonce,
            "x-tif-signature": sig,
            "x-tif-serviceId": "C0000000000001",
          },
        };
      },
    },
  ],
});
console.log(fmt("x-tif-signed POST (GatewayMsg echo)", post));

const wGet = runWrk({
  url: `${base}${GET_PATH}`,
  seconds: DURATION,
  connections: CONNECTIONS,
  pid: globalThis.server.pid,
});
if (!wGet)
  console.log("wrk not installed (apt-get install wrk): the figures above are capped by autocannon sharing the CPU");
else {
  const wBare = runWrk({
    url: `${bare.url}${GET_PATH}`,
    seconds: DURATION,
    connections: CONNECTIONS,
    pid: bare.pid,
    who: "server",
  });
  console.log(fmtWrk("validated GET (identifier check)", wGet));
  console.log(fmtWrk("  bare Fastify, same answer", wBare));
  console.log(`  gatesim = ${ofBare(wGet.rps, wBare.rps)}`);
  const wPost = runWrk({
    url: `${base}/GatewayMsg/http/api/proxy/invoke`,
    seconds: DURATION,
    connections: CONNECTIONS,
    sign: { paasid, token, serviceId: "C0000000000001", body },
    pid: globalThis.server.pid,
  });
  console.log(fmtWrk("x-tif-signed POST (GatewayMsg echo)", wPost));
}

console.log(
  `machine load average: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
globalThis.server.kill();
await bare.stop();

// `npm run bench -- --core` stops here; otherwise every platform bench follows.
if (process.argv.includes("--core")) process.exit(0);
for (const f of readdirSync(join(root, "scripts/bench"))
  .filter((f) => f.endsWith(".mjs") && f !== "soak.mjs")
  .sort()) {
  console.log(`\n# scripts/bench/${f}`);
  await new Promise((resolve) =>
    spawn(process.execPath, [join(root, "scripts/bench", f)], { stdio: "inherit" }).once("exit", resolve),
  );
}
