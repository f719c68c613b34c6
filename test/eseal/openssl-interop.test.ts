// Cross-checks the SM2/SM3 signatures and certificates against an independent implementation: the openssl CLI (3.x).
import { requireTool } from "../system-tool.js";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseCertificate,
  parseSignature,
  sm2Verify,
  decodeSm2Signature,
  toPem,
  verifySignature,
} from "../../mocks/eseal/index.js";
import { ORG_A, T0, sealedService } from "./fixtures.js";

function opensslVersion(): string | null {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}
const version = opensslVersion();
const major = version ? Number(/OpenSSL (\d+)\./.exec(version)?.[1] ?? 0) : 0;
// SM2 with a distinguishing id needs OpenSSL ≥ 3.0: the independent implementation these tests compare with.
requireTool(major >= 3, `OpenSSL 3 CLI (found: ${version ?? "none"})`, "openssl");
const ID = "distid:1234567812345678";

describe(`OpenSSL interop (${version})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "gatesim-eseal-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const openssl = (...args: string[]) => spawnSync("openssl", args, { encoding: "utf8" });

  const { svc, seal } = sealedService();
  const doc = Buffer.from("<Signature>汕头 OFD</Signature>");
  const signed = svc.signDocument({
    sealCode: seal.sealCode,
    document: doc,
    now: T0 + 60_000,
    propertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml",
  });
  const parsed = parseSignature(signed.signature);
  const root = file("root.pem", svc.pki.rootPem());
  const maker = file("maker.pem", svc.pki.sealMakerPem());
  const org = file("org.pem", svc.pki.orgPem(ORG_A));
  const pub = (cert: string, name: string) => {
    const out = execFileSync("openssl", ["x509", "-in", cert, "-pubkey", "-noout"], { encoding: "utf8" });
    return file(name, out);
  };

  it("reads the root as an SM2 certificate signed SM2-with-SM3", () => {
    const r = openssl("x509", "-in", root, "-noout", "-text");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Signature Algorithm: SM2-with-SM3");
    expect(r.stdout).toMatch(/ASN1 OID: SM2/);
    expect(r.stdout).toContain("CA:TRUE");
  });

  it("(a) verifies the seal maker and organisation certificates against the root (with the SM2 distid)", () => {
    const r = openssl("verify", "-CAfile", root, "-vfyopt", ID, maker, org);
    expect(r.stdout + r.stderr).toContain(`${maker}: OK`);
    expect(r.stdout).toContain(`${org}: OK`);
    expect(r.status).toBe(0);
  });

  it("(a) verifies the root's self-signature", () => {
    const info = parseCertificate(svc.pki.root.certDer);
    const r = openssl(
      "dgst",
      "-sm3",
      "-verify",
      pub(root, "root.pub"),
      "-sigopt",
      ID,
      "-signature",
      file("root.sig", info.signatureValue),
      file("root-tbs.der", info.tbsDer),
    );
    expect(r.stdout).toContain("Verified OK");
  });

  it("refuses a certificate chained to a different root", () => {
    const other = sealedService("another-seed").svc;
    const r = openssl("verify", "-CAfile", file("other-root.pem", other.pki.rootPem()), "-vfyopt", ID, org);
    expect(r.status).not.toBe(0);
  });

  it("(b) verifies the seal maker's signature over DER SES_SealInfo", () => {
    const r = openssl(
      "dgst",
      "-sm3",
      "-verify",
      pub(maker, "maker.pub"),
      "-sigopt",
      ID,
      "-signature",
      file("seal.sig", parsed.seal.makerSignature),
      file("sealinfo.der", parsed.seal.sealInfoRaw),
    );
    expect(r.stdout).toContain("Verified OK");
  });

  it("(c) verifies the SM2 signature over DER TBS_Sign, and only with the GM/T 0009 default id", () => {
    const orgPub = pub(org, "org.pub");
    const sig = file("tbs.sig", parsed.signature);
    const tbs = file("tbs.der", parsed.tbsRaw);
    expect(openssl("dgst", "-sm3", "-verify", orgPub, "-sigopt", ID, "-signature", sig, tbs).stdout).toContain(
      "Verified OK",
    );
    expect(
      openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        orgPub,
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        ID,
        "-in",
        tbs,
        "-sigfile",
        sig,
      ).stdout,
    ).toContain("Signature Verified Successfully");
    expect(
      openssl("dgst", "-sm3", "-verify", orgPub, "-sigopt", "distid:ALICE123@YAHOO.COM", "-signature", sig, tbs).stdout,
    ).not.toContain("Verified OK");
  });

  it("accepts SM2 signatures made by OpenSSL", () => {
    const key = file("k.pem", "");
    expect(openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key).status).toBe(0);
    const spki = execFileSync("openssl", ["pkey", "-in", key, "-pubout", "-outform", "DER"]);
    const point = spki.subarray(spki.length - 65).toString("hex"); // BIT STRING 04‖x‖y ends the SPKI
    const data = file("data.txt", "gatesim 验章");
    const sigPath = join(dir, "data.sig");
    expect(openssl("dgst", "-sm3", "-sign", key, "-sigopt", ID, "-out", sigPath, data).status).toBe(0);
    const sig = decodeSm2Signature(readFileSync(sigPath));
    expect(sig?.form).toBe("der");
    expect(sm2Verify(readFileSync(data), sig!, point)).toBe(true);
    expect(sm2Verify(Buffer.from("other"), sig!, point)).toBe(false);
  });

  it("the verifier agrees with OpenSSL on the same signature", () => {
    expect(
      verifySignature(signed.signature, { pki: svc.pki, now: T0 + 120_000, document: doc, sealStatus: svc.sealStatus })
        .result,
    ).toBe("PASSED");
    expect(toPem(svc.pki.root.certDer)).toBe(svc.pki.rootPem());
  });
});
