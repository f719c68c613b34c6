// Benchmark of the shared seed: createSeed cost, record generation and lookup rates, heap after touching every record.
// Run after `npm run build`: node scripts/bench/seed.mjs   (re-runs itself with --expose-gc for heap figures)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

if (typeof globalThis.gc !== "function") {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { createSeed } = await import("../../dist/mocks/shared/seed/index.js");

const MB = (n) => (n / 1048576).toFixed(1) + " MB";
function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Calls fn(i) for about `ms` milliseconds; returns operations per second. */
function rate(fn, ms = 800) {
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 500; k++) fn(n++);
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

const fmt = (x) => x.toLocaleString("en-US");

const base = heap();

// createSeed: the first call pays module initialisation; then the median of 200 fresh seeds.
let t = performance.now();
const seed = createSeed("bench");
const cold = performance.now() - t;
const times = [];
for (let k = 0; k < 200; k++) {
  t = performance.now();
  createSeed(`bench-${k}`);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `createSeed (100,000 persons, 20,000 legal persons): first ${cold.toFixed(2)} ms, median ${times[100].toFixed(3)} ms, max ${times[199].toFixed(3)} ms`,
);

const P = seed.persons.size,
  E = seed.enterprises.size;
// Lookup keys prepared up front so the timed loop measures only the lookup.
const pick = (k, n) => (k * 7919) % n;
const KEYS = 4096;
const idNumbers = Array.from({ length: KEYS }, (_, k) => seed.persons.at(pick(k, P)).idNumber);
const personIds = Array.from({ length: KEYS }, (_, k) => seed.persons.at(pick(k, P)).id);
const uids = Array.from({ length: KEYS }, (_, k) => seed.persons.at(pick(k, P)).uid);
const usccs = Array.from({ length: KEYS }, (_, k) => seed.enterprises.at(pick(k, E)).uscc);
const misses = Array.from({ length: KEYS }, (_, k) => "4405071990" + String(1010000 + k).slice(-7) + "X");

const rows = [
  ["persons.at(i)", rate((n) => seed.persons.at(n % P))],
  ["persons.byId", rate((n) => seed.persons.byId(personIds[n % KEYS]))],
  ["persons.byIdNumber (hit)", rate((n) => seed.persons.byIdNumber(idNumbers[n % KEYS]))],
  ["persons.byIdNumber (miss)", rate((n) => seed.persons.byIdNumber(misses[n % KEYS]))],
  ["persons.byUid", rate((n) => seed.persons.byUid(uids[n % KEYS]))],
  ["enterprises.at(j)", rate((n) => seed.enterprises.at(n % E))],
  ["enterprises.byUscc", rate((n) => seed.enterprises.byUscc(usccs[n % KEYS]))],
];
for (const [name, ops] of rows) console.log(`${name.padEnd(28)} ${fmt(ops).padStart(10)} ops/s`);

// Touch every record once; nothing is retained, so the heap should return to where it started.
t = performance.now();
for (let i = 0; i < P; i++) seed.persons.at(i);
const touchP = performance.now() - t;
t = performance.now();
for (let j = 0; j < E; j++) seed.enterprises.at(j);
const touchE = performance.now() - t;
const after = heap();
console.log(
  `touch all ${fmt(P)} persons: ${touchP.toFixed(0)} ms; all ${fmt(E)} legal persons: ${touchE.toFixed(0)} ms`,
);
console.log(
  `heap: before createSeed ${MB(base)}, after touching everything (after GC) ${MB(after)}, delta ${MB(after - base)}`,
);
