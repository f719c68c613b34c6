// What a licence file prints, whatever its format (licence-pdf.ts, licence-ofd.ts): the rows of its field table, its
// dates, the annotation line of an annotated copy. No rendering library here, so both formats share it.
import { LONG_TERM, type LicenceItem, type LicenceType } from "./catalogue.js";
import type { Licence } from "./licences.js";

/** 2024-05-01 → 2024年05月01日, as dates are printed on Chinese licences. */
export function zhDate(date: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? "");
  return m ? `${m[1]}年${m[2]}月${m[3]}日` : (date ?? "");
}

function itemValue(item: LicenceItem, v: string | undefined): string {
  if (!v) return "";
  if (item.type === "date") return zhDate(v);
  return item.unit ? `${v} ${item.unit}` : v;
}

/** The field table: label and value per row, in print order. */
export function licenceRows(licence: Licence, type: Pick<LicenceType, "name" | "items">): [string, string][] {
  const d = licence.data;
  return [
    ["持证主体", d.CZZT],
    [d.CZZTDMLX || "持证主体代码", d.CZZTDM],
    ...type.items.filter((i) => d[i.key]).map((i): [string, string] => [i.zh, itemValue(i, d[i.key])]),
    // Keys outside the type's items (kept by the platform) are printed too, so the file shows all the data.
    ...Object.keys(d)
      .filter((k) => k.startsWith("KZ_") && !type.items.some((i) => i.key === k))
      .map((k): [string, string] => [k, d[k]]),
    [
      "有效期限",
      `${zhDate(d.ZZYXQQSRQ)} 至 ${d.ZZYXQJZRQ === LONG_TERM || !d.ZZYXQJZRQ ? "长期" : zhDate(d.ZZYXQJZRQ)}`,
    ],
    ["颁发机构", d.ZZBFJG],
    ["颁发机构代码", d.ZZBFJGDM],
    ["颁发日期", zhDate(d.ZZBFRQ)],
  ];
}

/** The annotation items of an annotated copy (加注件): made at, by whom, why, valid until (facts §4.3). */
export interface Annotation {
  JZJZZSJ: string;
  JZJZZZ: string;
  JZJZZSY: string;
  JZJYXQJZSJ: string;
}

export const ANNOTATION_KEYS = ["JZJZZSJ", "JZJZZZ", "JZJZZSY", "JZJYXQJZSJ"] as const;

export function annotationLine(a: Annotation): string {
  return `加注件：${a.JZJZZZ}于${a.JZJZZSJ}制作，事由：${a.JZJZZSY}，有效期至${a.JZJYXQJZSJ}`;
}

/** The title a licence prints: its own name, else its type's. */
export const licenceTitle = (licence: Licence, type: Pick<LicenceType, "name">): string =>
  licence.data.ZZMC ?? type.name;

/** The note at the foot of every licence file. */
export const FOOT_NOTE = "本证照为电子证照，与纸质证照具有同等法律效力；可扫描二维码或凭证照标识核验。";

/** Every character a licence file prints besides its fixed layout text (so a font subset can hold them). */
export function printedText(licence: Licence, type: Pick<LicenceType, "name" | "items">, extra: string[]): string {
  const d = licence.data;
  return (
    Object.values(d).join("") +
    type.items.map((i) => i.zh + (i.unit ?? "")).join("") +
    Object.keys(d).join("") +
    extra.join("")
  );
}

/** Split text into lines no wider than `width` as `widthOf` measures a character (CJK breaks between any two). */
export function wrapText(text: string, width: number, widthOf: (ch: string) => number): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = "";
    let w = 0;
    for (const ch of para) {
      const cw = widthOf(ch);
      if (w + cw > width && line) {
        lines.push(line);
        line = "";
        w = 0;
      }
      line += ch;
      w += cw;
    }
    lines.push(line);
  }
  return lines;
}
