// Benchmark of the e-licence domain (no HTTP): licence PDF generations/s (unsealed), OFD generations/s (a stand-in
// seal), catalogue and licence look-ups/s.
// Run: npm run build && node scripts/bench/elicence.mjs [seconds-per-case, default 3]
import { createSeed } from "../../dist/mocks/shared/seed/index.js";
import { Clock } from "../../dist/mocks/shared/clock.js";
import { MemoryStore } from "../../dist/mocks/shared/store.js";
import {
  BUILTIN_LICENCE_TYPES,
  LICENCE_TYPE_CODES,
  findLicenceType,
  registerLicenceType,
  publishLicenceType,
} from "../../dist/mocks/elicence/catalogue.js";
import { createAndIssueLicence, getLicence, listLicencesByHolder } from "../../dist/mocks/elicence/licences.js";
import { makeLicenceOfd, renderLicencePdf } from "../../dist/mocks/elicence/licence-file.js";
import { seedLicenceSource, prepareSeedIssuers } from "../../dist/mocks/elicence/seed-licences.js";

const SECONDS = Number(process.argv[2] ?? 3);

/** Run fn repeatedly for about `seconds`; report ops/s. Bounded in time, never in a tight infinite loop. */
async function measure(name, fn, seconds = SECONDS) {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await fn(n);
    n++;
  }
  const dt = (performance.now() - t0) / 1000;
  const rate = n / dt;
  console.log(`${name.padEnd(58)} ${rate.toFixed(rate < 100 ? 1 : 0).padStart(10)} /s   (${n} in ${dt.toFixed(2)} s)`);
  return rate;
}

const clock = new Clock();
clock.freeze(Date.parse("2024-05-01T10:00:00+08:00"));
const store = new MemoryStore(clock);
const t0 = performance.now();
const seed = createSeed("gatesim");
const seedLicences = seedLicenceSource(seed);
const env = { store, seedLicences };
const ISSUER = { uscc: "11440500553696992R", name: "汕头市市场监督管理局" };

// Issue 2,000 licences into the tenant's store to look up.
const ids = [];
for (let i = 0; i < 2000; i++) {
  const e = seed.enterprises.at(i);
  if (e.subjectType !== "enterprise") continue;
  const { licence } = await createAndIssueLicence(
    env,
    {
      ZZLXDM: LICENCE_TYPE_CODES.foodBusiness,
      CZZT: e.name,
      CZZTDM: e.uscc,
      CZZTDMLXDM: "001",
      KZ_FDDBR: e.legalRepresentative.name,
      KZ_ZS: e.address,
      KZ_JYCS: e.address,
      KZ_ZTYT: "餐饮服务经营者",
      KZ_JYXM: "热食类食品制售",
    },
    { now: clock.now(), issuer: ISSUER },
  );
  ids.push(licence);
}
const dept = { uscc: "11440500553696992R", name: "汕头市政务服务数据管理局", en: "data bureau", synthetic: false };
const own = await registerLicenceType(store, { name: "示例证照", holderType: "111", items: [] }, dept, clock.now());
await publishLicenceType(store, own.code, dept.uscc, clock.now());
console.log(`setup: seed + ${ids.length} issued licences in ${(performance.now() - t0).toFixed(0)} ms`);

// The seed's issuing bodies are indexed once (otherwise the first seed look-up pays for it).
let t1 = performance.now();
prepareSeedIssuers(seed);
console.log(`seed issuing-body index (one-off): ${(performance.now() - t1).toFixed(0)} ms`);

// PDF: the first render loads the fonts into HarfBuzz.
let m = 0;
while (seed.enterprises.at(m).subjectType !== "enterprise") m++;
const bl = seedLicences.byHolder("001", seed.enterprises.at(m).uscc)[0];
const blType = BUILTIN_LICENCE_TYPES.find((t) => t.code === bl.typeCode);
t1 = performance.now();
const first = await renderLicencePdf(bl, blType, { now: clock.now() });
console.log(`first PDF (loads fonts): ${(performance.now() - t1).toFixed(0)} ms, ${first.length} bytes`);

console.log("");
const foodType = BUILTIN_LICENCE_TYPES.find((t) => t.code === LICENCE_TYPE_CODES.foodBusiness);
await measure("PDF generation, 营业执照 (unsealed)", () => renderLicencePdf(bl, blType, { now: clock.now() }));
await measure("PDF generation, 食品经营许可证 with useCause watermark", (i) =>
  renderLicencePdf(ids[i % ids.length], foodType, { now: clock.now(), watermark: "办理食品经营许可变更核验" }),
);
// OFD: the package and its Signature.xml with a stand-in seal (the SM2 signature is the e-seal bench's figure)
const standIn = async () => ({ signature: Buffer.alloc(700, 0x30), sealId: "4405000000001", sealName: "bench" });
await measure("OFD generation, 营业执照 (stand-in seal)", () =>
  makeLicenceOfd(bl, blType, standIn, { now: clock.now() }),
);
const codes = BUILTIN_LICENCE_TYPES.map((t) => t.code);
await measure(
  "catalogue look-up, seeded type (findLicenceType)",
  (i) => findLicenceType(store, codes[i % codes.length]),
  1,
);
await measure("catalogue look-up, department type (store)", () => findLicenceType(store, own.code), 1);
await measure("licence look-up by identifier, tenant store", (i) => getLicence(env, ids[i % ids.length].id), 1);
await measure(
  "licences by holder, tenant + seed (listLicencesByHolder)",
  (i) => listLicencesByHolder(env, "001", ids[i % ids.length].data.CZZTDM),
  1,
);
await measure(
  "seed licences by person, cold (100,000 persons)",
  (i) => seedLicences.byHolder("111", seed.persons.at((i * 7919) % seed.persons.size).idNumber),
  1,
);
await measure(
  "seed licences by person, cached",
  (i) => seedLicences.byHolder("111", seed.persons.at(i % 50).idNumber),
  1,
);
