// Identifier check digits and validators: GB 11643, GB 32100, GB 11714, GB/T 2260, GB/T 36904 (facts §6).
import { isKnownDivision } from "./divisions.js";

const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function idCheck(body17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += (body17.charCodeAt(i) - 48) * ID_W[i];
  return "10X98765432"[s % 11];
}

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const US_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Value of each ASCII character in the USCC alphabet, -1 where it is not one (as indexOf would say). */
const US_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let k = 0; k < USCC_ALPHABET.length; k++) t[USCC_ALPHABET.charCodeAt(k)] = k;
  return t;
})();
/** GB 32100 check character of the first 17 characters. */
export function usccCheck(body17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) {
    const c = body17.charCodeAt(i);
    s += (c < 128 ? US_VALUE[c] : -1) * US_W[i];
  }
  return USCC_ALPHABET[(31 - (s % 31)) % 31];
}

const AN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ORG_W = [3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11714 check character of an 8-character organisation code body. */
export function orgCheck(body8: string): string {
  let s = 0;
  for (let i = 0; i < 8; i++) s += AN.indexOf(body8[i]) * ORG_W[i];
  const r = 11 - (s % 11);
  return r === 11 ? "0" : r === 10 ? "X" : String(r);
}

/** ISO 7064 MOD 37,36 (hybrid) check character over [0-9A-Z] (GB/T 36904 licence identifiers). */
export function mod37_36(s: string): string {
  let p = 36;
  for (const ch of s) {
    const r = (p + AN.indexOf(ch)) % 36;
    p = ((r === 0 ? 36 : r) * 2) % 37;
  }
  return AN[(37 - p) % 36];
}

/** Why an identifier is invalid, or null when it is valid. Messages are zh-CN with English. */
export type Verdict = string | null;

/** Whether y-m-d (m 1–12) is a day of the Gregorian calendar, year ≥ 100. Arithmetic, no Date: it runs on every
 *  ID number, date item and query timestamp a request carries. */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || y < 100 || m < 1 || m > 12 || d < 1)
    return false;
  if (m === 2) return d <= (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28);
  return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** GB 11643-1999 resident ID number: 18 chars, known division, real past birth date (before `now`, a Date or ms),
 *  check digit. */
export function checkIdNumber(v: string, now?: Date | number): Verdict {
  if (!/^\d{17}[\dX]$/.test(v))
    return "身份证号应为17位数字加1位校验码(数字或大写X) / must be 17 digits plus a check character (digit or upper-case X)";
  if (!isKnownDivision(v.slice(0, 6), { historical: true }))
    return `地址码 ${v.slice(0, 6)} 不是已知的行政区划代码 / address code ${v.slice(0, 6)} is not a known GB/T 2260 division`;
  const y = +v.slice(6, 10),
    m = +v.slice(10, 12),
    d = +v.slice(12, 14);
  if (
    !isRealDate(y, m, d) ||
    y < 1880 ||
    Date.UTC(y, m - 1, d) > (now === undefined ? Date.now() : typeof now === "number" ? now : now.getTime())
  )
    return `出生日期 ${v.slice(6, 14)} 不是有效日期 / birth date ${v.slice(6, 14)} is not a real past date`;
  const c = idCheck(v.slice(0, 17));
  if (c !== v[17]) return `校验码应为 ${c}，实际为 ${v[17]} / check character should be ${c}, got ${v[17]}`;
  return null;
}

/** GB 32100-2015 unified social credit code: 18 chars of the 31-char alphabet, embedded org code and check. */
export function checkUscc(v: string): Verdict {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(v))
    return "统一社会信用代码应为18位，字符取自 0-9 与大写字母（不含 I O S V Z） / must be 18 characters of 0-9 and upper-case letters except I, O, S, V, Z";
  const c = usccCheck(v.slice(0, 17));
  if (c !== v[17]) return `校验码应为 ${c}，实际为 ${v[17]} / check character should be ${c}, got ${v[17]}`;
  return null;
}

/** GB 11714-1997 organisation code, written XXXXXXXX-C (the hyphen is optional). */
export function checkOrgCode(v: string): Verdict {
  const m = /^([0-9A-Z]{8})-?([0-9X])$/.exec(v);
  if (!m)
    return "组织机构代码应为8位数字或大写字母加校验码，如 19278159-2 / must be 8 digits or upper-case letters plus a check character, e.g. 19278159-2";
  const c = orgCheck(m[1]);
  if (c !== m[2]) return `校验码应为 ${c}，实际为 ${m[2]} / check character should be ${c}, got ${m[2]}`;
  return null;
}

/** GB/T 2260 division code (current codes; historical Shantou codes only where asked). */
export function checkDivisionCode(v: string, opts: { historical?: boolean } = {}): Verdict {
  if (!/^\d{6}$/.test(v)) return "行政区划代码应为6位数字 / division code must be 6 digits";
  if (!isKnownDivision(v, opts)) return `${v} 不是已知的行政区划代码 / ${v} is not a known GB/T 2260 division code`;
  return null;
}

export const LICENCE_ROOT = "1.2.156.3005.2";

export interface LicenceIdParts {
  typeCode: string;
  issuerCode: string;
  serial: string;
  version: string;
  check: string;
}

export function parseLicenceId(v: string): LicenceIdParts | null {
  if (!v.startsWith(LICENCE_ROOT + ".")) return null;
  const parts = v.slice(LICENCE_ROOT.length + 1).split(".");
  if (parts.length !== 5) return null;
  const [typeCode, issuerCode, serial, version, check] = parts;
  return { typeCode, issuerCode, serial, version, check };
}

/** Compose a GB/T 36904 licence identifier with its MOD 37,36 check character. */
export function makeLicenceId(typeCode: string, issuerCode: string, serial: string, version: string): string {
  return [LICENCE_ROOT, typeCode, issuerCode, serial, version, mod37_36(typeCode + issuerCode + serial + version)].join(
    ".",
  );
}

/**
 * GB/T 36904-2018 licence identifier: root OID . type code (USCC + 3 digits) . issuer code . serial . version (3 digits)
 * . MOD 37,36 check. The issuer is normally an 18-char USCC; a 6-digit division code is tolerated (facts §4.2).
 */
export function checkLicenceId(v: string): Verdict {
  const p = parseLicenceId(v);
  if (!p)
    return `证照标识应为 ${LICENCE_ROOT}.<类型代码>.<颁发机构代码>.<流水号>.<版本号>.<校验位> / must be ${LICENCE_ROOT}.<type>.<issuer>.<serial>.<version>.<check>`;
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}\d{3}$/.test(p.typeCode))
    return `证照类型代码 ${p.typeCode} 应为定义机构统一社会信用代码加3位数字 / type code must be the defining authority's USCC plus 3 digits`;
  if (!/^([0-9A-HJ-NPQRTUWXY]{18}|\d{6})$/.test(p.issuerCode))
    return `颁发机构代码 ${p.issuerCode} 应为18位统一社会信用代码 / issuer code must be an 18-character USCC`;
  if (!/^[0-9A-Z]+$/.test(p.serial)) return "流水号只能含数字和大写字母 / serial must be digits and upper-case letters";
  if (!/^\d{3}$/.test(p.version)) return "版本号应为3位数字，如 001 / version must be 3 digits, e.g. 001";
  const c = mod37_36(p.typeCode + p.issuerCode + p.serial + p.version);
  if (c !== p.check) return `校验位应为 ${c}，实际为 ${p.check} / check character should be ${c}, got ${p.check}`;
  return null;
}
