// Strict base64 decoding for wire fields: Buffer.from() silently skips bad characters, which would sign or verify
// something other than what the caller meant; refuse instead (40026), naming the field and the first bad character.
import { esealProblem } from "./errors.js";

const ALPHABET = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** Decodes standard or URL-safe base64 (whitespace and line breaks ignored, padding optional). */
export function decodeBase64(value: unknown, location: string, what: { zh: string; en: string }): Buffer {
  if (typeof value !== "string")
    throw esealProblem("invalidBase64", {
      location,
      seen: value === null ? null : typeof value,
      zh: `${what.zh}应为 base64 字符串`,
      en: `${what.en} must be a base64 string`,
    });
  const s = value.replace(/\s+/g, "");
  if (s === "")
    throw esealProblem("badInput", {
      location,
      rule: "eseal.non-empty",
      seen: "",
      zh: `${what.zh}为空`,
      en: `${what.en} is empty`,
      hint: "提供非空的 base64 数据 / send non-empty base64 data",
    });
  const bad = /[^A-Za-z0-9+/\-_=]/.exec(s);
  if (bad || !ALPHABET.test(s) || s.replace(/=+$/, "").length % 4 === 1 || (s.includes("=") && s.length % 4 !== 0)) {
    const at = bad
      ? `第 ${bad.index + 1} 个字符 ${JSON.stringify(bad[0])} 不是 base64 字符 / character ${bad.index + 1} ${JSON.stringify(bad[0])} is not base64`
      : "长度或填充不正确 / wrong length or padding";
    throw esealProblem("invalidBase64", {
      location,
      seen: s.length > 40 ? `${s.slice(0, 40)}…` : s,
      zh: `${what.zh}不是合法的 base64（${at.split(" / ")[0]}）`,
      en: `${what.en} is not valid base64 (${at.split(" / ")[1]})`,
      hint: "使用标准 base64（RFC 4648 §4）编码原始字节 / encode the raw bytes as standard base64 (RFC 4648 §4)",
    });
  }
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}
