// The e-licence platform's error catalogue: sharing-service result codes (facts §4.5, §8.4) and domain refusals.
import { defineCatalogue, type ErrorEntry } from "../shared/error-catalogue.js";

/** GB/T 36906-style sharing-service result codes as seen in a Shandong implementation (facts §4.5). */
export type ResultCode = 0 | 11 | 12 | 13 | 21 | 22 | 23 | 100 | 101 | 103;

/**
 * The sharing services' result codes (head.status) as the platform's catalogue. Sharing answers are HTTP 200 with the
 * outcome in head.status (contracts/elicence.yaml); GatewayMsg refusals carry the same code as result_code beside the
 * HTTP status of the domain refusal (CODE_MAP below).
 */
export const ELICENCE_ERRORS = defineCatalogue({
  success: { code: 0, status: 200, zh: "调用成功", en: "success" },
  identityCheckFailed: {
    code: 11,
    status: 200,
    zh: "身份验证不通过",
    en: "identity check failed",
    hint: "重新调用 D1593589959893 登录取得 access_token，或不带 accessToken / log in again (D1593589959893) or omit accessToken",
  },
  requiredParameterEmpty: {
    code: 12,
    status: 200,
    zh: "必填参数为空",
    en: "a required parameter is empty",
    hint: "补齐必填参数 / fill in the required parameters",
  },
  typeNotPublished: {
    code: 13,
    status: 200,
    zh: "证照类型不存在或未发布",
    en: "licence type does not exist or is not published",
    hint: "用 GET /ebus/elicence/v1/types 查看已发布的证照类型 / list published types with GET /ebus/elicence/v1/types",
  },
  licenceAnnulled: {
    code: 21,
    status: 200,
    zh: "证照已废止或已注销",
    en: "licence annulled or cancelled",
    hint: "证照已废止、注销或已变更，请使用现行版本 / the licence is annulled or changed; use its current version",
  },
  licenceExpired: {
    code: 22,
    status: 200,
    zh: "证照已过期",
    en: "licence expired",
    hint: "证照已过期，请持证人办理延续 / the licence has expired; the holder must renew it",
  },
  licenceRestricted: {
    code: 23,
    status: 200,
    zh: "证照已受限使用",
    en: "licence restricted (withheld)",
    hint: "证照已暂扣或尚未签发 / the licence is withheld or not issued",
  },
  noPermission: {
    code: 100,
    status: 200,
    zh: "无权限",
    en: "no permission",
    hint: "请管理员开通该证照类型权限（PUT /_gatesim/elicence/tenants/{paasid}/permissions），或请持证人授权并兑换授权码 / have the admin grant the type, or ask the holder for a usage grant and redeem it",
  },
  systemError: {
    code: 101,
    status: 200,
    zh: "系统异常",
    en: "system error",
    hint: "稍后重试；若持续出现请附跟踪号报告 / retry later; report it with the trace id if it persists",
  },
  holderTypeInvalid: {
    code: 103,
    status: 200,
    zh: "持证主体代码类型代码不符合规范",
    en: "holder id-type code invalid",
    hint: "持证主体代码类型代码应为 111（公民身份号码）或 001（统一社会信用代码），且代码本身须校验通过 / use 111 (resident ID) or 001 (USCC) with a valid code",
  },
});

/** A result code's catalogue entry. */
export const RESULT_CODES: Readonly<Record<ResultCode, ErrorEntry<ResultCode>>> = Object.freeze(
  Object.fromEntries(Object.values(ELICENCE_ERRORS).map((e) => [e.code, e])) as Record<
    ResultCode,
    ErrorEntry<ResultCode>
  >,
);

/**
 * Why the domain refused an operation. A string-literal union (as in panva/jose) so handlers can switch on it;
 * each maps to the nearest sharing-service result code and an HTTP status for the handlers to use.
 */
export type ElicenceErrorCode =
  | "REQUIRED_FIELD_MISSING"
  | "INVALID_FIELD"
  | "UNKNOWN_FIELD"
  | "INVALID_HOLDER_TYPE"
  | "INVALID_HOLDER_CODE"
  | "INVALID_ISSUER_CODE"
  | "INVALID_IDENTIFIER"
  | "TYPE_NOT_FOUND"
  | "TYPE_NOT_PUBLISHED"
  | "TYPE_EXISTS"
  | "NOT_TYPE_OWNER"
  | "LICENCE_NOT_FOUND"
  | "LICENCE_EXISTS"
  | "ILLEGAL_TRANSITION"
  | "SUPERSEDED"
  | "LICENCE_REVOKED"
  | "LICENCE_EXPIRED"
  | "LICENCE_SUSPENDED";

const CODE_MAP: Record<ElicenceErrorCode, { resultCode: ResultCode; status: number }> = {
  REQUIRED_FIELD_MISSING: { resultCode: 12, status: 400 },
  INVALID_FIELD: { resultCode: 12, status: 400 },
  UNKNOWN_FIELD: { resultCode: 12, status: 400 },
  INVALID_HOLDER_TYPE: { resultCode: 103, status: 400 },
  // [SIM] No public code for "holder code fails its own checksum"; 103 is the nearest documented one (§4.5).
  INVALID_HOLDER_CODE: { resultCode: 103, status: 400 },
  INVALID_ISSUER_CODE: { resultCode: 12, status: 400 },
  INVALID_IDENTIFIER: { resultCode: 12, status: 400 },
  TYPE_NOT_FOUND: { resultCode: 13, status: 404 },
  TYPE_NOT_PUBLISHED: { resultCode: 13, status: 409 },
  TYPE_EXISTS: { resultCode: 101, status: 409 },
  NOT_TYPE_OWNER: { resultCode: 100, status: 403 },
  LICENCE_NOT_FOUND: { resultCode: 101, status: 404 },
  LICENCE_EXISTS: { resultCode: 101, status: 409 },
  ILLEGAL_TRANSITION: { resultCode: 101, status: 409 },
  SUPERSEDED: { resultCode: 21, status: 409 },
  LICENCE_REVOKED: { resultCode: 21, status: 409 },
  LICENCE_EXPIRED: { resultCode: 22, status: 409 },
  LICENCE_SUSPENDED: { resultCode: 23, status: 409 },
};

/** A refusal by the e-licence domain: what rule, where, and how to fix it (zh-CN first, English alongside). */
export class ElicenceError extends Error {
  readonly code: ElicenceErrorCode;
  readonly resultCode: ResultCode;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  /** JSON pointer into the request body, e.g. /CZZTDMLXDM. */
  readonly location?: string;
  readonly seen?: unknown;

  constructor(code: ElicenceErrorCode, zh: string, en: string, opts: { location?: string; seen?: unknown } = {}) {
    super(`${zh} / ${en}`);
    this.name = "ElicenceError";
    this.code = code;
    this.resultCode = CODE_MAP[code].resultCode;
    this.status = CODE_MAP[code].status;
    this.zh = zh;
    this.en = en;
    this.location = opts.location;
    this.seen = opts.seen;
  }
}

export function isElicenceError(e: unknown): e is ElicenceError {
  return e instanceof ElicenceError;
}
