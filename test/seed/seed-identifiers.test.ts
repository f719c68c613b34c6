// Every generated identifier passes the national validators and agrees with the record it belongs to (facts §6).
import { describe, expect, it } from "vitest";
import { createSeed, SEED_REFERENCE_DATE } from "../../mocks/shared/seed/index.js";
import { checkIdNumber, checkOrgCode, checkUscc } from "../../mocks/shared/ids.js";
import { SHANTOU_DISTRICTS, SHANTOU_HISTORICAL, isKnownDivision } from "../../mocks/shared/divisions.js";
import type { Enterprise, Person } from "../../mocks/shared/seed-types.js";

const seed = createSeed("identifiers");

/** n indices spread evenly over [0, size), always including the personas. */
function sample(size: number, personas: number, n: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < personas; i++) out.add(i);
  const step = size / n;
  for (let k = 0; k < n; k++) out.add(Math.floor(k * step + (k % 7)) % size);
  return [...out];
}

const persons: Person[] = sample(seed.persons.size, seed.persons.personaCount, 5000).map((i) => seed.persons.at(i)!);
const enterprises: Enterprise[] = sample(seed.enterprises.size, seed.enterprises.personaCount, 5000).map((i) =>
  seed.enterprises.at(i)!,
);

function ageAt(birthDate: string, ref: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [ry, rm, rd] = ref.split("-").map(Number);
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

describe("person identifiers", () => {
  it("every sampled ID number passes GB 11643 validation", () => {
    const bad = persons
      .filter((p) => checkIdNumber(p.idNumber) !== null)
      .map((p) => [p.id, p.idNumber, checkIdNumber(p.idNumber)]);
    expect(bad).toEqual([]);
    expect(persons.length).toBeGreaterThanOrEqual(5000);
  });

  it("birth date and sex in the ID number match the record (odd sequence = male)", () => {
    for (const p of persons) {
      expect(p.idNumber.slice(6, 14)).toBe(p.birthDate.replaceAll("-", ""));
      expect(+p.idNumber[16] % 2 === 1 ? 1 : 2).toBe(p.sex);
    }
  });

  it("address codes are Shantou districts, a few of them historical, and residence is a current district", () => {
    const codes = new Set(persons.map((p) => p.idNumber.slice(0, 6)));
    for (const c of codes) expect(c in SHANTOU_DISTRICTS || c in SHANTOU_HISTORICAL).toBe(true);
    for (const c of Object.keys(SHANTOU_DISTRICTS)) expect(codes.has(c)).toBe(true);
    const historical = persons.filter((p) => p.idNumber.slice(0, 6) in SHANTOU_HISTORICAL).length / persons.length;
    expect(historical).toBeGreaterThan(0.02);
    expect(historical).toBeLessThan(0.15);
    expect(codes.has("440582")).toBe(true);
    const residences = new Set(persons.map((p) => p.districtCode));
    expect([...residences].sort()).toEqual(Object.keys(SHANTOU_DISTRICTS).sort());
  });

  it("people are mostly adults of 18–80, with some minors and nobody older than 80", () => {
    const ages = persons.map((p) => ageAt(p.birthDate, SEED_REFERENCE_DATE));
    const minors = ages.filter((a) => a < 18).length / ages.length;
    expect(minors).toBeGreaterThan(0.03);
    expect(minors).toBeLessThan(0.15);
    expect(Math.max(...ages)).toBeLessThanOrEqual(80);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(1);
  });

  it("ID numbers are unique", () => {
    expect(new Set(persons.map((p) => p.idNumber)).size).toBe(persons.length);
    expect(new Set(persons.map((p) => p.uid)).size).toBe(persons.length);
  });

  it("tyrz fields have their documented shapes (facts §2.2–2.3)", () => {
    for (const p of persons) {
      expect(p.useridcode).toMatch(/^[0-9a-f]{32}$/);
      expect(p.uid).toMatch(/^[a-z]+\d{6}$/);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(p.email).toMatch(/^[a-z0-9]+@[a-z0-9.]+\.com$/);
      expect(["L0", "L1", "L2", "L3"]).toContain(p.level);
      expect(p.realtype === "").toBe(p.level === "L0");
      if (p.level !== "L0") expect(["PLV", "SI", "IC"]).toContain(p.realtype);
      expect(["1", "2", "3", "4"]).toContain(p.loginMethod);
      expect(p.createtime).toMatch(/^20(1[6-9]|2[0-4])\d{10}$/);
      expect(p.address.startsWith("广东省汕头市" + SHANTOU_DISTRICTS[p.districtCode])).toBe(true);
      expect(p.householdAddress).toMatch(/^广东省汕头市/);
      expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
    }
  });
});

describe("legal-person identifiers", () => {
  it("every sampled USCC passes GB 32100 and its embedded organisation code passes GB 11714", () => {
    const bad = enterprises.filter((e) => checkUscc(e.uscc) !== null || checkOrgCode(e.uscc.slice(8, 17)) !== null);
    expect(bad.map((e) => e.uscc)).toEqual([]);
    for (const e of enterprises) expect(e.orgCode).toBe(`${e.uscc.slice(8, 16)}-${e.uscc[16]}`);
  });

  it("positions 3–8 are a Shantou division code (the city or a current district)", () => {
    for (const e of enterprises) {
      const div = e.uscc.slice(2, 8);
      expect(div === "440500" || div in SHANTOU_DISTRICTS).toBe(true);
      expect(isKnownDivision(div)).toBe(true);
      expect(e.districtCode in SHANTOU_DISTRICTS).toBe(true);
    }
  });

  it("the category code reflects the subject type", () => {
    const allowed: Record<Enterprise["subjectType"], string[]> = {
      enterprise: ["91", "92", "93"],
      government: ["11"],
      institution: ["12"],
      "social-org": ["51", "52", "53"],
    };
    for (const e of enterprises) expect(allowed[e.subjectType]).toContain(e.uscc.slice(0, 2));
    for (const e of enterprises.filter((x) => x.entityType === "个体工商户")) expect(e.uscc.slice(0, 2)).toBe("92");
  });

  it("USCCs are unique and the legal-person account logs in with its USCC", () => {
    expect(new Set(enterprises.map((e) => e.uscc)).size).toBe(enterprises.length);
    for (const e of enterprises) {
      expect(e.uid).toBe(e.uscc);
      expect(e.useridcode).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it("the legal representative is a real adult person of the seed (of age when a business was founded)", () => {
    for (const e of enterprises.slice(0, 1500)) {
      const rep = seed.persons.byIdNumber(e.legalRepresentative.idNumber);
      expect(rep?.name).toBe(e.legalRepresentative.name);
      expect(rep?.id).toBe(e.legalRepresentativeId);
      expect(ageAt(rep!.birthDate, SEED_REFERENCE_DATE)).toBeGreaterThanOrEqual(18);
      // A government body's or institution's representative is its current head, who may be younger than the body.
      if (e.subjectType === "enterprise") expect(ageAt(rep!.birthDate, e.establishedDate)).toBeGreaterThanOrEqual(18);
      expect(e.establishedDate <= SEED_REFERENCE_DATE).toBe(true);
    }
  });

  it("subject types, statuses and names look like a Shantou register", () => {
    const bySubject = new Map<string, number>();
    for (const e of enterprises) bySubject.set(e.subjectType, (bySubject.get(e.subjectType) ?? 0) + 1);
    expect(bySubject.get("enterprise")! / enterprises.length).toBeGreaterThan(0.85);
    for (const t of ["government", "institution", "social-org"]) expect(bySubject.get(t)).toBeGreaterThan(0);
    const active = enterprises.filter((e) => e.status === "存续" || e.status === "在业").length / enterprises.length;
    expect(active).toBeGreaterThan(0.8);
    expect(enterprises.some((e) => e.status === "注销")).toBe(true);
    expect(enterprises.some((e) => e.status === "吊销")).toBe(true);
    for (const e of enterprises) {
      expect(e.name).toMatch(/^(汕头|广东|南澳县)/);
      expect(e.address).toMatch(/^汕头市/);
      if (e.entityType.startsWith("有限责任公司")) expect(e.name).toMatch(/有限公司$/);
    }
  });

  it("each government body appears once in the whole register", () => {
    const names: string[] = [];
    for (let j = 0; j < seed.enterprises.size; j++) {
      const e = seed.enterprises.at(j)!;
      if (e.subjectType === "government") names.push(e.name);
    }
    expect(names.length).toBeGreaterThan(50);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("汕头市市场监督管理局");
  });
});
