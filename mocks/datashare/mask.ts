// Masking (脱敏) of granted-but-masked fields (§8.5) [SIM: no public masking rule was found].
import type { InfoItem } from "./types.js";

/** ID numbers keep division code and last 4, mobile numbers 3 + 4, names the surname, other text its first quarter;
 *  non-text values become "***". */
export function maskValue(item: InfoItem, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== "string") return "***";
  if (item.format === "gb11643-id" || /^\d{17}[\dX]$/.test(value)) {
    const n = [...value].length;
    return value.slice(0, 6) + "*".repeat(Math.max(0, n - 10)) + value.slice(-4);
  }
  if (/^1\d{10}$/.test(value)) return value.slice(0, 3) + "****" + value.slice(-4);
  const chars = [...value]; // by code point: names and addresses may hold characters outside the BMP
  const n = chars.length;
  if (item.code === "XM" || item.code.endsWith("XM") || item.name.includes("姓名"))
    return n <= 1 ? "*" : chars[0] + "*".repeat(n - 1);
  const keep = Math.max(1, Math.floor(n / 4));
  return n <= 1 ? "*" : chars.slice(0, keep).join("") + "*".repeat(n - keep);
}
