// The e-seal platform's refusals: stable codes (string-literal union), zh-CN and English messages, suggested HTTP status.

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
