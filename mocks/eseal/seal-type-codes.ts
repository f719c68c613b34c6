// Seal type codes (印章类型): configurable table, default the public-security engraving list (facts §3.6, §8.3).

export interface SealType {
  /** Two-digit code, e.g. "04"; its numeric value goes into SES_ESPropertyInfo.type (an INTEGER). */
  code: string;
  name: string;
  en: string;
}

/** Default table (facts §8.3 [SIM]). */
export const DEFAULT_SEAL_TYPES: readonly SealType[] = Object.freeze([
  { code: "01", name: "法定名称章", en: "official name seal" },
  { code: "02", name: "财务专用章", en: "finance seal" },
  { code: "03", name: "发票专用章", en: "invoice seal" },
  { code: "04", name: "合同专用章", en: "contract seal" },
  { code: "05", name: "法定代表人名章", en: "legal representative's name seal" },
  { code: "99", name: "其他", en: "other" },
]);
