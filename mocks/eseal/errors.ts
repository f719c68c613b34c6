// The e-seal platform's refusals. The domain core throws EsealError with a stable code (a string-literal union, as
// in panva/jose); the REST API answers ESEAL_ERRORS (facts §8.3 [SIM]): errcodes in the gateway's style (HTTP status =
// first three digits, facts §8.1), the "x2x" block so they never collide with the gateway's own; documented in
// contracts/eseal.yaml and docs/eseal.md.
import { defineCatalogue, gatewayCoded } from "../shared/error-catalogue.js";
import { ProblemError } from "../shared/problem.js";
import type { Diagnostic } from "../shared/types.js";

export const ESEAL_ERRORS = defineCatalogue({
  badInput: gatewayCoded(40020, "请求参数无效", "invalid request parameters"),
  invalidDigest: gatewayCoded(40021, "原文杂凑值无效", "invalid digest"),
  invalidOrg: gatewayCoded(40022, "单位信息无效", "invalid organisation"),
  unknownSealType: gatewayCoded(
    40023,
    "未知的印章类型",
    "unknown seal type",
    "GET /ebus/eseal/v1/seal-types 列出类型代码 / lists the type codes",
  ),
  invalidValidity: gatewayCoded(40024, "印章有效期无效", "invalid seal validity"),
  invalidDivision: gatewayCoded(40025, "行政区划代码无效", "invalid division code"),
  invalidBase64: gatewayCoded(40026, "Base64 数据无效", "invalid base64 data"),
  notSealOwner: gatewayCoded(40320, "调用方不是印章所属单位", "the caller does not own the seal"),
  sealNotFound: gatewayCoded(
    40420,
    "印章不存在",
    "seal not found",
    "GET /ebus/eseal/v1/seals?orgUscc=<统一社会信用代码> 列出单位的印章 / lists an organisation's seals",
  ),
  orgNotFound: gatewayCoded(40421, "单位不存在", "organisation not found"),
  sealRevoked: gatewayCoded(
    40920,
    "印章已注销",
    "the seal is revoked",
    "注销不可恢复，请申请新印章 / revocation is final; apply for a new seal (POST /ebus/eseal/v1/seals)",
  ),
  sealSuspended: gatewayCoded(
    40921,
    "印章已挂起",
    "the seal is suspended",
    "先恢复印章 / resume it first: POST /ebus/eseal/v1/seals/{sealCode}/resume",
  ),
  sealExpired: gatewayCoded(
    40922,
    "印章已过期",
    "the seal has expired",
    "申请新印章，或检查租户虚拟时钟 / apply for a new seal, or check the tenant's virtual clock",
  ),
  sealNotYetValid: gatewayCoded(
    40923,
    "印章尚未生效",
    "the seal is not yet valid",
    "等到有效期开始，或调整租户虚拟时钟 / wait for the validity start, or move the tenant's virtual clock",
  ),
  invalidState: gatewayCoded(
    40924,
    "印章状态不允许此操作",
    "the seal's status does not allow this",
    "已注销的印章状态不能再改变 / a revoked seal's status cannot change",
  ),
  sequenceExhausted: gatewayCoded(40925, "印章序号已用尽", "seal sequence exhausted"),
  documentTooLarge: gatewayCoded(
    41320,
    "文档超过大小上限",
    "document too large",
    "改为提交原文的 SM3 杂凑值（digest，64 位十六进制）/ send the document's SM3 digest (64 hex characters) instead",
  ),
  serviceUnavailable: gatewayCoded(50320, "电子印章服务暂不可用", "the e-seal service is unavailable"),
});

export type EsealHttpErrorName = keyof typeof ESEAL_ERRORS;

export type EsealErrorCode =
  | "SEAL_NOT_FOUND"
  | "SEAL_SUSPENDED"
  | "SEAL_REVOKED"
  | "SEAL_EXPIRED"
  | "SEAL_NOT_YET_VALID"
  | "UNKNOWN_SEAL_TYPE"
  | "INVALID_ORG"
  | "INVALID_DIVISION"
  | "INVALID_VALIDITY"
  | "INVALID_DIGEST"
  | "DOCUMENT_TOO_LARGE"
  | "INVALID_STATE"
  | "SEQUENCE_EXHAUSTED";

export class EsealError extends Error {
  constructor(
    readonly code: EsealErrorCode,
    readonly zh: string,
    readonly en: string,
    /** The HTTP status the REST layer should use (4xx: the caller's mistake or the seal's state). */
    readonly status: number,
  ) {
    super(`${zh} / ${en}`);
    this.name = "EsealError";
  }
}

/** The core's error codes (EsealErrorCode above) → catalogue entries. */
const BY_CORE_CODE: Record<EsealErrorCode, EsealHttpErrorName> = {
  SEAL_NOT_FOUND: "sealNotFound",
  SEAL_SUSPENDED: "sealSuspended",
  SEAL_REVOKED: "sealRevoked",
  SEAL_EXPIRED: "sealExpired",
  SEAL_NOT_YET_VALID: "sealNotYetValid",
  UNKNOWN_SEAL_TYPE: "unknownSealType",
  INVALID_ORG: "invalidOrg",
  INVALID_DIVISION: "invalidDivision",
  INVALID_VALIDITY: "invalidValidity",
  INVALID_DIGEST: "invalidDigest",
  DOCUMENT_TOO_LARGE: "documentTooLarge",
  INVALID_STATE: "invalidState",
  SEQUENCE_EXHAUSTED: "sequenceExhausted",
};

/** A ProblemError from a catalogue entry with one diagnostic. */
export function esealProblem(
  name: EsealHttpErrorName,
  d: { location: string; rule?: string; seen?: unknown; zh: string; en: string; hint?: string },
): ProblemError {
  const e = ESEAL_ERRORS[name];
  const diag: Diagnostic = {
    location: d.location,
    rule: d.rule ?? `eseal.${name}`,
    message: `${d.zh} / ${d.en}`,
    hint: d.hint ?? e.hint ?? "见 /docs 中的电子印章接口说明 / see the e-seal API in /docs",
  };
  if (d.seen !== undefined) diag.seen = d.seen;
  return new ProblemError({ ...e, diagnostics: [diag] });
}

/** The core's EsealError as the REST refusal; anything else is rethrown unchanged (a bug → 50001). */
export function toHttpProblem(e: unknown, location = "/body"): never {
  if (e instanceof EsealError)
    throw esealProblem(BY_CORE_CODE[e.code], { location, rule: `eseal.${e.code}`, zh: e.zh, en: e.en });
  throw e;
}
