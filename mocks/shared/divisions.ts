// GB/T 2260 administrative division codes (facts §6.4). Shantou is listed in full, current and historical; the rest
// of Guangdong to prefecture level; elsewhere only the province part is checked, because the full national table
// (≈3,200 codes, changing yearly) is not bundled — a documented simplification.

export const SHANTOU_DISTRICTS: Readonly<Record<string, string>> = Object.freeze({
  "440507": "龙湖区",
  "440511": "金平区",
  "440512": "濠江区",
  "440513": "潮阳区",
  "440514": "潮南区",
  "440515": "澄海区",
  "440523": "南澳县",
});

const SHANTOU_CURRENT: Record<string, string> = { "440500": "汕头市", "440501": "市辖区", ...SHANTOU_DISTRICTS };

/** Codes no longer current that still appear in older ID numbers (facts §6.4). */
export const SHANTOU_HISTORICAL: Readonly<Record<string, string>> = Object.freeze({
  "440506": "达濠区",
  "440508": "金园区",
  "440509": "升平区",
  "440521": "澄海县",
  "440582": "潮阳市",
  "440583": "澄海市",
});

/** Guangdong prefecture-level cities. */
export const GUANGDONG_CITIES: Readonly<Record<string, string>> = Object.freeze({
  "4401": "广州市",
  "4402": "韶关市",
  "4403": "深圳市",
  "4404": "珠海市",
  "4405": "汕头市",
  "4406": "佛山市",
  "4407": "江门市",
  "4408": "湛江市",
  "4409": "茂名市",
  "4412": "肇庆市",
  "4413": "惠州市",
  "4414": "梅州市",
  "4415": "汕尾市",
  "4416": "河源市",
  "4417": "阳江市",
  "4418": "清远市",
  "4419": "东莞市",
  "4420": "中山市",
  "4451": "潮州市",
  "4452": "揭阳市",
  "4453": "云浮市",
});

const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
]);

export function divisionName(code: string): string | undefined {
  if (code === "440000") return "广东省";
  return (
    SHANTOU_CURRENT[code] ??
    SHANTOU_HISTORICAL[code] ??
    (code.endsWith("00") ? GUANGDONG_CITIES[code.slice(0, 4)] : undefined)
  );
}

export function isKnownDivision(code: string, opts: { historical?: boolean } = {}): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  if (code.startsWith("4405")) return code in SHANTOU_CURRENT || (!!opts.historical && code in SHANTOU_HISTORICAL);
  if (code.startsWith("44")) return code === "440000" || code.slice(0, 4) in GUANGDONG_CITIES;
  return PROVINCES.has(code.slice(0, 2));
}
