import { describe, expect, it } from "vitest";
import { createSealService, EsealError, parseSeal, type SealServiceState } from "../../mocks/eseal/index.js";
import { DAY, ORG_A, ORG_B, T0, YEAR, newService, sealedService } from "./fixtures.js";

const validity = { start: T0, end: T0 + YEAR };
const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof EsealError) return e.code;
    throw e;
  }
  return "no error";
};

describe("making seals", () => {
  it("numbers seal codes per division: 6-digit division + 7-digit sequence", () => {
    const svc = newService();
    const a1 = svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 });
    const a2 = svc.makeSeal({ org: ORG_A, type: "02", validity, now: T0 });
    const b1 = svc.makeSeal({ org: ORG_B, type: "04", validity, now: T0 });
    expect([a1.sealCode, a2.sealCode, b1.sealCode]).toEqual(["4405070000001", "4405070000002", "4405110000001"]);
    expect(svc.makeSeal({ org: ORG_B, type: "04", validity, now: T0, divisionCode: "440500" }).sealCode).toBe(
      "4405000000001",
    );
  });

  it("names the seal after the organisation and type, and uses the type table's code as the INTEGER type", () => {
    const svc = newService();
    const legal = svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 });
    expect(legal.name).toBe(ORG_A.name);
    expect(parseSeal(Buffer.from(legal.sealDer, "base64")).type).toBe(1);
    const finance = svc.makeSeal({ org: ORG_A, type: "02", validity, now: T0, name: "自定义名称" });
    expect(finance).toMatchObject({ name: "自定义名称", typeName: "财务专用章", status: "active" });
    expect(finance.pictureSvg).toContain("财务专用章");
  });

  it("accepts a configurable seal-type table", () => {
    const svc = createSealService({ seed: "t", sealTypes: [{ code: "05", name: "报关专用章", en: "customs seal" }] });
    expect(svc.makeSeal({ org: ORG_A, type: "05", validity, now: T0 }).typeName).toBe("报关专用章");
    expect(codeOf(() => svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 }))).toBe("UNKNOWN_SEAL_TYPE");
  });

  it("refuses bad input with stable codes and zh/en messages", () => {
    const svc = newService();
    expect(
      codeOf(() => svc.makeSeal({ org: { uscc: "91440507MA5ABCDE10", name: "x" }, type: "01", validity, now: T0 })),
    ).toBe("INVALID_ORG");
    expect(codeOf(() => svc.makeSeal({ org: ORG_A, type: "77", validity, now: T0 }))).toBe("UNKNOWN_SEAL_TYPE");
    expect(codeOf(() => svc.makeSeal({ org: ORG_A, type: "01", validity: { start: T0, end: T0 }, now: T0 }))).toBe(
      "INVALID_VALIDITY",
    );
    expect(codeOf(() => svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0, divisionCode: "449999" }))).toBe(
      "INVALID_DIVISION",
    );
    try {
      svc.makeSeal({ org: ORG_A, type: "77", validity, now: T0 });
    } catch (e) {
      expect((e as EsealError).zh).toContain("未知的印章类型");
      expect((e as EsealError).en).toContain("unknown seal type");
      expect((e as EsealError).status).toBe(400);
    }
  });

  it("lists seals, optionally by organisation", () => {
    const svc = newService();
    svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 });
    svc.makeSeal({ org: ORG_B, type: "01", validity, now: T0 });
    expect(svc.listSeals()).toHaveLength(2);
    expect(svc.listSeals({ uscc: ORG_B.uscc }).map((s) => s.orgName)).toEqual([ORG_B.name]);
    expect(svc.getSeal("4405070000001")?.orgUscc).toBe(ORG_A.uscc);
  });
});

describe("signing rules", () => {
  it("refuses suspended, revoked, not-yet-valid and expired seals", () => {
    const { svc, seal } = sealedService();
    const sign = (now: number) => () => svc.signDigest({ sealCode: seal.sealCode, digest: Buffer.alloc(32), now });
    expect(codeOf(sign(T0 - DAY))).toBe("SEAL_NOT_YET_VALID");
    expect(codeOf(sign(T0 + YEAR + DAY))).toBe("SEAL_EXPIRED");
    svc.suspend(seal.sealCode, T0 + DAY);
    expect(codeOf(sign(T0 + 2 * DAY))).toBe("SEAL_SUSPENDED");
    svc.resume(seal.sealCode, T0 + 3 * DAY);
    expect(codeOf(sign(T0 + 4 * DAY))).toBe("no error");
    svc.revoke(seal.sealCode, T0 + 5 * DAY, "单位注销");
    expect(codeOf(sign(T0 + 6 * DAY))).toBe("SEAL_REVOKED");
    expect(codeOf(() => svc.resume(seal.sealCode, T0 + 7 * DAY))).toBe("INVALID_STATE");
    expect(svc.sealStatus(seal.sealCode)).toEqual({ status: "revoked", at: T0 + 5 * DAY, reason: "单位注销" });
    expect(codeOf(() => svc.signDigest({ sealCode: "4405079999999", digest: Buffer.alloc(32), now: T0 }))).toBe(
      "SEAL_NOT_FOUND",
    );
  });

  it("refuses a digest that is not 32 bytes", () => {
    const { svc, seal } = sealedService();
    expect(codeOf(() => svc.signDigest({ sealCode: seal.sealCode, digest: Buffer.alloc(20), now: T0 }))).toBe(
      "INVALID_DIGEST",
    );
  });

  it("limits the document size with a clear error", () => {
    const svc = createSealService({ seed: "s", maxDocumentBytes: 1024 });
    const seal = svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 });
    try {
      svc.signDocument({ sealCode: seal.sealCode, document: Buffer.alloc(2048), now: T0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EsealError);
      expect(e).toMatchObject({ code: "DOCUMENT_TOO_LARGE", status: 413 });
      expect((e as EsealError).zh).toContain("超过上限 1024 字节");
      expect((e as EsealError).en).toContain("signDigest");
    }
    expect(
      svc.signDocument({ sealCode: seal.sealCode, document: Buffer.alloc(1024), now: T0 }).signature.length,
    ).toBeGreaterThan(0);
  });
});

describe("state", () => {
  it("is plain data: a JSON copy continues where the service left off", () => {
    const { svc, seal } = sealedService();
    const sig = svc.signDocument({ sealCode: seal.sealCode, document: Buffer.from("a"), now: T0 + DAY }).signature;
    svc.suspend(seal.sealCode, T0 + 2 * DAY);
    svc.revokeOrgCertificate(ORG_B, T0, "test");
    const copy = JSON.parse(JSON.stringify(svc.state)) as SealServiceState;
    const again = createSealService({ seed: "eseal-test-seed", state: copy });
    expect(again.verify(sig, { now: T0 + 3 * DAY, document: Buffer.from("a") }).subIndication).toBe("SEAL_SUSPENDED");
    expect(again.makeSeal({ org: ORG_A, type: "02", validity, now: T0 }).sealCode).toBe("4405070000002");
    expect(again.pki.revocation(again.pki.org(ORG_B).cert.serialHex)?.reason).toBe("test");
  });

  it("creates organisation keys only for organisations that are used", () => {
    const svc = newService();
    svc.makeSeal({ org: ORG_A, type: "01", validity, now: T0 });
    expect(JSON.stringify(svc.state)).not.toContain(ORG_B.uscc);
    expect(Object.keys(svc.state.sequences)).toEqual(["440507"]);
  });
});
