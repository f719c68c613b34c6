// The validation report shape (EU DSS style: PASSED / FAILED / INDETERMINATE + sub-indication, facts §8.3).

export type Indication = "PASSED" | "FAILED" | "INDETERMINATE";

/** Stable check ids, in the order they appear in a report. */
export type CheckId =
  | "structure"
  | "seal-maker-signature"
  | "seal-maker-certificate"
  | "seal-validity"
  | "seal-status"
  | "signer-certificate"
  | "signature-value"
  | "data-hash"
  // an OFD file's own checks, before its signature's (GB/T 33190 §18)
  | "ofd-package"
  | "ofd-references.method"
  | `ofd-reference:${string}`;

/** Sub-indications: why a check did not pass (string-literal union, like jose's error codes). */
export type SubIndication =
  | "FORMAT_FAILURE"
  | "UNSUPPORTED_ALGORITHM"
  | "SEAL_SIGNATURE_INVALID"
  | "SEAL_MAKER_CERT_INVALID"
  | "SEAL_NOT_YET_VALID"
  | "SEAL_EXPIRED"
  | "SIGNING_TIME_UNKNOWN"
  | "SIGNING_TIME_IN_FUTURE"
  | "SEAL_SUSPENDED"
  | "SEAL_REVOKED"
  | "SEAL_REVOKED_AFTER_SIGNING"
  | "SEAL_STATUS_UNKNOWN"
  | "CERT_CHAIN_INVALID"
  | "CERT_NOT_IN_SEAL"
  | "CERT_EXPIRED"
  | "CERT_REVOKED"
  | "CERT_REVOKED_AFTER_SIGNING"
  | "SIGNATURE_INVALID"
  | "HASH_MISMATCH"
  | "NO_ORIGINAL_DATA";

export interface CheckResult {
  id: CheckId;
  result: Indication;
  subIndication?: SubIndication;
  zh: string;
  en: string;
}

export interface VerificationReport {
  result: Indication;
  /** The first failing check's sub-indication (or the first indeterminate one). */
  subIndication?: SubIndication;
  checks: CheckResult[];
  /** What was read from the signature, when the structure could be parsed. */
  signature?: {
    version: 1 | 4;
    esID: string;
    sealName: string;
    sealType: number;
    signingTime: string | null;
    signer: Record<string, string> | null;
    signatureForm: "der" | "raw" | null;
    /** Deviations from the standard that were tolerated (OCTET STRING for BIT STRING, …). */
    deviations: string[];
  };
}

/** FAILED if any check failed; else INDETERMINATE if any is; else PASSED. */
export function summarise(checks: CheckResult[], signature?: VerificationReport["signature"]): VerificationReport {
  const failed = checks.find((c) => c.result === "FAILED");
  const indet = checks.find((c) => c.result === "INDETERMINATE");
  const pick = failed ?? indet;
  const report: VerificationReport = { result: failed ? "FAILED" : indet ? "INDETERMINATE" : "PASSED", checks };
  if (pick?.subIndication) report.subIndication = pick.subIndication;
  if (signature) report.signature = signature;
  return report;
}
