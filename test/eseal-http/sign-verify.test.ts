// 盖章 then 验章 over HTTP through the signed gateway: digest and document round trips, tampering, v1 structures and
// raw r‖s values accepted by the verifier (facts §3, §8.3).
import { beforeAll, describe, expect, it } from "vitest";
import { esealSim, B, T0, DAY, type EsealSim } from "./helpers.js";
import { sm3 } from "../../mocks/eseal/sm3.js";
import { createTestPki } from "../../mocks/eseal/test-pki.js";
import {
  buildSealInfoV1,
  buildSealV1,
  buildSignatureV1,
  buildSignatureV4,
  buildTbsSignV4,
} from "../../mocks/eseal/ses-build.js";

let sim: EsealSim;
let sealCode: string;
const doc = Buffer.from("汕头市龙湖区 行政许可决定书 2026-000123\n".repeat(50), "utf8");

beforeAll(async () => {
  sim = await esealSim();
  const list = await sim.call("GET", "/ebus/eseal/v1/seals");
  expect(list.status).toBe(200);
  sealCode = list.json.data.seals[0].sealCode;
});

const sign = (body: Record<string, unknown>, as?: { paasid?: string }) =>
  sim.call("POST", "/ebus/eseal/v1/signatures", { sealCode, ...body }, as);
const verify = (body: Record<string, unknown>, as?: { paasid?: string }) =>
  sim.call("POST", "/ebus/eseal/v1/verifications", body, as);

describe("round trips", () => {
  it("signs a digest and verifies it PASSED with every check listed", async () => {
    const digest = sm3(doc).toString("hex");
    const s = await sign({ digest, propertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml" });
    expect(s.status).toBe(200);
    expect(s.json).toMatchObject({
      errcode: 0,
      data: {
        sealCode,
        dataHash: digest,
        signingTime: new Date(T0).toISOString(),
        format: "GB/T 38540-2020 SES_Signature v4",
        propertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml",
      },
    });
    const v = await verify({ signature: s.json.data.signature, digest });
    expect(v.status).toBe(200);
    expect(v.json.data.result).toBe("PASSED");
    expect(v.json.data.checks.map((c: { id: string }) => c.id)).toEqual([
      "structure",
      "seal-maker-signature",
      "seal-maker-certificate",
      "seal-validity",
      "seal-status",
      "signer-certificate",
      "signature-value",
      "data-hash",
    ]);
    expect(v.json.data.signature).toMatchObject({ version: 4, esID: sealCode, signatureForm: "der" });
    // the document itself verifies the digest-signed signature too
    expect(
      (await verify({ signature: s.json.data.signature, document: doc.toString("base64") })).json.data.result,
    ).toBe("PASSED");
  });

  it("signs a document and verifies it with the document; another tenant's app verifies it too", async () => {
    const s = await sign({ document: doc.toString("base64") });
    expect(s.status).toBe(200);
    expect(s.json.data.dataHash).toBe(sm3(doc).toString("hex"));
    expect(s.json.data.propertyInfo).toBe("document");
    const v = await verify({ signature: s.json.data.signature, document: doc.toString("base64") }, { paasid: B });
    expect(v.json.data.result).toBe("PASSED");
  });

  it("without the original the data hash is INDETERMINATE (NO_ORIGINAL_DATA)", async () => {
    const s = await sign({ digest: sm3(doc).toString("hex") });
    const v = await verify({ signature: s.json.data.signature });
    expect(v.json.data).toMatchObject({ result: "INDETERMINATE", subIndication: "NO_ORIGINAL_DATA" });
  });
});

describe("tampering", () => {
  it("a changed document fails the data-hash check", async () => {
    const s = await sign({ document: doc.toString("base64") });
    const changed = Buffer.from(doc);
    changed[10] ^= 0x20;
    const v = await verify({ signature: s.json.data.signature, document: changed.toString("base64") });
    expect(v.json.data).toMatchObject({ result: "FAILED", subIndication: "HASH_MISMATCH" });
    expect(v.json.data.checks.find((c: { id: string }) => c.id === "signature-value").result).toBe("PASSED");
  });

  it("a changed signature fails the signature value (or the structure), never passes", async () => {
    const s = await sign({ digest: sm3(doc).toString("hex"), propertyInfo: "case-result-0123.pdf" });
    const der = Buffer.from(s.json.data.signature, "base64");
    const flippedValue = Buffer.from(der);
    flippedValue[flippedValue.length - 3] ^= 0x40;
    const v = await verify({ signature: flippedValue.toString("base64"), digest: sm3(doc).toString("hex") });
    expect(v.json.data).toMatchObject({ result: "FAILED", subIndication: "SIGNATURE_INVALID" });
    // a byte inside the signed data (the property info text) changes what the SM2 value covers
    const i = der.indexOf(Buffer.from("case-result-0123.pdf"));
    expect(i).toBeGreaterThan(0);
    const changed = Buffer.from(der);
    changed[i] = "C".charCodeAt(0);
    const v2 = await verify({ signature: changed.toString("base64"), digest: sm3(doc).toString("hex") });
    expect(v2.json.data).toMatchObject({ result: "FAILED", subIndication: "SIGNATURE_INVALID" });
    const truncated = await verify({ signature: der.subarray(0, 100).toString("base64") });
    expect(truncated.status).toBe(200);
    expect(truncated.json.data).toMatchObject({
      result: "FAILED",
      subIndication: "FORMAT_FAILURE",
      checks: [{ id: "structure", result: "FAILED" }],
    });
  });
});

describe("the verifier accepts v1 structures and raw r‖s values", () => {
  it("a v4 signature whose SM2 value is raw 64-byte r‖s passes, reported as raw", async () => {
    const seal = await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`);
    const pki = createTestPki({ seed: sim.seed.value });
    const signer = pki.org({ uscc: seal.json.data.orgUscc, name: seal.json.data.orgName });
    const tbs = buildTbsSignV4({
      sealDer: Buffer.from(seal.json.data.sealDer, "base64"),
      signingTime: new Date(T0),
      dataHash: sm3(doc),
      propertyInfo: "raw",
    });
    const sig = buildSignatureV4(tbs, signer, { rawSignature: true });
    const v = await verify({ signature: sig.toString("base64"), document: doc.toString("base64") });
    expect(v.json.data).toMatchObject({ result: "PASSED", signature: { version: 4, signatureForm: "raw" } });
  });

  it("a GM/T 0031 v1 seal and signature (UTCTime, OCTET STRINGs, raw r‖s) pass, with the deviations listed", async () => {
    const seal = (await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`)).json.data;
    const pki = createTestPki({ seed: sim.seed.value });
    const signer = pki.org({ uscc: seal.orgUscc, name: seal.orgName });
    const dev = { octetStrings: true, rawSignature: true };
    const info = buildSealInfoV1(
      {
        vid: "V1VENDOR",
        esID: sealCode,
        type: 1,
        name: seal.name,
        certs: [signer.certDer],
        createDate: new Date(T0 - DAY),
        validStart: new Date(T0 - DAY),
        validEnd: new Date(T0 + 365 * DAY),
        picture: { type: "SVG", data: Buffer.from(seal.picture.svg), widthMm: 42, heightMm: 42 },
      },
      dev,
    );
    const v1Seal = buildSealV1(info, pki.sealMaker, dev);
    const sig = buildSignatureV1(
      {
        sealDer: v1Seal,
        signingTime: new Date(T0),
        dataHash: sm3(doc),
        propertyInfo: "/Doc_0/Signs/Signatures.xml",
        signer,
      },
      dev,
    );
    const v = await verify({ signature: sig.toString("base64"), digest: sm3(doc).toString("hex") });
    expect(v.json.data.result).toBe("PASSED");
    expect(v.json.data.signature.version).toBe(1);
    expect(v.json.data.signature.deviations.length).toBeGreaterThan(0);
    expect(v.json.data.checks[0].zh).toContain("GM/T 0031 v1");
  });
});
