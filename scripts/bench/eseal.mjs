// E-seal benchmark: SM2 signatures/s (signDocument) and full verifications/s (verify with document), bounded in time.
// Usage: npm run build && node scripts/bench/eseal.mjs [seconds-per-phase=3]
import { createSealService, sm2Sign, sm2Verify, deriveSm2KeyPair } from "../../dist/mocks/eseal/index.js";
import { usccCheck } from "../../dist/mocks/shared/ids.js";

const seconds = Math.min(Number(process.argv[2] ?? 3), 30);
const T0 = Date.parse("2025-03-01T08:00:00Z");
const DAY = 86_400_000;

function rate(name, fn) {
  for (let i = 0; i < 20; i++) fn(i); // warm-up (JIT, precomputed tables, parsed-certificate cache)
  const start = performance.now();
  const end = start + seconds * 1000;
  let n = 0;
  while (performance.now() < end) fn(n++);
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(`${name.padEnd(48)} ${perSec.toFixed(0).padStart(7)} /s  (${n} in ${seconds}s, 1 core)`);
  return perSec;
}

const svc = createSealService({ seed: "bench" });
const orgs = Array.from({ length: 50 }, (_, i) => {
  const body = `914405070000${String(i).padStart(4, "0")}1`;
  return { uscc: body + usccCheck(body), name: `汕头市基准测试${i}号有限公司` };
});
const seals = orgs.map((org) =>
  svc.makeSeal({ org, type: "04", validity: { start: T0, end: T0 + 365 * DAY }, now: T0 }),
);
const doc = Buffer.from("x".repeat(4096));

const keys = deriveSm2KeyPair("bench-raw");
const msg = Buffer.from("m".repeat(256));
const rawSig = sm2Sign(msg, keys);
console.log(`node ${process.version}, ${seconds}s per phase, 50 organisations / seals, 4 KiB document`);
rate("SM2 sign (256 B message)", () => sm2Sign(msg, keys));
rate("SM2 verify (256 B message)", () => sm2Verify(msg, rawSig, keys.publicKey));
const signRate = rate("signDocument → DER SES_Signature v4", (i) =>
  svc.signDocument({ sealCode: seals[i % seals.length].sealCode, document: doc, now: T0 + DAY }),
);
const sigs = seals.map((s) => svc.signDocument({ sealCode: s.sealCode, document: doc, now: T0 + DAY }).signature);
const verifyRate = rate("verify → full report (document given)", (i) => {
  const r = svc.verify(sigs[i % sigs.length], { now: T0 + 2 * DAY, document: doc });
  if (r.result !== "PASSED") throw new Error(`unexpected ${r.result} ${r.subIndication}`);
});
console.log(
  `≈ 2 cores (one process each): ${(2 * signRate).toFixed(0)} signatures/s, ${(2 * verifyRate).toFixed(0)} verifications/s`,
);
