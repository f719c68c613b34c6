// Seeded licences: every enterprise's 营业执照, other licences for some persons; deterministic, looked up lazily.
import { describe, expect, test } from "vitest";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { checkIdNumber, checkLicenceId, checkUscc } from "../../mocks/shared/ids.js";
import { LICENCE_TYPE_CODES } from "../../mocks/elicence/catalogue.js";
import { licenceStatus } from "../../mocks/elicence/licences.js";
import {
  seedLicenceSource,
  seedLicencesOfEnterprise,
  seedLicencesOfPerson,
  SEED_SHARES,
} from "../../mocks/elicence/seed-licences.js";

const seed = createSeed("elicence-test", { persons: 3000, enterprises: 800 });
const now = Date.parse("2025-01-01T12:00:00+08:00");

describe("enterprises", () => {
  test("every market entity has one 营业执照 numbered by its USCC; other legal persons have none", () => {
    let market = 0;
    for (let i = 0; i < seed.enterprises.size; i++) {
      const e = seed.enterprises.at(i)!;
      const bls = seedLicencesOfEnterprise(seed, e).filter((l) => l.typeCode === LICENCE_TYPE_CODES.businessLicence);
      if (e.subjectType !== "enterprise") {
        expect(bls).toHaveLength(0);
        continue;
      }
      market++;
      expect(bls).toHaveLength(1);
      expect(bls[0].data).toMatchObject({
        ZZBH: e.uscc,
        CZZT: e.name,
        CZZTDM: e.uscc,
        CZZTDMLXDM: "001",
        KZ_FDDBR: e.legalRepresentative.name,
        KZ_CLRQ: e.establishedDate,
      });
      expect(checkLicenceId(bls[0].id)).toBeNull();
      expect(checkUscc(bls[0].issuerCode)).toBeNull();
    }
    expect(market).toBeGreaterThan(seed.enterprises.size / 2);
  });

  test("the issuer is the seed's own market-regulation bureau when the seed has it", () => {
    const bureaus = new Map<string, string>();
    for (let i = 0; i < seed.enterprises.size; i++) {
      const e = seed.enterprises.at(i)!;
      if (e.subjectType === "government") bureaus.set(e.name, e.uscc);
    }
    let matched = 0;
    for (let i = 0; i < seed.enterprises.size; i++) {
      const [bl] = seedLicencesOfEnterprise(seed, seed.enterprises.at(i)!);
      if (!bl) continue;
      expect(bl.data.ZZBFJG).toMatch(/^(汕头市.*|南澳县)市场监督管理局$/);
      const known = bureaus.get(bl.data.ZZBFJG);
      if (known) {
        expect(bl.data.ZZBFJGDM).toBe(known);
        matched++;
      }
    }
    expect(matched).toBeGreaterThan(0);
  });

  test("吊销 and 注销 enterprises' licences are annulled (07 / 04) and reported as result 21", () => {
    for (let i = 0; i < seed.enterprises.size; i++) {
      const e = seed.enterprises.at(i)!;
      if (e.subjectType !== "enterprise" || (e.status !== "吊销" && e.status !== "注销")) continue;
      const [bl] = seedLicencesOfEnterprise(seed, e);
      expect(bl.certState).toBe(e.status === "吊销" ? "07" : "04");
      expect(licenceStatus(bl, now).resultCode).toBe(21);
    }
  });
});

describe("persons", () => {
  test("a share of persons hold licences, with their own holder data and plausible spouses", () => {
    let holders = 0,
      drivers = 0;
    const types = new Set<string>();
    const n = 1500;
    for (let i = 0; i < n; i++) {
      const p = seed.persons.at(i)!;
      const ls = seedLicencesOfPerson(seed, p);
      if (ls.length) holders++;
      for (const l of ls) {
        types.add(l.data.ZZMC);
        if (l.data.ZZMC === "机动车驾驶证") drivers++;
        expect(l.data).toMatchObject({ CZZT: p.name, CZZTDM: p.idNumber, CZZTDMLXDM: "111" });
        expect(checkLicenceId(l.id)).toBeNull();
        if (l.data.KZ_POSFZH) {
          expect(checkIdNumber(l.data.KZ_POSFZH)).toBeNull();
          const spouse = seed.persons.byIdNumber(l.data.KZ_POSFZH)!;
          expect(spouse.sex).not.toBe(p.sex);
          expect(spouse.birthDate < l.data.KZ_DJRQ).toBe(true);
        }
      }
    }
    expect(holders).toBeGreaterThan(n / 3);
    expect(holders).toBeLessThan(n);
    expect(drivers / n).toBeGreaterThan(SEED_SHARES.drivingLicence / 2);
    expect([...types]).toEqual(expect.arrayContaining(["机动车驾驶证", "结婚证", "不动产权证书", "出生医学证明"]));
  });
});

describe("the source", () => {
  test("is deterministic per seed value and resolves identifiers back to licences", () => {
    const a = seedLicenceSource(seed),
      b = seedLicenceSource(createSeed("elicence-test", { persons: 3000, enterprises: 800 }));
    let seen = 0;
    for (let i = 0; i < 30; i++) {
      const p = seed.persons.at(i)!;
      expect(a.byHolder("111", p.idNumber)).toEqual(b.byHolder("111", p.idNumber));
      for (const l of a.byHolder("111", p.idNumber)) {
        expect(a.byId(l.id)).toEqual(l);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(5);
  });
  test("unknown holders and identifiers give nothing", () => {
    const a = seedLicenceSource(seed);
    expect(a.byHolder("001", "91350100M000100Y43")).toEqual([]);
    expect(a.byHolder("112", "x")).toEqual([]);
    expect(a.byId("1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.6")).toBeUndefined();
  });
});
