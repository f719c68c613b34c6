// Issuance domain: create, issue, change (new version), delete, annul, withhold/return, archive, expiry, holder codes.
import { beforeEach, describe, expect, test } from "vitest";
import { MemoryStore } from "../../mocks/shared/store.js";
import { Clock } from "../../mocks/shared/clock.js";
import { LICENCE_TYPE_CODES } from "../../mocks/elicence/catalogue.js";
import {
  archiveLicence,
  createAndIssueLicence,
  createLicence,
  deleteLicence,
  findLicence,
  getLicence,
  issueLicence,
  licenceStatus,
  listLicencesByHolder,
  listVersions,
  modifyLicence,
  returnLicence,
  revokeLicence,
  suspendLicence,
  type LicenceEnv,
} from "../../mocks/elicence/licences.js";
import { ElicenceError } from "../../mocks/elicence/errors.js";
import { seedLicenceSource } from "../../mocks/elicence/seed-licences.js";
import { createSeed } from "../../mocks/shared/seed/index.js";

const ISSUER = { uscc: "11440500553696992R", name: "汕头市市场监督管理局" };
const DAY = 86400_000;

function foodBody(over: Record<string, unknown> = {}) {
  return {
    ZZLXDM: LICENCE_TYPE_CODES.foodBusiness,
    CZZT: "汕头市龙湖区示例贸易有限公司",
    CZZTDM: "91440507192781592B",
    CZZTDMLXDM: "001",
    KZ_FDDBR: "陈伟",
    KZ_ZS: "汕头市龙湖区金砂东路10号",
    KZ_JYCS: "汕头市龙湖区金砂东路10号首层",
    KZ_ZTYT: "餐饮服务经营者",
    KZ_JYXM: "热食类食品制售",
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<ElicenceError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, "the operation should have been refused").toBeInstanceOf(ElicenceError);
  return e as ElicenceError;
}

let clock: Clock;
let env: LicenceEnv;
beforeEach(() => {
  clock = new Clock();
  clock.freeze(Date.parse("2024-05-01T10:00:00+08:00"));
  env = { store: new MemoryStore(clock) };
});

describe("create and issue", () => {
  test("create makes unissued licence data with an identifier and a license_code; issue makes it valid", async () => {
    const l = await createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    expect(l.stage).toBe("created");
    expect(l.licenseCode).toBe("440500202400000001");
    expect(l.data).toMatchObject({
      ZZMC: "食品经营许可证",
      ZZBFJG: ISSUER.name,
      ZZBFJGDM: ISSUER.uscc,
      CZZTDMLX: "统一社会信用代码",
      ZZBH: "2024000001",
    });
    expect(licenceStatus(l, clock.now()).usable).toBe(false);

    clock.advance(DAY);
    const { licence, catalogueRecord } = await issueLicence(env, l.licenseCode, { now: clock.now() });
    expect(licence).toMatchObject({ stage: "issued", certState: "01" });
    // Dates decided at issue; a food business licence runs 5 years by default.
    expect(licence.data).toMatchObject({ ZZBFRQ: "2024-05-02", ZZYXQQSRQ: "2024-05-02", ZZYXQJZRQ: "2029-05-01" });
    expect(licence.history.map((h) => [h.action, h.operateType, h.certState])).toEqual([
      ["create", undefined, undefined],
      ["issue", "01", "01"],
    ]);
    expect(catalogueRecord).toEqual({
      certificate_area_code: "440500",
      certificate_holder: "汕头市龙湖区示例贸易有限公司",
      certificate_holder_code: "91440507192781592B",
      certificate_holder_type: "001",
      certificate_name: "食品经营许可证",
      certificate_number: "2024000001",
      certificate_source_id: l.id,
      certificate_type: "食品经营许可证",
      certificate_type_code: LICENCE_TYPE_CODES.foodBusiness,
      issue_date: "2024-05-02",
      issue_dept: ISSUER.name,
      issue_dept_code: ISSUER.uscc,
      produced_at: clock.now(),
    });
    expect(licenceStatus(licence, clock.now())).toMatchObject({ usable: true, resultCode: 0, certState: "01" });
  });

  test("issuing twice is refused", async () => {
    const { licence } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    const e = await refusal(issueLicence(env, licence.id, { now: clock.now() }));
    expect(e.code).toBe("ILLEGAL_TRANSITION");
    expect(e.message).toMatch(/已于 2024-05-01 签发/);
  });

  test("a caller's own identifier must match type, issuer and version 001", async () => {
    const e = await refusal(
      createLicence(
        env,
        foodBody({ ZZBS: "1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.6" }),
        { now: clock.now(), issuer: ISSUER },
      ),
    );
    expect(e.code).toBe("INVALID_IDENTIFIER");
    expect(e.location).toBe("/ZZBS");
  });

  test("required and unknown items are refused with where and why", async () => {
    let e = await refusal(createLicence(env, foodBody({ KZ_JYXM: "" }), { now: clock.now(), issuer: ISSUER }));
    expect([e.code, e.resultCode, e.location]).toEqual(["REQUIRED_FIELD_MISSING", 12, "/KZ_JYXM"]);
    e = await refusal(createLicence(env, foodBody({ KZ_BDCQZH: "x" }), { now: clock.now(), issuer: ISSUER }));
    expect(e.code).toBe("UNKNOWN_FIELD");
    expect(e.zh).toMatch(/没有扩展项 KZ_BDCQZH/);
    e = await refusal(createLicence(env, foodBody({ KZ_ZTYT: "批发" }), { now: clock.now(), issuer: ISSUER }));
    expect(e.en).toMatch(/must be one of/);
    e = await refusal(
      createLicence(env, foodBody({ ZZYXQQSRQ: "2024-05-01", ZZYXQJZRQ: "2023-01-01" }), {
        now: clock.now(),
        issuer: ISSUER,
      }),
    );
    expect(e.location).toBe("/ZZYXQJZRQ");
  });
});

describe("holder codes (result 103)", () => {
  test("a holder id-type code other than 111/001 gives 103", async () => {
    const e = await refusal(createLicence(env, foodBody({ CZZTDMLXDM: "112" }), { now: clock.now(), issuer: ISSUER }));
    expect([e.code, e.resultCode, e.location]).toEqual(["INVALID_HOLDER_TYPE", 103, "/CZZTDMLXDM"]);
  });
  test("the type's own holder type is required", async () => {
    const e = await refusal(
      createLicence(env, foodBody({ CZZTDMLXDM: "111", CZZTDM: "440507199001011233" }), {
        now: clock.now(),
        issuer: ISSUER,
      }),
    );
    expect(e.resultCode).toBe(103);
    expect(e.zh).toMatch(/应为 001/);
  });
  test("a USCC with a wrong check character gives 103 and names the right one", async () => {
    const e = await refusal(
      createLicence(env, foodBody({ CZZTDM: "91440507192781592C" }), { now: clock.now(), issuer: ISSUER }),
    );
    expect([e.code, e.resultCode]).toEqual(["INVALID_HOLDER_CODE", 103]);
    expect(e.zh).toMatch(/校验码应为 B/);
  });
  test("an ID number with a wrong check digit gives 103", async () => {
    const e = await refusal(
      createLicence(
        env,
        {
          ZZLXDM: LICENCE_TYPE_CODES.disability,
          CZZT: "陈伟",
          CZZTDM: "440507199001011234",
          CZZTDMLXDM: "111",
          KZ_XB: "男",
          KZ_CSRQ: "1990-01-01",
          KZ_CJLB: "肢体",
          KZ_CJDJ: "三级",
        },
        { now: clock.now(), issuer: ISSUER },
      ),
    );
    expect([e.code, e.resultCode]).toEqual(["INVALID_HOLDER_CODE", 103]);
  });
});

describe("change (变更) makes a new version", () => {
  test("version 002 is linked to 001, which becomes 05 失效 and cannot be used or changed again", async () => {
    const { licence: v1 } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    clock.advance(30 * DAY);
    const r = await modifyLicence(
      env,
      v1.licenseCode,
      { KZ_JYCS: "汕头市金平区新址1号" },
      { now: clock.now(), reason: "经营场所变更" },
    );
    const v2 = r.licence;
    expect(v2).toMatchObject({
      version: "002",
      serial: v1.serial,
      previousId: v1.id,
      certState: "01",
      stage: "issued",
    });
    expect(v2.licenseCode).not.toBe(v1.licenseCode);
    expect(v2.data).toMatchObject({
      KZ_JYCS: "汕头市金平区新址1号",
      ZZBFRQ: "2024-05-31",
      ZZYXQJZRQ: v1.data.ZZYXQJZRQ,
      ZZBS: v2.id,
    });
    expect(r.catalogueRecord?.certificate_source_id).toBe(v2.id);
    const old = (await getLicence(env, v1.id))!;
    expect(old).toMatchObject({ certState: "05", nextId: v2.id });
    expect(old.history.at(-1)).toMatchObject({
      action: "change",
      operateType: "09",
      certState: "05",
      relatedId: v2.id,
    });
    expect(licenceStatus(old, clock.now())).toMatchObject({ usable: false, resultCode: 21, supersededBy: v2.id });
    expect((await listVersions(env, v2.id)).map((l) => l.version)).toEqual(["001", "002"]);
    expect((await listLicencesByHolder(env, "001", "91440507192781592B")).map((l) => l.id)).toEqual([v2.id]);

    const e = await refusal(modifyLicence(env, v1.id, { KZ_JYCS: "x" }, { now: clock.now() }));
    expect(e.code).toBe("SUPERSEDED");
    expect(e.zh).toContain(v2.id);
    const v3 = await modifyLicence(env, v2.id, { KZ_JYXM: "预包装食品销售" }, { now: clock.now() });
    expect(v3.licence.version).toBe("003");
  });

  test("unissued data is changed in place; type, issuer and holder code cannot change", async () => {
    const l = await createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    const r = await modifyLicence(env, l.id, { KZ_FDDBR: "林芳" }, { now: clock.now() });
    expect(r.licence).toMatchObject({ id: l.id, version: "001", stage: "created" });
    expect(r.licence.data.KZ_FDDBR).toBe("林芳");
    const e = await refusal(modifyLicence(env, l.id, { CZZTDM: "91440101MA5CHYDD1A" }, { now: clock.now() }));
    expect([e.code, e.location]).toEqual(["INVALID_FIELD", "/CZZTDM"]);
  });
});

describe("state transitions", () => {
  test("delete only unissued data", async () => {
    const l = await createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    await deleteLicence(env, l.id, { now: clock.now() });
    expect(await findLicence(env, l.licenseCode)).toBeUndefined();
    const { licence } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    const e = await refusal(deleteLicence(env, licence.id, { now: clock.now() }));
    expect(e.zh).toMatch(/已签发的证照不能删除，请使用废止/);
  });

  test("annul: 03 by default, then refused again; unissued cannot be annulled", async () => {
    const { licence } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    const r = await revokeLicence(env, licence.id, { now: clock.now(), reason: "以欺骗手段取得许可" });
    expect(r).toMatchObject({ certState: "03", stateReason: "以欺骗手段取得许可" });
    expect(r.history.at(-1)).toMatchObject({ action: "revoke", operateType: "05", certState: "03" });
    expect(licenceStatus(r, clock.now())).toMatchObject({ usable: false, resultCode: 21 });
    expect(licenceStatus(r, clock.now()).zh).toContain("撤销");
    const again = await refusal(revokeLicence(env, licence.id, { now: clock.now(), kind: "07" }));
    expect([again.code, again.resultCode]).toEqual(["LICENCE_REVOKED", 21]);
    const ch = await refusal(modifyLicence(env, licence.id, { KZ_FDDBR: "x" }, { now: clock.now() }));
    expect(ch.code).toBe("LICENCE_REVOKED");
    const draft = await createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    expect((await refusal(revokeLicence(env, draft.id, { now: clock.now() }))).zh).toMatch(/请直接删除/);
  });

  test("withhold (暂扣) and return (发还)", async () => {
    const { licence } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    expect((await refusal(returnLicence(env, licence.id, { now: clock.now() }))).zh).toMatch(/未被暂扣/);
    const s = await suspendLicence(env, licence.id, { now: clock.now(), reason: "整改期间" });
    expect(licenceStatus(s, clock.now())).toMatchObject({ certState: "02", resultCode: 23, usable: false });
    const twice = await refusal(suspendLicence(env, licence.id, { now: clock.now() }));
    expect([twice.code, twice.resultCode]).toEqual(["LICENCE_SUSPENDED", 23]);
    expect((await refusal(modifyLicence(env, licence.id, { KZ_FDDBR: "x" }, { now: clock.now() }))).zh).toMatch(
      /请先发还/,
    );
    const back = await returnLicence(env, licence.id, { now: clock.now() });
    expect(back.certState).toBe("01");
    expect(back.history.map((h) => h.operateType).filter(Boolean)).toEqual(["01", "03", "06"]);
    // A withheld licence may still be annulled.
    await suspendLicence(env, licence.id, { now: clock.now() });
    expect((await revokeLicence(env, licence.id, { now: clock.now(), kind: "07" })).certState).toBe("07");
  });

  test("expiry follows the clock: valid on the last day, expired the next", async () => {
    const { licence } = await createAndIssueLicence(env, foodBody({ ZZYXQJZRQ: "2024-06-30" }), {
      now: clock.now(),
      issuer: ISSUER,
    });
    clock.set(Date.parse("2024-06-30T23:59:59+08:00"));
    expect(licenceStatus(licence, clock.now()).usable).toBe(true);
    clock.advance(1000);
    expect(licenceStatus(licence, clock.now())).toMatchObject({
      usable: false,
      expired: true,
      certState: "05",
      resultCode: 22,
    });
    const e = await refusal(suspendLicence(env, licence.id, { now: clock.now() }));
    expect([e.code, e.resultCode]).toEqual(["LICENCE_EXPIRED", 22]);
    expect(e.zh).toMatch(/请办理延续/);
    // An expired licence can still be cancelled (注销).
    expect((await revokeLicence(env, licence.id, { now: clock.now(), kind: "04" })).certState).toBe("04");
  });

  test("archive marks issued licences only", async () => {
    const draft = await createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    expect((await refusal(archiveLicence(env, draft.id, { now: clock.now() }))).code).toBe("ILLEGAL_TRANSITION");
    const { licence } = await createAndIssueLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER });
    expect((await archiveLicence(env, licence.id, { now: clock.now() })).archivedAt).toBe(clock.now());
  });

  test("concurrent creations get distinct serials", async () => {
    const ls = await Promise.all(
      Array.from({ length: 5 }, () => createLicence(env, foodBody(), { now: clock.now(), issuer: ISSUER })),
    );
    expect(new Set(ls.map((l) => l.serial)).size).toBe(5);
    expect(new Set(ls.map((l) => l.licenseCode)).size).toBe(5);
  });
});

describe("seed licences under the tenant's store", () => {
  test("a tenant can annul a seeded licence; its copy wins and the seed stays untouched", async () => {
    const seed = createSeed("elicence-test", { persons: 200, enterprises: 100 });
    const seeded = seedLicenceSource(seed);
    const env2: LicenceEnv = { store: new MemoryStore(clock), seedLicences: seeded };
    let i = 0;
    while (
      seed.enterprises.at(i)!.subjectType !== "enterprise" ||
      seed.enterprises.at(i)!.status === "吊销" ||
      seed.enterprises.at(i)!.status === "注销"
    )
      i++;
    const uscc = seed.enterprises.at(i)!.uscc;
    const [bl] = await listLicencesByHolder(env2, "001", uscc, { typeCode: LICENCE_TYPE_CODES.businessLicence });
    expect(bl.origin).toBe("seed");
    await revokeLicence(env2, bl.id, { now: clock.now(), kind: "07", reason: "吊销营业执照" });
    const [after] = await listLicencesByHolder(env2, "001", uscc, { typeCode: LICENCE_TYPE_CODES.businessLicence });
    expect(after.certState).toBe("07");
    expect(seeded.byId(bl.id)!.certState).toBe("01");
    // Another tenant's view is unaffected.
    const other: LicenceEnv = { store: new MemoryStore(clock), seedLicences: seeded };
    expect((await getLicence(other, bl.id))!.certState).toBe("01");
  });
});
