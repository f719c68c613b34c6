import { describe, expect, it } from "vitest";
import { PARCEL_COUNT, createBaseLibraries, parcelCodeAt } from "../../mocks/datashare/base-libraries.js";
import { checkFormat } from "../../mocks/datashare/item-values.js";
import { seed } from "./helpers.js";

const libs = createBaseLibraries(seed);

describe("population and legal-entity libraries", () => {
  it("answers a person by ID number, consistent with the seed persona", () => {
    const p = seed.persons.at(3)!;
    const row = libs.person(p.idNumber)!;
    expect(row).toMatchObject({
      XM: p.name,
      SFZH: p.idNumber,
      CSRQ: p.birthDate,
      ZZ: p.address,
      HJDZ: p.householdAddress,
      XZQHDM: p.districtCode,
    });
    expect(row.XB).toBe(p.sex === 1 ? "男" : "女");
    expect(libs.person(p.idNumber)).toEqual(row); // deterministic
    expect(libs.person("440507199001011234")).toBeUndefined();
    const h = libs.household(p.idNumber)!;
    expect(h.HH).toMatch(/^\d{9}$/);
    expect(h.YHZGX === "户主" ? h.HZXM === p.name : true).toBe(true);
  });

  it("answers a legal person by USCC", () => {
    const e = seed.enterprises.at(5)!;
    expect(libs.entity(e.uscc)).toMatchObject({
      TYSHXYDM: e.uscc,
      JGMC: e.name,
      FDDBR: e.legalRepresentative.name,
      ZCZB: e.registeredCapital,
      DJZT: e.status,
    });
  });
});

describe("spatial library", () => {
  it("has deterministic Shantou parcels with plausible WGS84 coordinates", () => {
    expect(PARCEL_COUNT).toBeGreaterThanOrEqual(100_000);
    for (const i of [0, 1, 12_345, 99_999, PARCEL_COUNT - 1]) {
      const code = parcelCodeAt(i)!;
      expect(checkFormat("parcel-code", code)).toBeNull();
      const r = libs.parcel(code)!;
      expect(r.ZDDM).toBe(code);
      expect(r.JD as number).toBeGreaterThanOrEqual(116.5);
      expect(r.JD as number).toBeLessThanOrEqual(117.0);
      expect(r.WD as number).toBeGreaterThanOrEqual(23.2);
      expect(r.WD as number).toBeLessThanOrEqual(23.6);
      expect(r.ZL).toMatch(/^广东省汕头市/);
      expect(libs.parcel(code)).toEqual(r);
    }
    expect(parcelCodeAt(PARCEL_COUNT)).toBeUndefined();
    expect(libs.parcel("440507011001GB00001")).toBeUndefined(); // zone 011 does not exist
    expect(checkFormat("parcel-code", "44050700100GB00001")).not.toBeNull();
  });
});

describe("social credit library", () => {
  it("covers the five subject types with penalties, licences and red/black lists, deterministically", () => {
    const types = new Set<string>();
    const kinds = new Set<string>();
    let penalties = 0;
    let licences = 0;
    for (let i = 0; i < 1500; i++) {
      const e = seed.enterprises.at(i)!;
      const subject = libs.creditSubject(e.uscc)!;
      types.add(subject.type);
      penalties += libs.penalties(e.uscc).length;
      licences += libs.licences(e.uscc).length;
      for (const r of libs.redBlack(e.uscc)) kinds.add(`${subject.type}:${r.MDLX}`);
    }
    for (let i = 0; i < 3000; i++) {
      const p = seed.persons.at(i)!;
      for (const r of libs.redBlack(p.idNumber)) kinds.add(`自然人:${r.MDLX}`);
    }
    types.add(libs.creditSubject(seed.persons.at(0)!.idNumber)!.type);
    expect([...types].sort()).toEqual(["事业单位", "企业", "机关", "社会组织", "自然人"].sort());
    expect(penalties).toBeGreaterThan(50);
    expect(licences).toBeGreaterThan(500);
    expect(kinds).toContain("企业:红名单");
    expect(kinds).toContain("企业:黑名单");
    expect(kinds).toContain("自然人:黑名单");
    const sample = seed.enterprises.at(11)!.uscc;
    expect(libs.penalties(sample)).toEqual(libs.penalties(sample));
    for (const r of libs.penalties(seed.enterprises.at(11)!.uscc)) expect(r.ZTDM).toBe(sample);
    expect(libs.penalties("91440500MA00000000")).toEqual([]);
  });

  it("filters the red/black list by MDLX", () => {
    let code = "";
    for (let i = 0; i < 3000 && !code; i++)
      if (libs.redBlack(seed.enterprises.at(i)!.uscc).length) code = seed.enterprises.at(i)!.uscc;
    const [row] = libs.redBlack(code);
    expect(libs.rows("credit.redblack", { ZTDM: code, MDLX: row.MDLX })).toHaveLength(1);
    expect(
      libs.rows("credit.redblack", { ZTDM: code, MDLX: row.MDLX === "红名单" ? "黑名单" : "红名单" }),
    ).toHaveLength(0);
  });
});
