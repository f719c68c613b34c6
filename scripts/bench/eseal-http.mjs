// E-seal HTTP benchmark: 盖章 (signatures/s) and 验章 (verifications/s) through the signed gateway — a listening
// simulator in a worker thread (its own core, as a real server would be), the client here with fresh x-tif headers
// per request and N requests in flight, bounded in time.
// Usage: npm run build && node scripts/bench/eseal-http.mjs [seconds-per-phase=5] [concurrency=32] [--same-thread]
import { createHash } from "node:crypto";
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { startSimulator, signedHeaders } from "../../dist/gateway/index.js";
import { createEsealPlatform } from "../../dist/mocks/eseal/platform.js";

const start = () =>
  startSimulator({
    platforms: (seed) => [createEsealPlatform(seed)],
    config: { journal: { cap: 100, maxBodyBytes: 256 } },
  });

if (!isMainThread) {
  const sim = await start();
  parentPort.postMessage({ url: sim.url, app: { paasid: sim.apps[0].paasid, paasToken: sim.apps[0].paasToken } });
  parentPort.on("message", async (m) => {
    if (m === "close") {
      await sim.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const sameThread = process.argv.includes("--same-thread");
  const seconds = Math.min(Number(args[0] ?? 5), 60);
  const concurrency = Math.min(Number(args[1] ?? 32), 256);
  let sim, worker;
  if (sameThread) {
    const s = await start();
    sim = { url: s.url, app: s.apps[0], close: () => s.close() };
  } else {
    worker = new Worker(new URL(import.meta.url));
    const info = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    sim = {
      url: info.url,
      app: { sign: () => signedHeaders(info.app.paasid, info.app.paasToken) },
      close: () => worker.postMessage("close"),
    };
  }
  const app = sim.app;

  async function call(method, path, body) {
    const headers = { ...app.sign(), ...(body ? { "content-type": "application/json" } : {}) };
    const res = await fetch(sim.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json();
    if (res.status >= 300 || json.errcode !== 0)
      throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json.data;
  }

  const phase = (name, make) => measurePhase(name, make, seconds, concurrency);

  const sealCode = (await call("GET", "/ebus/eseal/v1/seals")).seals[0].sealCode;
  const doc = Buffer.alloc(4096, 0x61);
  const docB64 = doc.toString("base64");
  const digest = (i) => createHash("sha256").update(String(i)).digest("hex"); // any 32 bytes stand in for an SM3 value

  console.log(
    `node ${process.version}, simulator ${sameThread ? "in the client's thread" : "in a worker thread"}, ${seconds}s per phase; seal ${sealCode}`,
  );
  const signDigest = await phase("盖章 sign (digest) via gateway", (i) =>
    call("POST", "/ebus/eseal/v1/signatures", { sealCode, digest: digest(i) }),
  );
  const signDoc = await phase("盖章 sign (4 KiB document) via gateway", () =>
    call("POST", "/ebus/eseal/v1/signatures", { sealCode, document: docB64 }),
  );
  const sigs = await Promise.all(
    Array.from({ length: 64 }, () => call("POST", "/ebus/eseal/v1/signatures", { sealCode, document: docB64 })),
  );
  const verify = await phase("验章 verify (4 KiB document) via gateway", async (i) => {
    const r = await call("POST", "/ebus/eseal/v1/verifications", {
      signature: sigs[i % sigs.length].signature,
      document: docB64,
    });
    if (r.result !== "PASSED") throw new Error(`unexpected ${r.result} ${r.subIndication}`);
  });
  console.log(
    `summary: ${signDigest.toFixed(0)} signatures/s (digest), ${signDoc.toFixed(0)} signatures/s (document), ${verify.toFixed(0)} verifications/s`,
  );
  await sim.close();
}

/** Runs `make` from `concurrency` loops for `seconds` after a warm-up; prints and answers the rate. */
async function measurePhase(name, make, seconds, concurrency) {
  for (let i = 0; i < 50; i++) await make(i); // warm-up: JIT, validators, caches
  const start = performance.now();
  const end = start + seconds * 1000;
  let n = 0;
  const lat = [];
  async function worker() {
    while (performance.now() < end) {
      const t = performance.now();
      await make(n++);
      lat.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const p = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(1);
  const rate = lat.length / elapsed;
  console.log(
    `${name.padEnd(44)} ${rate.toFixed(0).padStart(6)} /s  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  (${lat.length} in ${elapsed.toFixed(1)} s, ${concurrency} in flight)`,
  );
  return rate;
}
