// Licence type catalogue: the seeded national types, and a department registering and publishing its own.
import { beforeEach, describe, expect, test } from "vitest";
import { MemoryStore } from "../../mocks/shared/store.js";
import { Clock } from "../../mocks/shared/clock.js";
import {
  BUILTIN_LICENCE_TYPES,
  findLicenceType,
  listLicenceTypes,
  publishLicenceType,
  registerLicenceType,
} from "../../mocks/elicence/catalogue.js";
import { createAndIssueLicence } from "../../mocks/elicence/licences.js";
import { ElicenceError } from "../../mocks/elicence/errors.js";

const DEPT = {
  uscc: "11440500553696992R",
  name: "汕头市政务服务数据管理局",
  en: "Shantou data bureau",
  synthetic: false,
};
const OTHER = { uscc: "91440507192781592B", name: "汕头市龙湖区示例贸易有限公司", en: "a company", synthetic: false };

let store: MemoryStore;
const now = Date.parse("2024-05-01T10:00:00+08:00");
beforeEach(() => {
  const clock = new Clock();
  clock.freeze(now);
  store = new MemoryStore(clock);
});

test("at least 10 seeded, published types with holder types and typed KZ_ items", () => {
  const names = BUILTIN_LICENCE_TYPES.map((t) => t.name);
  for (const n of [
    "营业执照",
    "食品经营许可证",
    "不动产权证书",
    "结婚证",
    "出生医学证明",
    "残疾人证",
    "药品经营许可证",
    "道路运输经营许可证",
    "建筑施工企业安全生产许可证",
    "机动车驾驶证",
  ])
    expect(names).toContain(n);
  expect(new Set(BUILTIN_LICENCE_TYPES.map((t) => t.code)).size).toBe(BUILTIN_LICENCE_TYPES.length);
  for (const t of BUILTIN_LICENCE_TYPES) {
    expect(t.state).toBe("published");
    expect(["111", "001"]).toContain(t.holderType);
    expect(t.items.length).toBeGreaterThan(0);
    for (const i of t.items) expect(i.key).toMatch(/^KZ_[A-Z0-9_]+$/);
  }
  expect(BUILTIN_LICENCE_TYPES.find((t) => t.name === "结婚证")!.holderType).toBe("111");
  expect(BUILTIN_LICENCE_TYPES.find((t) => t.name === "营业执照")!.holderType).toBe("001");
  expect(BUILTIN_LICENCE_TYPES.find((t) => t.name === "建筑施工企业安全生产许可证")!.code.slice(0, 18)).toBe(
    "11100000000013338W",
  );
});

describe("目录编制和注册: register then publish", () => {
  const draft = {
    name: "汕头市人才绿卡",
    en: "Shantou talent card",
    holderType: "111",
    validityYears: 3,
    items: [
      {
        key: "KZ_RCLB",
        zh: "人才类别",
        en: "talent category",
        type: "enum" as const,
        required: true,
        values: ["A类", "B类", "C类"],
      },
      { key: "KZ_GZDW", zh: "工作单位", en: "employer", type: "string" as const, required: false },
    ],
  };
  const body = { CZZT: "陈伟", CZZTDM: "440507199001011233", CZZTDMLXDM: "111", KZ_RCLB: "B类" };

  test("a registered type cannot be used until its definer publishes it (result 13)", async () => {
    const t = await registerLicenceType(store, draft, DEPT, now);
    expect(t).toMatchObject({ code: "11440500553696992R001", state: "registered", source: "department" });
    const e = await createAndIssueLicence({ store }, { ZZLXDM: t.code, ...body }, { now, issuer: DEPT }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(ElicenceError);
    expect([e.code, e.resultCode]).toEqual(["TYPE_NOT_PUBLISHED", 13]);
    expect((await listLicenceTypes(store, { publishedOnly: true })).map((x) => x.code)).not.toContain(t.code);

    const notMine = await publishLicenceType(store, t.code, OTHER.uscc, now).catch((x) => x);
    expect([notMine.code, notMine.resultCode]).toEqual(["NOT_TYPE_OWNER", 100]);

    const p = await publishLicenceType(store, t.code, DEPT.uscc, now + 1000);
    expect(p).toMatchObject({ state: "published", publishedAt: now + 1000 });
    const { licence } = await createAndIssueLicence({ store }, { ZZLXDM: t.code, ...body }, { now, issuer: DEPT });
    expect(licence.data).toMatchObject({ ZZMC: "汕头市人才绿卡", KZ_RCLB: "B类", ZZYXQJZRQ: "2027-04-30" });
  });

  test("sequences are allocated per definer; duplicates and bad items are refused", async () => {
    await registerLicenceType(store, draft, DEPT, now);
    expect((await registerLicenceType(store, { ...draft, name: "第二种" }, DEPT, now)).code).toBe(
      "11440500553696992R002",
    );
    expect((await registerLicenceType(store, { ...draft, code: "002" }, DEPT, now).catch((x) => x)).code).toBe(
      "TYPE_EXISTS",
    );
    expect(
      (await registerLicenceType(store, { ...draft, code: "91440507192781592B001" }, DEPT, now).catch((x) => x)).code,
    ).toBe("NOT_TYPE_OWNER");
    const bad = await registerLicenceType(
      store,
      { ...draft, items: [{ key: "RCLB", zh: "x", en: "x", type: "string", required: false }] },
      DEPT,
      now,
    ).catch((x) => x);
    expect([bad.code, bad.location]).toEqual(["INVALID_FIELD", "/items/0/key"]);
    const badHolder = await registerLicenceType(store, { ...draft, holderType: "999" }, DEPT, now).catch((x) => x);
    expect(badHolder.resultCode).toBe(103);
    expect(await findLicenceType(store, "11440500553696992R009")).toBeUndefined();
  });
});
