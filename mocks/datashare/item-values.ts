// Checks one value against a catalogue information item: data type (facts §5.1 type letters), 数据长度 and format.
import { checkDivisionCode, checkIdNumber, checkUscc, isRealDate } from "../shared/ids.js";
import type { InfoItem, ItemDataType } from "./types.js";

/** Why a value breaks its item, or null. `value` is a parsed value; `fromText` coerces CSV text first. */
export interface ValueProblem {
  rule: string;
  zh: string;
  en: string;
  hint: string;
}

export const TYPE_NAMES: Record<ItemDataType, string> = {
  C: "字符型 character",
  N: "数值型 numeric",
  Y: "货币型 currency",
  D: "日期型 date",
  T: "日期时间型 date-time",
  L: "逻辑型 logical",
  M: "备注型 memo",
  G: "通用型 general",
  B: "双精度型 double",
  I: "整型 integer",
  F: "浮点型 float",
};

/** Byte length as catalogue systems on GBK databases count it (ASCII 1 byte, other characters 2) [I]. */
export function gbkLength(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

const DATE_RE = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/;

export function isDateValue(v: string): boolean {
  const m = DATE_RE.exec(v);
  return !!m && isRealDate(+m[1], +m[2], +m[3]);
}

export function isDateTimeValue(v: string): boolean {
  const m = DATETIME_RE.exec(v);
  return !!m && isRealDate(+m[1], +m[2], +m[3]) && +m[4] < 24 && +m[5] < 60 && +m[6] < 60;
}

/** Digits of a number's decimal writing, excluding sign and point (数值型 length counts digits). */
function digitCount(n: number): number {
  return String(Math.abs(n))
    .replace(/e.*$/, "")
    .replace(".", "")
    .replace(/^0+(?=\d)/, "").length;
}

const TRUE_TEXT = new Set(["true", "1", "是", "y", "t"]);
const FALSE_TEXT = new Set(["false", "0", "否", "n", "f"]);

/** Turn CSV text into the value its item type expects; undefined when it cannot. Empty text is null. */
export function coerceText(item: InfoItem, text: string): unknown {
  if (text === "") return null;
  switch (item.type) {
    case "N":
    case "Y":
    case "B":
    case "I":
    case "F": {
      const t = text.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
      return Number(t);
    }
    case "L": {
      const t = text.trim().toLowerCase();
      return TRUE_TEXT.has(t) ? true : FALSE_TEXT.has(t) ? false : undefined;
    }
    default:
      return text;
  }
}

function typeProblem(item: InfoItem, expected: string, enExpected: string): ValueProblem {
  return {
    rule: `type:${item.type}`,
    zh: `${item.code}（${item.name}）应为${expected}`,
    en: `${item.code} (${item.name}) must be ${enExpected}`,
    hint: `按目录信息项类型 ${TYPE_NAMES[item.type]} 填写 / follow the item's catalogue type ${item.type}`,
  };
}

function formatProblem(item: InfoItem, verdict: string): ValueProblem {
  return {
    rule: `format:${item.format}`,
    zh: `${item.code}（${item.name}）格式错误`,
    en: `${item.code} (${item.name}) is malformed`,
    hint: verdict,
  };
}

/** Check a parsed value (JSON) against the item; null/undefined are accepted (absence is checked elsewhere). */
export function checkItemValue(item: InfoItem, value: unknown, now?: number): ValueProblem | null {
  if (value === null || value === undefined) return null;
  switch (item.type) {
    case "C":
    case "M": {
      if (typeof value !== "string") return typeProblem(item, "字符串", "a string");
      if (item.length > 0 && gbkLength(value) > item.length)
        return {
          rule: "length",
          zh: `${item.code}（${item.name}）长度 ${gbkLength(value)} 字节超过目录规定的 ${item.length}`,
          en: `${item.code} (${item.name}) is ${gbkLength(value)} bytes, longer than the catalogue's ${item.length}`,
          hint: `最长 ${item.length} 字节（汉字按2字节计） / at most ${item.length} bytes (a Chinese character counts 2)`,
        };
      break;
    }
    case "N":
    case "B":
    case "F":
    case "Y":
    case "I": {
      if (typeof value !== "number" || !Number.isFinite(value))
        return typeProblem(item, "数值（JSON number）", "a JSON number");
      if (item.type === "I" && !Number.isSafeInteger(value)) return typeProblem(item, "整数", "an integer");
      if (item.type === "Y" && Math.round(value * 10000) / 10000 !== value)
        return typeProblem(item, "最多4位小数的金额", "an amount with at most 4 decimals");
      if ((item.type === "N" || item.type === "I") && item.length > 0 && digitCount(value) > item.length)
        return {
          rule: "length",
          zh: `${item.code}（${item.name}）位数超过目录规定的 ${item.length} 位`,
          en: `${item.code} (${item.name}) has more than the catalogue's ${item.length} digits`,
          hint: `最多 ${item.length} 位数字 / at most ${item.length} digits`,
        };
      break;
    }
    case "D":
      if (typeof value !== "string" || !isDateValue(value))
        return typeProblem(item, "日期 YYYY-MM-DD 或 YYYYMMDD", "a date YYYY-MM-DD or YYYYMMDD");
      break;
    case "T":
      if (typeof value !== "string" || !isDateTimeValue(value))
        return typeProblem(item, "日期时间 YYYY-MM-DD HH:mm:ss", "a date-time YYYY-MM-DD HH:mm:ss (ISO 8601 accepted)");
      break;
    case "L":
      if (typeof value !== "boolean") return typeProblem(item, "布尔值 true/false", "a boolean true/false");
      break;
    case "G":
      break;
  }
  if (item.format && typeof value === "string") {
    const v = checkFormat(item.format, value, now);
    if (v) return formatProblem(item, v);
  }
  return null;
}

const PARCEL_RE = /^\d{6}\d{3}\d{3}[GJZ][ABSXCDEFLNW]\d{5}$/;

/** Semantic format check; a bilingual verdict or null. */
export function checkFormat(format: NonNullable<InfoItem["format"]>, v: string, now?: number): string | null {
  switch (format) {
    case "gb11643-id":
      return checkIdNumber(v, now);
    case "gb32100-uscc":
      return checkUscc(v);
    case "gb2260-division":
      return checkDivisionCode(v, { historical: true });
    case "subject-code": {
      if (v.length === 18 && /^\d{17}[\dX]$/.test(v) && !checkIdNumber(v, now)) return null;
      if (!checkUscc(v)) return null;
      return "主体代码应为身份证号或统一社会信用代码 / subject code must be a resident ID number or a USCC";
    }
    case "parcel-code":
      if (!PARCEL_RE.test(v))
        return "宗地代码应为19位：6位行政区划+3位地籍区+3位地籍子区+2位宗地特征码+5位顺序号，如 440507001001GB00001 / parcel code must be 19 characters: division(6) + cadastral zone(3) + subzone(3) + feature code(2) + sequence(5), e.g. 440507001001GB00001";
      return checkDivisionCode(v.slice(0, 6));
  }
}
