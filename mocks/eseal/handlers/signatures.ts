// 盖章 and 验章 (contracts/eseal.yaml, facts §3, §8.3): GB/T 38540 signatures over a digest or a document, and
// verification of a signature, or of an OFD file's first signature after its package and Reference checks.
import type { OfdCheck } from "../../shared/ofd-signature.js";
import type { HandlerContext } from "../../shared/types.js";
import type { OperationHandler } from "../../shared/operations.js";
import { decodeBase64 } from "../decode-base64.js";
import { esealProblem, toHttpProblem } from "../errors.js";
import { OID_SM2_WITH_SM3 } from "../oids.js";
import { CORRUPTED_SCENARIO } from "../scenarios.js";
import { assertActsFor } from "../seal-ownership.js";
import type { EsealDeps, EsealHandlers, EsealOperations, EsealSchemas } from "../types.js";
import { summarise, type CheckId, type CheckResult, type VerificationReport } from "../verification-report.js";
import { mustFind, ok, openSeals, scenarioOf, sealSubject } from "./common.js";

type Original = { digest?: string; document?: string };

/** Decodes the original for 盖章/验章: exactly one of digest (SM3 hex) and document (base64), or none when optional. */
function original(b: Original, required: boolean): { digest?: Buffer; document?: Buffer } {
  const hasDigest = b.digest !== undefined,
    hasDoc = b.document !== undefined;
  if (hasDigest && hasDoc)
    throw esealProblem("badInput", {
      location: "/body",
      rule: "eseal.digest-xor-document",
      zh: "digest 与 document 只能提供一个",
      en: "give either digest or document, not both",
      hint: "小文档发 document（base64），大文档发 digest（SM3，64 位十六进制）/ send document (base64) for small files, digest (SM3, 64 hex) for large ones",
    });
  if (!hasDigest && !hasDoc) {
    if (!required) return {};
    throw esealProblem("badInput", {
      location: "/body",
      rule: "eseal.digest-or-document",
      zh: "缺少原文：请提供 digest 或 document",
      en: "the original is missing: give digest or document",
      hint: "digest = SM3(原文) 的 64 位十六进制；document = 原文的 base64 / digest = SM3 of the original as 64 hex; document = the original as base64",
    });
  }
  if (hasDigest) {
    const d = b.digest ?? "";
    if (!/^[0-9a-fA-F]{64}$/.test(d))
      throw esealProblem("invalidDigest", {
        location: "/body/digest",
        seen: d,
        zh: "digest 应为 64 位十六进制的 SM3 杂凑值",
        en: "digest must be the 64-hex-character SM3 hash",
      });
    return { digest: Buffer.from(d, "hex") };
  }
  return { document: decodeBase64(b.document, "/body/document", { zh: "document（原文）", en: "document" }) };
}

export const esealSign: OperationHandler<EsealOperations["esealSign"], EsealDeps> = async (input, ctx, deps) => {
  const b = input.body;
  const ts = await openSeals(ctx, deps);
  const seal = mustFind(ts, b.sealCode, "/body/sealCode");
  await ts.save();
  assertActsFor(
    input,
    ctx.seed,
    { uscc: seal.orgUscc, name: seal.orgName },
    { zh: "用该印章盖章", en: "sign with this seal", subject: sealSubject(seal) },
  );
  const { digest, document } = original(b, true);
  const now = ctx.clock.now();
  const propertyInfo = b.propertyInfo ?? "document";
  let r;
  try {
    r = digest
      ? ts.svc.signDigest({ sealCode: seal.sealCode, digest, now, propertyInfo })
      : ts.svc.signDocument({ sealCode: seal.sealCode, document: document!, now, propertyInfo });
  } catch (e) {
    toHttpProblem(e, "/body/sealCode");
  }
  let sig = r.signature;
  if (scenarioOf(input) === CORRUPTED_SCENARIO) {
    // Last byte = the end of the SM2 value (SEQUENCE{r,s}); the structure still parses, the signature fails.
    sig = Buffer.from(sig);
    sig[sig.length - 1] ^= 0x01;
  }
  ctx.emit("eseal.signed", { sealCode: seal.sealCode, dataHash: r.dataHash, signingTime: r.signingTime });
  const result: EsealSchemas["SignResult"] = {
    signature: sig.toString("base64"),
    format: "GB/T 38540-2020 SES_Signature v4",
    sealCode: seal.sealCode,
    sealName: seal.name,
    orgUscc: seal.orgUscc,
    signingTime: r.signingTime,
    dataHash: r.dataHash,
    digestAlgorithm: "SM3",
    signatureAlgorithm: OID_SM2_WITH_SM3,
    propertyInfo,
    signerCertSerial: seal.certSerial,
  };
  return ok(result);
};

/** An OFD's own checks in the report's terms: ofd-package, ofd-references.method, ofd-reference:/path. */
function ofdChecks(checks: OfdCheck[]): CheckResult[] {
  return checks.map((c) => ({
    id: (c.id === "signature" ? "ofd-package" : `ofd-${c.id}`) as CheckId,
    result: c.result,
    ...(c.result === "FAILED"
      ? { subIndication: c.id.startsWith("reference:") ? "HASH_MISMATCH" : "FORMAT_FAILURE" }
      : {}),
    zh: c.zh,
    en: c.en,
  })) as CheckResult[];
}

/** An OFD file's first signature (SignedValue.dat over Signature.xml) after its package and Reference checks. */
async function verifyOfd(ofd: string, ctx: HandlerContext, deps: EsealDeps): Promise<VerificationReport> {
  const bytes = decodeBase64(ofd, "/body/ofd", { zh: "ofd（OFD 文件）", en: "ofd" });
  // zip and XML load on the first OFD, not at start-up
  const { readOfdSignature } = await import("../../shared/ofd-signature.js");
  const parts = readOfdSignature(bytes);
  const own = ofdChecks(parts.checks);
  if (!parts.signature) return summarise(own);
  const ts = await openSeals(ctx, deps);
  const report = ts.verify(parts.signature, { document: parts.signedXml }, ctx.clock.now());
  await ts.save();
  return summarise([...own, ...report.checks], report.signature);
}

export const esealVerify: OperationHandler<EsealOperations["esealVerify"], EsealDeps> = async (input, ctx, deps) => {
  const b = input.body;
  if (b.ofd !== undefined) return ok(await verifyOfd(b.ofd, ctx, deps));
  const sig = decodeBase64(b.signature, "/body/signature", { zh: "signature（签章数据）", en: "signature" });
  const { digest, document } = original(b, false);
  const ts = await openSeals(ctx, deps);
  let report;
  try {
    report = ts.verify(sig, { digest, document }, ctx.clock.now());
  } catch (e) {
    toHttpProblem(e, digest ? "/body/digest" : "/body/document");
  }
  await ts.save();
  return ok(report);
};

export const signatureHandlers = { esealSign, esealVerify } satisfies EsealHandlers;
