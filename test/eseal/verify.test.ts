import { describe, expect, it } from "vitest";
import {
  buildSealInfoV1,
  buildSealInfoV4,
  buildSealV1,
  buildSealV4,
  buildSignatureV1,
  buildSignatureV4,
  buildTbsSignV4,
  createTestPki,
  parseSeal,
  parseSignature,
  sm3,
  verifySignature,
  type CheckResult,
  type SealStatus,
  type VerificationReport,
} from "../../mocks/eseal/index.js";
import { DAY, ORG_A, ORG_B, T0, YEAR, sealedService } from "./fixtures.js";

const check = (r: VerificationReport, id: CheckResult["id"]) => r.checks.find((c) => c.id === id)!;
const doc = Buffer.from("汕头市营业执照 电子证照 原文");

function signedFixture() {
  const { svc, seal } = sealedService();
  const s = svc.signDocument({ sealCode: seal.sealCode, document: doc, now: T0 + DAY });
  return { svc, seal, sig: s.signature };
}

describe("verify: the good path", () => {
  it("passes every check with the original document, zh first with English alongside", () => {
    const { svc, sig } = signedFixture();
    const r = svc.verify(sig, { now: T0 + 2 * DAY, document: doc });
    expect(r.result).toBe("PASSED");
    expect(r.subIndication).toBeUndefined();
    expect(r.checks.map((c) => c.id)).toEqual([
      "structure",
      "seal-maker-signature",
      "seal-maker-certificate",
      "seal-validity",
      "seal-status",
      "signer-certificate",
      "signature-value",
      "data-hash",
    ]);
    for (const c of r.checks) {
      expect(c.result).toBe("PASSED");
      expect(c.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(c.en).toMatch(/[a-z]/);
    }
    expect(r.signature).toMatchObject({
      version: 4,
      sealType: 4,
      signer: { serialNumber: ORG_A.uscc },
      signatureForm: "der",
    });
  });

  it("passes with the SM3 digest instead of the document", () => {
    const { svc, sig } = signedFixture();
    expect(svc.verify(sig, { now: T0 + 2 * DAY, digest: sm3(doc) }).result).toBe("PASSED");
  });

  it("is INDETERMINATE on the data hash when no original is given", () => {
    const { svc, sig } = signedFixture();
    const r = svc.verify(sig, { now: T0 + 2 * DAY });
    expect(r).toMatchObject({ result: "INDETERMINATE", subIndication: "NO_ORIGINAL_DATA" });
    expect(check(r, "data-hash").result).toBe("INDETERMINATE");
    expect(check(r, "signature-value").result).toBe("PASSED");
  });

  it("signDigest produces a signature whose dataHash is the given digest", () => {
    const { svc, seal } = sealedService();
    const s = svc.signDigest({ sealCode: seal.sealCode, digest: sm3(doc), now: T0 + DAY });
    expect(svc.verify(s.signature, { now: T0 + DAY, document: doc }).result).toBe("PASSED");
  });
});

describe("verify: tampering", () => {
  it("fails the data hash for a different document", () => {
    const { svc, sig } = signedFixture();
    const r = svc.verify(sig, { now: T0 + 2 * DAY, document: Buffer.from("篡改后的原文") });
    expect(r).toMatchObject({ result: "FAILED", subIndication: "HASH_MISMATCH" });
  });

  it("fails the signature value when the signing time inside TBS_Sign is altered", () => {
    const { svc, sig } = signedFixture(); // signed at T0 + 1 day = 2025-03-02T08:00:00Z
    const bad = Buffer.from(sig);
    const at = bad.indexOf(Buffer.from("20250302080000Z"));
    expect(at).toBeGreaterThan(0);
    bad[at + 9] = 0x39; // 08:00 → 09:00
    const r = svc.verify(bad, { now: T0 + 2 * DAY, document: doc });
    expect(r.result).toBe("FAILED");
    expect(check(r, "signature-value")).toMatchObject({ result: "FAILED", subIndication: "SIGNATURE_INVALID" });
    expect(check(r, "seal-maker-signature").result).toBe("PASSED");
    expect(r.signature?.signingTime).toBe("2025-03-02T09:00:00.000Z");
  });

  it("fails the seal maker's signature when the seal name is altered", () => {
    const { svc, sig, seal } = signedFixture();
    const bad = Buffer.from(sig);
    const at = bad.indexOf(Buffer.from(seal.name, "utf8"));
    bad[at + 3] ^= 0x01; // one byte of the UTF-8 name
    const r = svc.verify(bad, { now: T0 + 2 * DAY, document: doc });
    expect(check(r, "seal-maker-signature")).toMatchObject({
      result: "FAILED",
      subIndication: "SEAL_SIGNATURE_INVALID",
    });
    expect(r.result).toBe("FAILED");
  });

  it("fails when the signature is made by a certificate not listed in the seal", () => {
    const { svc, seal } = sealedService();
    const tbs = buildTbsSignV4({
      sealDer: Buffer.from(seal.sealDer, "base64"),
      signingTime: new Date(T0 + DAY),
      dataHash: sm3(doc),
      propertyInfo: "x",
    });
    const sig = buildSignatureV4(tbs, svc.pki.org(ORG_B));
    const r = svc.verify(sig, { now: T0 + DAY, document: doc });
    expect(r).toMatchObject({ result: "FAILED", subIndication: "CERT_NOT_IN_SEAL" });
    expect(check(r, "signature-value").result).toBe("PASSED");
  });

  it("fails the chain for a signature from another seed's PKI", () => {
    const foreign = sealedService("foreign-seed");
    const s = foreign.svc.signDocument({ sealCode: foreign.seal.sealCode, document: doc, now: T0 + DAY });
    const { svc } = sealedService();
    const r = svc.verify(s.signature, { now: T0 + DAY, document: doc });
    expect(r.result).toBe("FAILED");
    expect(check(r, "seal-maker-certificate").subIndication).toBe("CERT_CHAIN_INVALID");
    expect(check(r, "signer-certificate").subIndication).toBe("CERT_CHAIN_INVALID");
  });
});

describe("verify: never throws on garbage", () => {
  const { svc, sig } = signedFixture();
  const cases: [string, Uint8Array][] = [
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("not a signature")],
    ["truncated", sig.subarray(0, sig.length - 10)],
    ["trailing bytes", Buffer.concat([sig, Buffer.from([0, 0])])],
    ["random", Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 73 + 11) & 0xff))],
    ["an SESeal instead of a signature", Buffer.from(sealedService().seal.sealDer, "base64")],
    ["an empty SEQUENCE", Buffer.from([0x30, 0x00])],
  ];
  for (const [name, bytes] of cases) {
    it(`reports FAILED with the structure check explaining (${name})`, () => {
      const r = svc.verify(bytes, { now: T0, document: doc });
      expect(r).toMatchObject({ result: "FAILED", subIndication: "FORMAT_FAILURE" });
      expect(r.checks).toHaveLength(1);
      expect(r.checks[0]).toMatchObject({ id: "structure", result: "FAILED" });
      expect(r.checks[0].zh).toContain("签章数据结构无效");
      expect(r.checks[0].en).toContain("invalid signature structure");
    });
  }

  it("reports a corrupted embedded certificate as a failed check, not an exception", () => {
    const p = parseSignature(sig);
    const bad = Buffer.from(sig);
    const at = bad.lastIndexOf(p.signerCert.subarray(0, 40));
    bad[at + 1] = 0x05; // break the signer certificate's length
    const r = svc.verify(bad, { now: T0, document: doc });
    expect(r.result).toBe("FAILED");
    expect(check(r, "signer-certificate").result).toBe("FAILED");
  });
});

describe("verify: seal validity and status", () => {
  it("fails a signature made after the seal's validity ended", () => {
    const pki = createTestPki({ seed: "validity" });
    const info = buildSealInfoV4({
      vid: "T",
      esID: "4405070000100",
      type: 4,
      name: "n",
      certs: [pki.org(ORG_A).certDer],
      createDate: new Date(T0),
      validStart: new Date(T0),
      validEnd: new Date(T0 + DAY),
      picture: { type: "SVG", data: Buffer.from("<svg/>"), widthMm: 42, heightMm: 42 },
    });
    const seal = buildSealV4(info, pki.sealMaker);
    const late = buildSignatureV4(
      buildTbsSignV4({ sealDer: seal, signingTime: new Date(T0 + 2 * DAY), dataHash: sm3(doc), propertyInfo: "p" }),
      pki.org(ORG_A),
    );
    const active = () => ({ status: "active" }) as SealStatus;
    const r = verifySignature(late, { pki, now: T0 + 3 * DAY, document: doc, sealStatus: active });
    expect(r).toMatchObject({ result: "FAILED", subIndication: "SEAL_EXPIRED" });
    const early = buildSignatureV4(
      buildTbsSignV4({ sealDer: seal, signingTime: new Date(T0 - DAY), dataHash: sm3(doc), propertyInfo: "p" }),
      pki.org(ORG_A),
    );
    expect(verifySignature(early, { pki, now: T0, document: doc, sealStatus: active }).subIndication).toBe(
      "SEAL_NOT_YET_VALID",
    );
  });

  it("is INDETERMINATE when the signing time is ahead of the verifier's clock", () => {
    const { svc, sig } = signedFixture(); // signed at T0 + 1 day
    const r = svc.verify(sig, { now: T0, document: doc });
    expect(r).toMatchObject({ result: "INDETERMINATE", subIndication: "SIGNING_TIME_IN_FUTURE" });
    expect(svc.verify(sig, { now: T0 + DAY + 60_000, document: doc }).result).toBe("PASSED");
  });

  it("reports a seal revoked after signing distinctly from one revoked before signing", () => {
    const { svc, seal, sig } = signedFixture(); // signed at T0 + 1 day
    svc.revoke(seal.sealCode, T0 + 10 * DAY, "印章遗失");
    const after = svc.verify(sig, { now: T0 + 11 * DAY, document: doc });
    expect(after).toMatchObject({ result: "INDETERMINATE", subIndication: "SEAL_REVOKED_AFTER_SIGNING" });
    expect(check(after, "seal-status").zh).toContain("签章后");

    const { svc: svc2, seal: seal2 } = sealedService();
    const s2 = svc2.signDocument({ sealCode: seal2.sealCode, document: doc, now: T0 + DAY });
    // Revocation recorded as effective before the signing time (e.g. back-dated by the registry).
    svc2.revoke(seal2.sealCode, T0 + DAY / 2);
    const before = svc2.verify(s2.signature, { now: T0 + 2 * DAY, document: doc });
    expect(before).toMatchObject({ result: "FAILED", subIndication: "SEAL_REVOKED" });
  });

  it("reports a suspended seal and passes again after resume", () => {
    const { svc, seal, sig } = signedFixture();
    svc.suspend(seal.sealCode, T0 + 5 * DAY);
    expect(svc.verify(sig, { now: T0 + 6 * DAY, document: doc })).toMatchObject({
      result: "INDETERMINATE",
      subIndication: "SEAL_SUSPENDED",
    });
    svc.resume(seal.sealCode, T0 + 7 * DAY);
    expect(svc.verify(sig, { now: T0 + 8 * DAY, document: doc }).result).toBe("PASSED");
  });

  it("is INDETERMINATE for a seal this platform does not know", () => {
    const { svc, sig } = signedFixture();
    const r = verifySignature(sig, { pki: svc.pki, now: T0 + 2 * DAY, document: doc, sealStatus: () => undefined });
    expect(r).toMatchObject({ result: "INDETERMINATE", subIndication: "SEAL_STATUS_UNKNOWN" });
  });

  it("fails the signer check when the organisation's certificate was revoked before signing", () => {
    const { svc, seal } = sealedService();
    svc.revokeOrgCertificate(ORG_A, T0 + DAY, "keyCompromise");
    const s = svc.signDocument({ sealCode: seal.sealCode, document: doc, now: T0 + 2 * DAY });
    const r = svc.verify(s.signature, { now: T0 + 3 * DAY, document: doc });
    expect(r).toMatchObject({ result: "FAILED", subIndication: "CERT_REVOKED" });
  });
});

describe("verify: GM/T 0031 v1 and real-world deviations", () => {
  const pki = createTestPki({ seed: "eseal-test-seed" });
  const status = () => ({ status: "active" }) as SealStatus;
  const v1Seal = (dev = {}) =>
    buildSealV1(
      buildSealInfoV1(
        {
          vid: "V1",
          esID: "4405070000200",
          type: 1,
          name: "v1 测试章",
          certs: [pki.org(ORG_A).certDer],
          createDate: new Date(T0),
          validStart: new Date(T0),
          validEnd: new Date(T0 + YEAR),
          picture: { type: "PNG", data: Buffer.from([0x89, 0x50]), widthMm: 40, heightMm: 40 },
        },
        dev,
      ),
      pki.sealMaker,
      dev,
    );

  it("passes a standard v1 signature", () => {
    const sig = buildSignatureV1({
      sealDer: v1Seal(),
      signingTime: new Date(T0 + DAY),
      dataHash: sm3(doc),
      propertyInfo: "/Doc_0/Signs/Signatures.xml",
      signer: pki.org(ORG_A),
    });
    const r = verifySignature(sig, { pki, now: T0 + DAY, document: doc, sealStatus: status });
    expect(r.result).toBe("PASSED");
    expect(r.signature).toMatchObject({ version: 1, deviations: [] });
  });

  it("passes v1 with OCTET STRINGs, GeneralizedTime and raw r‖s signatures, listing the deviations", () => {
    const dev = { octetStrings: true, generalizedTime: true, rawSignature: true };
    const sig = buildSignatureV1(
      {
        sealDer: v1Seal(dev),
        signingTime: new Date(T0 + DAY),
        dataHash: sm3(doc),
        propertyInfo: "p",
        signer: pki.org(ORG_A),
      },
      dev,
    );
    const r = verifySignature(sig, { pki, now: T0 + DAY, document: doc, sealStatus: status });
    expect(r.result).toBe("PASSED");
    expect(r.signature?.signatureForm).toBe("raw");
    expect(r.signature?.deviations.length).toBeGreaterThanOrEqual(4);
    expect(check(r, "structure").zh).toContain("非标");
  });

  it("passes v4 with OCTET STRING signature values and raw r‖s", () => {
    const { svc, seal } = sealedService();
    const dev = { octetStrings: true, rawSignature: true };
    const sealDer = buildSealV4(parseSeal(Buffer.from(seal.sealDer, "base64")).sealInfoRaw, svc.pki.sealMaker, dev);
    const sig = buildSignatureV4(
      buildTbsSignV4({ sealDer, signingTime: new Date(T0 + DAY), dataHash: sm3(doc), propertyInfo: "p" }, dev),
      svc.pki.org(ORG_A),
      dev,
    );
    const r = verifySignature(sig, { pki: svc.pki, now: T0 + DAY, document: doc, sealStatus: svc.sealStatus });
    expect(r.result).toBe("PASSED");
    expect(r.signature?.signatureForm).toBe("raw");
    expect(r.signature?.deviations.filter((d) => d.includes("OCTET STRING"))).toHaveLength(3);
  });
});
