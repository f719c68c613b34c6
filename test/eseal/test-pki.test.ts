import { describe, expect, it } from "vitest";
import { createTestPki, parseCertificate, ROOT_CA_NAME, SEAL_MAKER_NAME, fromPem } from "../../mocks/eseal/index.js";
import { ORG_A, ORG_B, T0, DAY } from "./fixtures.js";

const label = { zh: "证书", en: "certificate" };

describe("test PKI", () => {
  it("is deterministic from the seed: same seed, same bytes; other seed, other keys", () => {
    const a = createTestPki({ seed: "s1" });
    const b = createTestPki({ seed: "s1" });
    const c = createTestPki({ seed: "s2" });
    expect(a.rootPem()).toBe(b.rootPem());
    expect(a.orgPem(ORG_A)).toBe(b.orgPem(ORG_A));
    expect(a.sealMakerPem()).toBe(b.sealMakerPem());
    expect(c.root.keys.publicKey).not.toBe(a.root.keys.publicKey);
  });

  it("issues X.509 v3 SM2 certificates with the expected names", () => {
    const pki = createTestPki({ seed: "s1" });
    const root = parseCertificate(fromPem(pki.rootPem()));
    expect(root.subject.CN).toBe(ROOT_CA_NAME);
    expect(root.isCA).toBe(true);
    expect(root.signatureAlgorithm).toBe("1.2.156.10197.1.501");
    const maker = parseCertificate(pki.sealMaker.certDer);
    expect(maker.subject.CN).toBe(SEAL_MAKER_NAME);
    expect(maker.issuer.CN).toBe(ROOT_CA_NAME);
    const org = parseCertificate(pki.org(ORG_A).certDer);
    expect(org.subject).toMatchObject({ O: ORG_A.name, CN: ORG_A.name, serialNumber: ORG_A.uscc });
    expect(org.isCA).toBe(false);
    expect(org.publicKey).toBe(pki.org(ORG_A).keys.publicKey);
    expect(pki.org(ORG_B).cert.serialHex).not.toBe(pki.org(ORG_A).cert.serialHex);
  });

  it("chains organisation certificates to the root and rejects a foreign root's", () => {
    const pki = createTestPki({ seed: "s1" });
    const foreign = createTestPki({ seed: "other" });
    expect(pki.checkCertificate(pki.org(ORG_A).certDer, T0, label).result).toBe("PASSED");
    const r = pki.checkCertificate(foreign.org(ORG_A).certDer, T0, label);
    expect(r).toMatchObject({ result: "FAILED", subIndication: "CERT_CHAIN_INVALID" });
    expect(pki.checkCertificate(Buffer.from("junk"), T0, label)).toMatchObject({
      result: "FAILED",
      subIndication: "CERT_CHAIN_INVALID",
    });
  });

  it("distinguishes revocation before and after the signing time", () => {
    const pki = createTestPki({ seed: "s1" });
    const der = pki.org(ORG_A).certDer;
    pki.revoke(pki.org(ORG_A).cert.serialHex, T0, "keyCompromise");
    expect(pki.checkCertificate(der, T0 + DAY, label)).toMatchObject({
      result: "FAILED",
      subIndication: "CERT_REVOKED",
    });
    expect(pki.checkCertificate(der, T0 - DAY, label)).toMatchObject({
      result: "INDETERMINATE",
      subIndication: "CERT_REVOKED_AFTER_SIGNING",
    });
    expect(pki.state.revoked[pki.org(ORG_A).cert.serialHex]).toEqual({ at: T0, reason: "keyCompromise" });
  });

  it("checks certificate validity at the signing time", () => {
    const pki = createTestPki({
      seed: "s1",
      validity: { notBefore: new Date("2024-01-01T00:00:00Z"), notAfter: new Date("2024-12-31T23:59:59Z") },
    });
    expect(pki.checkCertificate(pki.org(ORG_A).certDer, T0, label)).toMatchObject({
      result: "FAILED",
      subIndication: "CERT_EXPIRED",
    });
    expect(pki.checkCertificate(pki.org(ORG_A).certDer, Date.parse("2024-06-01T00:00:00Z"), label).result).toBe(
      "PASSED",
    );
  });
});
