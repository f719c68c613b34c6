// Licence identifiers (GB/T 36904): the facts' worked examples, and every identifier the platform makes is valid.
import { describe, expect, test } from "vitest";
import { checkLicenceId, checkUscc, makeLicenceId, mod37_36 } from "../../mocks/shared/ids.js";
import { MemoryStore } from "../../mocks/shared/store.js";
import { Clock } from "../../mocks/shared/clock.js";
import { AUTHORITIES, localIssuer } from "../../mocks/elicence/issuers.js";
import { BUILTIN_LICENCE_TYPES, LICENCE_TYPE_CODES } from "../../mocks/elicence/catalogue.js";
import { createAndIssueLicence, modifyLicence } from "../../mocks/elicence/licences.js";
import { seedLicenceSource } from "../../mocks/elicence/seed-licences.js";
import { createSeed } from "../../mocks/shared/seed/index.js";

describe("worked examples (facts §4.2)", () => {
  test("the synthetic Shantou example reproduces check character 6", () => {
    expect(makeLicenceId("11100000000013338W011", "11440507MB2C00001R", "2024000123", "001")).toBe(
      "1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.6",
    );
  });
  test.each([
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
    "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
  ])("identifier found in the wild validates: %s", (id) => {
    expect(checkLicenceId(id)).toBeNull();
  });
  test("the CSDN test string gives M", () => {
    expect(mod37_36("11100000000013338W00211320482014138860P201807250201001")).toBe("M");
  });
  test("a wrong check character is refused with the right one named", () => {
    expect(checkLicenceId("1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.7")).toMatch(
      /校验位应为 6/,
    );
  });
});

describe("codes the platform makes", () => {
  test("defining authorities and local issuers have valid USCCs; only 住建部's is real", () => {
    for (const a of Object.values(AUTHORITIES)) expect(checkUscc(a.uscc), a.name).toBeNull();
    expect(AUTHORITIES.mohurd).toMatchObject({ uscc: "11100000000013338W", synthetic: false });
    expect(Object.values(AUTHORITIES).filter((a) => !a.synthetic)).toHaveLength(1);
    for (const kind of ["market", "civil", "land", "police", "health", "disabled", "transport", "housing"] as const)
      for (const div of ["440507", "440523", "440500", "440100", "110105"]) {
        const a = localIssuer(kind, div);
        expect(checkUscc(a.uscc), `${kind} ${div}`).toBeNull();
      }
    expect(localIssuer("market", "440507").name).toBe("汕头市龙湖区市场监督管理局");
    expect(localIssuer("market", "440523").name).toBe("南澳县市场监督管理局");
  });

  test("every type code is the definer's USCC plus 3 digits", () => {
    for (const t of BUILTIN_LICENCE_TYPES) {
      expect(t.code).toMatch(/^[0-9A-HJ-NPQRTUWXY]{18}\d{3}$/);
      expect(t.code.slice(0, 18)).toBe(t.definer.uscc);
    }
  });

  test("issued licences and their changed versions carry valid identifiers", async () => {
    const clock = new Clock();
    clock.freeze(Date.parse("2024-05-01T10:00:00+08:00"));
    const env = { store: new MemoryStore(clock) };
    const { licence } = await createAndIssueLicence(
      env,
      {
        ZZLXDM: LICENCE_TYPE_CODES.roadTransport,
        CZZT: "汕头市龙湖区示例贸易有限公司",
        CZZTDM: "91440507192781592B",
        CZZTDMLXDM: "001",
        KZ_JJLX: "有限责任公司",
        KZ_DZ: "汕头市龙湖区金砂东路10号",
        KZ_JYFW: "道路普通货物运输",
      },
      { now: clock.now(), issuer: { uscc: "11440500553696992R", name: "汕头市交通运输局" } },
    );
    expect(licence.id).toBe(makeLicenceId(LICENCE_TYPE_CODES.roadTransport, "11440500553696992R", "2024000001", "001"));
    expect(checkLicenceId(licence.id)).toBeNull();
    const changed = await modifyLicence(env, licence.id, { KZ_DZ: "汕头市金平区金砂路1号" }, { now: clock.now() });
    expect(changed.licence.id).toMatch(/\.2024000001\.002\.[0-9A-Z]$/);
    expect(checkLicenceId(changed.licence.id)).toBeNull();
  });

  test("seeded licences carry valid identifiers", () => {
    const seed = createSeed("elicence-test", { persons: 200, enterprises: 100 });
    const src = seedLicenceSource(seed);
    let n = 0;
    for (let i = 0; i < seed.persons.size; i++)
      for (const l of src.byHolder("111", seed.persons.at(i)!.idNumber)) {
        expect(checkLicenceId(l.id), l.id).toBeNull();
        n++;
      }
    for (let i = 0; i < seed.enterprises.size; i++)
      for (const l of src.byHolder("001", seed.enterprises.at(i)!.uscc)) {
        expect(checkLicenceId(l.id), l.id).toBeNull();
        n++;
      }
    expect(n).toBeGreaterThan(40);
  });
});
