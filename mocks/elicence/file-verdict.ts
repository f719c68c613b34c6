// The verdict on a licence file, whatever its format: the seal first (a file altered after sealing is refused whatever
// it now claims to be), then the licence the file names and its status now (facts §4.5 result codes).
import type { ResultCode } from "./errors.js";
import type { SealVerification } from "./licence-pdf.js";
import { getLicence, licenceStatus, type LicenceEnv, type LicenceStatus } from "./licences.js";

export interface FileVerification {
  result: "PASSED" | "FAILED" | "INDETERMINATE";
  /** Sharing-service result code: 0 passed, 21/22/23 licence status, 101 seal or file failure. */
  resultCode: ResultCode;
  zh: string;
  en: string;
  licenceId?: string;
  seal: SealVerification;
  status?: LicenceStatus;
}

/** What a file that cannot be read as a licence file is called, per format. */
export const FILE_UNREADABLE = {
  pdf: { zh: "文件不是可解析的 PDF 证照文件", en: "the file is not a readable licence PDF" },
  ofd: { zh: "文件不是可解析的 OFD 证照文件", en: "the file is not a readable licence OFD" },
};

/** `info`: the file's GB/T 36903 metadata (undefined when unreadable); `seal`: the verification of its seal. */
export async function fileVerdict(
  env: LicenceEnv,
  info: Record<string, string> | undefined,
  seal: SealVerification,
  opts: { now: number; unreadable: { zh: string; en: string } },
): Promise<FileVerification> {
  const id = info?.ZZBS;
  // The seal speaks first: a file altered after sealing is refused whatever it now claims to be.
  if (seal.result === "FAILED") {
    const bad = seal.checks.filter((c) => c.result !== "PASSED" && c.result !== "OK");
    return {
      result: "FAILED",
      resultCode: 101,
      zh: `电子印章验证失败${bad.length ? "：" + bad.map((c) => c.zh).join("；") : ""}`,
      en: `e-seal verification failed${bad.length ? ": " + bad.map((c) => c.en).join("; ") : ""}`,
      licenceId: id,
      seal,
    };
  }
  if (!info)
    return {
      result: "FAILED",
      resultCode: 101,
      ...opts.unreadable,
      seal,
    };
  if (!id)
    return {
      result: "FAILED",
      resultCode: 101,
      zh: "文件中没有证照标识 ZZBS",
      en: "the file carries no licence identifier ZZBS",
      seal,
    };
  const licence = await getLicence(env, id);
  if (!licence)
    return {
      result: "FAILED",
      resultCode: 101,
      zh: `证照 ${id} 在本平台不存在`,
      en: `licence ${id} is not known to this platform`,
      licenceId: id,
      seal,
    };
  const status = licenceStatus(licence, opts.now);
  if (!status.usable)
    return {
      result: "FAILED",
      resultCode: status.resultCode,
      zh: status.zh,
      en: status.en,
      licenceId: id,
      seal,
      status,
    };
  if (seal.result === "INDETERMINATE")
    return {
      result: "INDETERMINATE",
      resultCode: 101,
      zh: `电子印章验证结果不确定${seal.subIndication ? `（${seal.subIndication}）` : ""}`,
      en: `e-seal verification indeterminate${seal.subIndication ? ` (${seal.subIndication})` : ""}`,
      licenceId: id,
      seal,
      status,
    };
  return {
    result: "PASSED",
    resultCode: 0,
    zh: "证照文件验证通过：印章有效，证照有效",
    en: "licence file verified: seal intact, licence valid",
    licenceId: id,
    seal,
    status,
  };
}
