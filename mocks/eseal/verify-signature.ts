// Verifies an SES_Signature (v4 or v1) and returns a per-check validation report; never throws (facts §3, §8.3).
import { parseCertificate } from "./certificate.js";
import { OID_SM2_WITH_SM3 } from "./oids.js";
import { sealSignedDataV1 } from "./ses-build.js";
import { parseSignature, SesFormatError, type ParsedSignature } from "./ses-parse.js";
import { decodeSm2Signature, sm2Verify } from "./sm2.js";
import { sm3 } from "./sm3.js";
import { createHash } from "node:crypto";
import type { TestPki } from "./test-pki.js";
import {
  summarise,
  type CheckId,
  type CheckResult,
  type SubIndication,
  type VerificationReport,
} from "./verification-report.js";

/** A seal's life-cycle status as the seal platform knows it (times in ms since the epoch). */
export type SealStatus =
  { status: "active" } | { status: "suspended"; since: number } | { status: "revoked"; at: number; reason?: string };

export interface VerifyOptions {
  pki: TestPki;
  /** The verifier's current time (ms) — the tenant's virtual clock. */
  now: number;
  /** The original document; its SM3 is compared with dataHash. */
  document?: Uint8Array;
  /** Or the original's digest (32 bytes SM3). */
  digest?: Uint8Array;
  /** Seal status lookup by esID; undefined = unknown seal. */
  sealStatus?: (esID: string) => SealStatus | undefined;
}

type Outcome = Omit<CheckResult, "id">;
/** Clock skew tolerated before a signing time counts as "in the future". */
const FUTURE_SKEW_MS = 5 * 60_000;
const pass = (zh: string, en: string): Outcome => ({ result: "PASSED", zh, en });
const fail = (sub: SubIndication, zh: string, en: string): Outcome => ({
  result: "FAILED",
  subIndication: sub,
  zh,
  en,
});
const indet = (sub: SubIndication, zh: string, en: string): Outcome => ({
  result: "INDETERMINATE",
  subIndication: sub,
  zh,
  en,
});
const iso = (t: number | Date) => new Date(t).toISOString();

function run(id: CheckId, f: () => Outcome): CheckResult {
  try {
    // Copy only the report fields (checkCertificate also returns the parsed certificate).
    const { result, subIndication, zh, en } = f();
    return subIndication ? { id, result, subIndication, zh, en } : { id, result, zh, en };
  } catch {
    // Malformed inner data (a certificate that does not parse, …) must give a report, not an exception.
    return {
      id,
      result: "FAILED",
      subIndication: "FORMAT_FAILURE",
      zh: "检查时数据无法解析",
      en: "the data could not be parsed during this check",
    };
  }
}

function checkSm2(
  data: (() => Uint8Array)[],
  sigBytes: Buffer,
  certDer: Buffer,
  alg: string,
): { ok: boolean; form: "der" | "raw" | null; why?: Outcome; matched?: number } {
  if (alg !== OID_SM2_WITH_SM3)
    return {
      ok: false,
      form: null,
      why: fail(
        "UNSUPPORTED_ALGORITHM",
        `不支持的签名算法 ${alg}（应为 SM2-with-SM3 ${OID_SM2_WITH_SM3}）`,
        `unsupported signature algorithm ${alg} (expected SM2-with-SM3 ${OID_SM2_WITH_SM3})`,
      ),
    };
  const key = parseCertificate(certDer).publicKey;
  if (!key)
    return {
      ok: false,
      form: null,
      why: fail("UNSUPPORTED_ALGORITHM", "证书公钥不是 SM2 公钥", "the certificate key is not an SM2 key"),
    };
  const sig = decodeSm2Signature(sigBytes);
  if (!sig)
    return {
      ok: false,
      form: null,
      why: fail(
        "FORMAT_FAILURE",
        "签名值既不是 DER SEQUENCE{r,s} 也不是 64 字节 r‖s",
        "the signature value is neither DER SEQUENCE{r,s} nor 64-byte r‖s",
      ),
    };
  const matched = data.findIndex((d) => sm2Verify(d(), sig, key));
  return { ok: matched >= 0, form: sig.form, matched };
}

function certDigestMatches(certDer: Buffer, digests: { type: string; value: Buffer }[]): boolean {
  return digests.some((d) => {
    const t = d.type.toLowerCase().replace(/[^a-z0-9]/g, "");
    const h =
      t === "sm3"
        ? sm3(certDer)
        : ["sha1", "sha256", "sha384", "sha512"].includes(t)
          ? createHash(t).update(certDer).digest()
          : null;
    return !!h && h.equals(d.value);
  });
}

/** Verifies a DER SES_Signature. */
export function verifySignature(der: Uint8Array, opts: VerifyOptions): VerificationReport {
  let sig: ParsedSignature;
  try {
    sig = parseSignature(der);
  } catch (e) {
    const zh = e instanceof SesFormatError ? `${e.path}：${e.zh}` : "无法解析";
    const en = e instanceof SesFormatError ? `${e.path}: ${e.en}` : "cannot be parsed";
    return summarise([
      {
        id: "structure",
        result: "FAILED",
        subIndication: "FORMAT_FAILURE",
        zh: `签章数据结构无效：${zh}`,
        en: `invalid signature structure: ${en}`,
      },
    ]);
  }
  const seal = sig.seal;
  const signingTime = sig.signingTime?.getTime() ?? null;
  const deviations = [...sig.deviations];
  let signatureForm: "der" | "raw" | null = null;

  const checks: CheckResult[] = [
    {
      id: "structure",
      result: "PASSED",
      zh: `签章数据结构有效（${sig.version === 4 ? "GB/T 38540 v4" : "GM/T 0031 v1"}）${deviations.length ? `，容忍 ${deviations.length} 处非标编码` : ""}`,
      en: `valid signature structure (${sig.version === 4 ? "GB/T 38540 v4" : "GM/T 0031 v1"})${deviations.length ? `, ${deviations.length} non-standard encoding(s) tolerated` : ""}`,
    },
  ];

  checks.push(
    run("seal-maker-signature", () => {
      // v4: the maker signs DER(SES_SealInfo) (ofdrw); v1: SEQUENCE{sealInfo, cert, alg}. Each version accepts the other form.
      const v1Form = () => sealSignedDataV1(seal.sealInfoRaw, seal.makerCert, seal.makerAlg);
      const v4Form = () => seal.sealInfoRaw;
      const candidates = seal.version === 4 ? [v4Form, v1Form] : [v1Form, v4Form];
      const r = checkSm2(candidates, seal.makerSignature, seal.makerCert, seal.makerAlg);
      if (r.why) return r.why;
      if (!r.ok)
        return fail(
          "SEAL_SIGNATURE_INVALID",
          "制章人对印章的签名无效（印章数据可能被篡改）",
          "the seal maker's signature over the seal is invalid (the seal data may have been altered)",
        );
      if (r.matched === 1)
        deviations.push(
          "SESeal.signedValue: 制章人签名原文为另一版本的形式 / maker signed the other version's data form",
        );
      return pass(
        `制章人签名有效（${r.form === "raw" ? "r‖s" : "DER"} 编码）`,
        `the seal maker's signature is valid (${r.form === "raw" ? "r‖s" : "DER"} encoding)`,
      );
    }),
  );

  checks.push(
    run("seal-maker-certificate", () =>
      opts.pki.checkCertificate(seal.makerCert, seal.createDate.getTime(), {
        zh: "制章人证书",
        en: "seal maker certificate",
      }),
    ),
  );

  checks.push(
    run("seal-validity", () => {
      const range = `${iso(seal.validStart)} — ${iso(seal.validEnd)}`;
      if (signingTime === null)
        return indet(
          "SIGNING_TIME_UNKNOWN",
          `签章时间无法读取，不能判断印章有效期（${range}）`,
          `the signing time cannot be read, so the seal validity (${range}) cannot be judged`,
        );
      // A signing time ahead of the verifier's clock (beyond ordinary skew) cannot be trusted to place the signature.
      if (signingTime > opts.now + FUTURE_SKEW_MS)
        return indet(
          "SIGNING_TIME_IN_FUTURE",
          `签章时间 ${iso(signingTime)} 晚于当前时间 ${iso(opts.now)}`,
          `signing time ${iso(signingTime)} is later than the current time ${iso(opts.now)}`,
        );
      if (signingTime < seal.validStart.getTime())
        return fail(
          "SEAL_NOT_YET_VALID",
          `签章时间 ${iso(signingTime)} 早于印章有效期起始（${range}）`,
          `signing time ${iso(signingTime)} is before the seal's validity (${range})`,
        );
      if (signingTime > seal.validEnd.getTime())
        return fail(
          "SEAL_EXPIRED",
          `签章时间 ${iso(signingTime)} 晚于印章有效期截止（${range}）`,
          `signing time ${iso(signingTime)} is after the seal's validity (${range})`,
        );
      return pass(
        `签章时间 ${iso(signingTime)} 在印章有效期内（${range}）`,
        `signing time ${iso(signingTime)} is within the seal's validity (${range})`,
      );
    }),
  );

  checks.push(
    run("seal-status", () => {
      const st = opts.sealStatus?.(seal.esID);
      if (!st)
        return indet(
          "SEAL_STATUS_UNKNOWN",
          `印章 ${seal.esID} 的状态未知（不是本平台登记的印章）`,
          `the status of seal ${seal.esID} is unknown (not registered on this platform)`,
        );
      if (st.status === "active") return pass(`印章 ${seal.esID} 当前状态正常`, `seal ${seal.esID} is active`);
      const when = iso(st.status === "revoked" ? st.at : st.since);
      const before = signingTime !== null && (st.status === "revoked" ? st.at : st.since) <= signingTime;
      if (st.status === "revoked") {
        if (before || signingTime === null)
          return fail(
            "SEAL_REVOKED",
            `印章已于 ${when} 注销，签章时印章已失效`,
            `the seal was revoked at ${when}, before the signing time`,
          );
        return indet(
          "SEAL_REVOKED_AFTER_SIGNING",
          `印章已于签章后（${when}）注销；签章时印章有效，但签章时间未经时间戳证明`,
          `the seal was revoked after signing (${when}); it was valid at the claimed signing time, which no timestamp proves`,
        );
      }
      if (before)
        return fail(
          "SEAL_SUSPENDED",
          `签章时印章处于挂起状态（自 ${when} 起）`,
          `the seal was suspended (since ${when}) when signing`,
        );
      return indet(
        "SEAL_SUSPENDED",
        `印章自 ${when} 起挂起（签章之后）`,
        `the seal has been suspended since ${when} (after signing)`,
      );
    }),
  );

  checks.push(
    run("signer-certificate", () => {
      const r = opts.pki.checkCertificate(sig.signerCert, signingTime, { zh: "签章人证书", en: "signer certificate" });
      if (r.result === "FAILED") return r;
      const bound =
        seal.certListType === 2
          ? certDigestMatches(sig.signerCert, seal.certDigests)
          : seal.certs.some((c) => c.equals(sig.signerCert));
      if (!bound)
        return fail(
          "CERT_NOT_IN_SEAL",
          "签章人证书不在印章的证书列表中",
          "the signer certificate is not in the seal's certificate list",
        );
      return r;
    }),
  );

  checks.push(
    run("signature-value", () => {
      const r = checkSm2([() => sig.tbsRaw], sig.signature, sig.signerCert, sig.signatureAlg);
      signatureForm = r.form;
      if (r.why) return r.why;
      if (!r.ok)
        return fail(
          "SIGNATURE_INVALID",
          "签名值无效（签章数据可能被篡改）",
          "the signature value is invalid (the signed data may have been altered)",
        );
      return pass(
        `签名值有效（SM2，${r.form === "raw" ? "r‖s" : "DER"} 编码）`,
        `the signature value is valid (SM2, ${r.form === "raw" ? "r‖s" : "DER"} encoding)`,
      );
    }),
  );

  checks.push(
    run("data-hash", () => {
      const given = opts.document ? sm3(opts.document) : opts.digest ? Buffer.from(opts.digest) : null;
      if (!given)
        return indet(
          "NO_ORIGINAL_DATA",
          "未提供原文或原文杂凑值，无法核对原文",
          "neither the original nor its digest was given, so the data hash was not checked",
        );
      if (!given.equals(sig.dataHash))
        return fail(
          "HASH_MISMATCH",
          "原文杂凑值不一致（原文已被修改或不是所签原文）",
          "the data hash does not match (the original was changed or is not the one signed)",
        );
      return pass("原文杂凑值一致（SM3）", "the data hash matches (SM3)");
    }),
  );

  let signer: Record<string, string> | null = null;
  try {
    signer = parseCertificate(sig.signerCert).subject;
  } catch {
    signer = null;
  }
  return summarise(checks, {
    version: sig.version,
    esID: seal.esID,
    sealName: seal.name,
    sealType: seal.type,
    signingTime: sig.signingTime ? sig.signingTime.toISOString() : null,
    signer,
    signatureForm,
    deviations,
  });
}
