// The e-licence platform's error catalogue: sharing-service result codes (facts §4.5, §8.4) and domain refusals.

/** GB/T 36906-style sharing-service result codes as seen in a Shandong implementation (facts §4.5). */
export type ResultCode = 0 | 11 | 12 | 13 | 21 | 22 | 23 | 100 | 101 | 103;

export const RESULT_CODES: Readonly<Record<ResultCode, { zh: string; en: string }>> = Object.freeze({
  0: { zh: "调用成功", en: "success" },
  11: { zh: "身份验证不通过", en: "identity check failed" },
  12: { zh: "必填参数为空", en: "a required parameter is empty" },
  13: { zh: "证照类型不存在或未发布", en: "licence type does not exist or is not published" },
  21: { zh: "证照已废止或已注销", en: "licence annulled or cancelled" },
  22: { zh: "证照已过期", en: "licence expired" },
  23: { zh: "证照已受限使用", en: "licence restricted (withheld)" },
  100: { zh: "无权限", en: "no permission" },
  101: { zh: "系统异常", en: "system error" },
  103: { zh: "持证主体代码类型代码不符合规范", en: "holder id-type code invalid" },
});

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
