// Mock-mode benchmark beside Prism: `gatesim mock` and `prism mock` (5.14, installed into a throw-away folder here;
// skipped with a message when it cannot be installed) serve the same catalogue contract (byoc-catalogue.yaml) in the
// same run — start-up to the first 200, then req/s, p99 and server CPU per request for a GET list with
// page/size/keyword, a GET by code and a validated POST query (autocannon over loopback, 50 connections).
// Usage: npm run build && node scripts/bench/byoc.mjs [seconds-per-figure=5]   (BYOC_PRISM_DIR reuses an install)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { procCpuUs } from "../proc-cpu.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CONTRACT = join(root, "scripts/bench/byoc-catalogue.yaml");
const SECONDS = Math.min(Number(process.argv[2] ?? process.env.BENCH_BYOC_SECONDS ?? 5), 20);
const PORT = Number(process.env.BENCH_BYOC_PORT ?? 18191);
const base = `http://127.0.0.1:${PORT}`;
const QUERY = JSON.stringify({ category: "office", priceMin: 10, priceMax: 500, inStock: true, tags: ["office"] });
const CASES = [
  { name: "GET /products?page&size&keyword", method: "GET", path: "/products?page=2&size=10&keyword=chair" },
  { name: "GET /products/{code}", method: "GET", path: "/products/P0001" },
  {
    name: "POST /products/query",
    method: "POST",
    path: "/products/query",
    headers: { "content-type": "application/json" },
    body: QUERY,
  },
];

/** Spawn → first 200 on the list; returns the child and the milliseconds it took. */
async function startServer(args) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  for (;;) {
    try {
      if ((await fetch(`${base}${CASES[0].path}`)).ok) return { child, ms: performance.now() - t0 };
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}`);
    if (performance.now() - t0 > 30_000) throw new Error("server did not come up in 30 s");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stop = (child) => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill())));

const load = (c, duration) =>
  new Promise((resolve, reject) =>
    autocannon(
      { url: base + c.path, method: c.method, headers: c.headers, body: c.body, connections: 50, duration },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );

async function measure(label, args) {
  const starts = [];
  for (let i = 0; i < 3; i++) {
    const { child, ms } = await startServer(args);
    starts.push(ms);
    await stop(child);
  }
  const { child } = await startServer(args);
  const out = { label, startMs: [...starts].sort((a, b) => a - b)[1], cases: [] };
  try {
    for (const c of CASES) {
      const check = await fetch(base + c.path, { method: c.method, headers: c.headers, body: c.body });
      if (!check.ok) throw new Error(`${label}: ${c.name} → ${check.status} ${(await check.text()).slice(0, 300)}`);
      await load(c, 1); // warm-up
      const before = procCpuUs(child.pid);
      const r = await load(c, SECONDS);
      const after = procCpuUs(child.pid);
      out.cases.push({
        name: c.name,
        rps: r.requests.average,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        cpuUs: before === undefined || after === undefined ? undefined : (after - before) / r.requests.total,
      });
    }
  } finally {
    await stop(child);
  }
  return out;
}

/** Prism 5.14 in a throw-away folder; undefined (with the reason printed) when npm cannot install it. */
function installPrism() {
  const dir = process.env.BYOC_PRISM_DIR ?? mkdtempSync(join(tmpdir(), "gatesim-prism-"));
  const bin = join(dir, "node_modules/.bin/prism");
  if (!existsSync(bin)) {
    const r = spawnSync(
      "npm",
      ["install", "--prefix", dir, "@stoplight/prism-cli@5.14", "--no-audit", "--no-fund", "--loglevel=error"],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000, encoding: "utf8" },
    );
    if (r.status !== 0 || !existsSync(bin)) {
      console.log(
        `Prism 5.14 not installed, peer skipped: ${(r.stderr || r.error?.message || "").trim().slice(0, 300)}`,
      );
      return undefined;
    }
  }
  return { script: realpathSync(bin), cleanup: () => process.env.BYOC_PRISM_DIR || rmSync(dir, { recursive: true }) };
}

const fmtCase = (c) =>
  `${c.name.padEnd(34)} ${Math.round(c.rps).toString().padStart(7)} req/s   p99 ${c.p99} ms   non-2xx ${c.non2xx}${c.cpuUs === undefined ? "" : `   CPU ${Math.round(c.cpuUs)} µs/req`}`;

const gatesim = await measure("gatesim mock", [
  join(root, "dist/gateway/gatesim.mjs"),
  "mock",
  CONTRACT,
  "--port",
  String(PORT),
  "--log-level",
  "warn",
]);
const prism = installPrism();
const peer = prism ? await measure("prism mock 5.14", [prism.script, "mock", CONTRACT, "-p", String(PORT)]) : undefined;
prism?.cleanup();

console.log(`mock mode, ${SECONDS} s per figure, 50 connections, autocannon on the same cores`);
for (const r of [gatesim, peer].filter(Boolean)) {
  console.log(`${r.label}: start-up to first 200 ${Math.round(r.startMs)} ms (median of 3)`);
  for (const c of r.cases) console.log(`  ${fmtCase(c)}`);
}
if (peer) {
  const ratio = (i) => (gatesim.cases[i].rps / peer.cases[i].rps).toFixed(1);
  console.log(
    `gatesim ÷ Prism: req/s ${CASES.map((c, i) => `${c.method} ${ratio(i)}×`).join(", ")}; start-up ${(gatesim.startMs / peer.startMs).toFixed(2)}× Prism's (target ≥ 5× req/s, ≤ 0.4× start-up)`,
  );
}
