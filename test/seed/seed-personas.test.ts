// The personas the identity login page lists cover every district, level, login method and subject type.
import { describe, expect, it } from "vitest";
import { createSeed, SEED_REFERENCE_DATE } from "../../mocks/shared/seed/index.js";
import { SHANTOU_DISTRICTS } from "../../mocks/shared/divisions.js";
import type { Enterprise, Person } from "../../mocks/shared/seed-types.js";

for (const value of ["gatesim", "personas-2"]) {
  describe(`personas of seed "${value}"`, () => {
    const seed = createSeed(value);
    const persons: Person[] = Array.from({ length: seed.persons.personaCount }, (_, i) => seed.persons.at(i)!);
    const enterprises: Enterprise[] = Array.from({ length: seed.enterprises.personaCount }, (_, j) =>
      seed.enterprises.at(j)!,
    );

    it("there are at least 50 persons and 20 legal persons", () => {
      expect(persons.length).toBeGreaterThanOrEqual(50);
      expect(enterprises.length).toBeGreaterThanOrEqual(20);
    });

    it("persona 0 is a plain adult L2 citizen of 龙湖区", () => {
      const p = persons[0];
      expect(p.districtCode).toBe("440507");
      expect(p.idNumber.slice(0, 6)).toBe("440507");
      expect(p.level).toBe("L2");
      expect(p.realtype).toBe("PLV");
      expect(p.address).toContain("龙湖区");
      expect(p.birthDate <= "2006-12-31").toBe(true);
    });

    it("persons spread over all districts, both sexes, every level (L2 most) and every login method", () => {
      expect(new Set(persons.map((p) => p.districtCode))).toEqual(new Set(Object.keys(SHANTOU_DISTRICTS)));
      expect(new Set(persons.map((p) => p.sex))).toEqual(new Set([1, 2]));
      const levels = new Map<string, number>();
      for (const p of persons) levels.set(p.level, (levels.get(p.level) ?? 0) + 1);
      expect([...levels.keys()].sort()).toEqual(["L0", "L1", "L2", "L3"]);
      expect(Math.max(...levels.values())).toBe(levels.get("L2"));
      expect(new Set(persons.map((p) => p.loginMethod))).toEqual(new Set(["1", "2", "3", "4"]));
      expect(persons.some((p) => p.idNumber.startsWith("440582"))).toBe(true);
      for (const p of persons) expect(p.birthDate < `${+SEED_REFERENCE_DATE.slice(0, 4) - 18}`).toBe(true);
    });

    it("persona names and login names are distinct", () => {
      expect(new Set(persons.map((p) => p.uid)).size).toBe(persons.length);
      expect(new Set(enterprises.map((e) => e.name)).size).toBe(enterprises.length);
    });

    it("enterprise 0 is an active 龙湖区 company with an operator", () => {
      const e = enterprises[0];
      expect(e.subjectType).toBe("enterprise");
      expect(e.entityType).toMatch(/^有限责任公司/);
      expect(e.districtCode).toBe("440507");
      expect(e.uscc.slice(0, 8)).toBe("91440507");
      expect(e.status).toBe("存续");
      expect(e.operatorIds.length).toBeGreaterThanOrEqual(1);
    });

    it("legal personas cover every subject type and district, mostly active", () => {
      expect(new Set(enterprises.map((e) => e.subjectType))).toEqual(
        new Set(["enterprise", "institution", "government", "social-org"]),
      );
      expect(new Set(enterprises.map((e) => e.districtCode))).toEqual(new Set(Object.keys(SHANTOU_DISTRICTS)));
      expect(enterprises.map((e) => e.name)).toContain("汕头市市场监督管理局");
      expect(enterprises.filter((e) => e.status === "存续" || e.status === "在业").length).toBeGreaterThanOrEqual(20);
      expect(new Set(enterprises.map((e) => e.uscc.slice(0, 2)))).toEqual(
        new Set(["91", "92", "93", "11", "12", "51", "52", "53"]),
      );
    });

    it("each legal persona has 1–3 distinct operators who are real-named persona persons", () => {
      for (const e of enterprises) {
        expect(e.operatorIds.length).toBeGreaterThanOrEqual(1);
        expect(e.operatorIds.length).toBeLessThanOrEqual(3);
        expect(new Set(e.operatorIds).size).toBe(e.operatorIds.length);
        for (const id of e.operatorIds) {
          const op = seed.persons.byId(id);
          expect(op).toBeDefined();
          expect(+id.slice(1)).toBeLessThan(seed.persons.personaCount);
          expect(op!.level).not.toBe("L0");
        }
      }
      const operators = new Set(enterprises.flatMap((e) => e.operatorIds));
      expect(operators.size).toBeGreaterThan(10);
    });

    it("non-persona legal persons have no operator accounts", () => {
      expect(seed.enterprises.at(seed.enterprises.personaCount)!.operatorIds).toEqual([]);
    });
  });
}

describe("small seeds", () => {
  it("personaCount shrinks to the collection size and everything still resolves", () => {
    const seed = createSeed("tiny", { persons: 10, enterprises: 5 });
    expect(seed.persons.personaCount).toBe(10);
    expect(seed.enterprises.personaCount).toBe(5);
    for (let j = 0; j < 5; j++) {
      const e = seed.enterprises.at(j)!;
      expect(seed.persons.byIdNumber(e.legalRepresentative.idNumber)?.name).toBe(e.legalRepresentative.name);
      for (const id of e.operatorIds) expect(seed.persons.byId(id)).toBeDefined();
    }
  });

  it("rejects sizes it cannot number", () => {
    expect(() => createSeed("x", { persons: 0 })).toThrow(RangeError);
    expect(() => createSeed("x", { enterprises: 1.5 })).toThrow(RangeError);
    expect(() => createSeed("x", { persons: 1e12 })).toThrow(RangeError);
  });
});
