// Benchmark of the data-sharing domain in-process: start-up with the libraries, base-library lookups, and full query
// executions (audit validation, grant, quota, projection, masking, audit log) sequentially and 50 at a time.
// Run after `npm run build`: node scripts/bench/datashare.mjs   (about 10 s)
import { performance } from "node:perf_hooks";
import { grantPopulation, populationQuery } from "../bench-grant.mjs";

const { createSeed } = await import("../../dist/mocks/shared/seed/index.js");
const { Clock } = await import("../../dist/mocks/shared/clock.js");
const { MemoryStore } = await import("../../dist/mocks/shared/store.js");
const { createDatashare } = await import("../../dist/mocks/datashare/datashare.js");
const { parcelCodeAt, PARCEL_COUNT } = await import("../../dist/mocks/datashare/base-libraries.js");

const fmt = (x) => Math.round(x).toLocaleString("en-US");

// ---- start-up: seed + catalogue + libraries (what a server start adds for data sharing)
let t = performance.now();
const seed = createSeed("bench");
const tSeed = performance.now() - t;
const clock = new Clock();
const tenants = new Map();
const directory = { platform: new MemoryStore(clock), clock, tenant: (p) => tenants.get(p) };
const consumer = { paasid: "C90-44000001", store: new MemoryStore(clock), clock };
tenants.set(consumer.paasid, consumer);
t = performance.now();
const ds = createDatashare({ seed, directory, config: { auditCap: 100_000 } });
const tDs = performance.now() - t;
console.log(
  `start-up: createSeed ${tSeed.toFixed(2)} ms, createDatashare (catalogue, departments, libraries) ${tDs.toFixed(2)} ms`,
);

// ---- lookups
const KEYS = 2048;
const ids = Array.from({ length: KEYS }, (_, k) => seed.persons.at((k * 7919) % seed.persons.size).idNumber);
const usccs = Array.from({ length: KEYS }, (_, k) => seed.enterprises.at((k * 7919) % seed.enterprises.size).uscc);
const parcels = Array.from({ length: KEYS }, (_, k) => parcelCodeAt((k * 104_729) % PARCEL_COUNT));
function rate(fn, ms = 600) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  while (performance.now() < end) for (let k = 0; k < 200; k++) fn(n++);
  return n / ((performance.now() - t0) / 1000);
}
const L = ds.libraries;
for (const [name, fn] of [
  ["population.person(idNumber)", (n) => L.person(ids[n % KEYS])],
  ["population.household(idNumber)", (n) => L.household(ids[n % KEYS])],
  ["legal.entity(uscc)", (n) => L.entity(usccs[n % KEYS])],
  ["spatial.parcel(code)", (n) => L.parcel(parcels[n % KEYS])],
  ["credit.penalties(uscc)", (n) => L.penalties(usccs[n % KEYS])],
])
  console.log(`${name.padEnd(32)} ${fmt(rate(fn)).padStart(10)} lookups/s`);

// ---- full query executions on the population library (有条件共享 → admin approval, SFZH masked)
const { grant } = await grantPopulation(ds, consumer.paasid);
const dept = seed.enterprises.at(0).uscc;
const bodies = ids.map((id) => populationQuery(consumer.paasid, dept, id, "u1"));

async function run(concurrency, ms) {
  const lat = [];
  let n = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  async function worker() {
    while (performance.now() < end) {
      const s = performance.now();
      const r = await ds.query({ paasid: consumer.paasid, serviceId: grant.serviceId, body: bodies[n++ % KEYS] });
      lat.push(performance.now() - s);
      if (r.errcode !== 0) errors++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(3);
  console.log(
    `query executions, ${String(concurrency).padStart(2)} in flight: ${fmt(lat.length / secs).padStart(8)} /s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, errors ${errors}`,
  );
}
await run(1, 2_000); // warm-up
await run(1, 2_500);
await run(50, 2_500);
const heap = process.memoryUsage().heapUsed / 1048576;
console.log(
  `audit entries kept ${fmt((await ds.audit.forConsumer(consumer.paasid)).length)} (cap 100,000, dropped ${fmt(ds.audit.droppedCount)}); heap ${heap.toFixed(0)} MB`,
);
