// SVG picture of a round Chinese official seal: red ring, organisation name arched over the top, five-pointed star,
// seal type name beneath, seal code along the bottom (the usual look of a 公章; sizes in mm for SES_ESPictrueInfo).

export interface SealPictureOptions {
  orgName: string;
  /** Text under the star, e.g. 合同专用章; omitted for a plain 法定名称章 if empty. */
  typeName?: string;
  /** Small digits along the bottom arc (the 13-digit seal code). */
  code?: string;
  /** Diameter in mm (default 42, the common size of an organisation seal). */
  diameterMm?: number;
  /** Ink colour (default seal red). */
  color?: string;
}

const FONT = "'SimSun','STSong','Songti SC','Noto Serif CJK SC','Source Han Serif SC','Noto Sans CJK SC',serif";
// Drawing units: 10 per mm on a 42 mm reference seal; other diameters scale with the viewBox.
const S = 420;
const C = S / 2;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
const f = (n: number) => (Math.round(n * 100) / 100).toString();
/** Point at radius r and angle a (degrees clockwise from 12 o'clock). */
const pt = (r: number, a: number) => [C + r * Math.sin((a * Math.PI) / 180), C - r * Math.cos((a * Math.PI) / 180)];

function star(r: number, cx: number, cy: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const rr = i % 2 === 0 ? r : r * 0.382; // golden-ratio inner radius gives the regular five-pointed star
    const a = (i * 36 * Math.PI) / 180;
    pts.push(`${f(cx + rr * Math.sin(a))},${f(cy - rr * Math.cos(a))}`);
  }
  return pts.join(" ");
}

/** SVG markup (UTF-8 text). Deterministic: the same options give the same bytes. */
export function renderSealSvg(o: SealPictureOptions): string {
  const mm = o.diameterMm ?? 42;
  const color = o.color ?? "#e60012";
  const ring = 12; // 1.2 mm outer ring, as on physical seals
  const rOuter = C - ring / 2 - 2;
  const inner = rOuter - ring / 2;

  // Name arc: characters spread over up to ~250°, centred on 12 o'clock, glyph tops pointing outward.
  const chars = [...o.orgName];
  const n = Math.max(chars.length, 1);
  // Largest font (≤ 58, about 5.8 mm) whose n glyphs, 1.05 em apart, fit into 250° at the baseline radius.
  const maxSpan = (250 * Math.PI) / 180;
  const fs = Math.min(58, ((inner - 10) * maxSpan) / (n * 1.05 + 0.86 * maxSpan));
  const rName = inner - 10 - fs * 0.86;
  const span = Math.min(250, Math.max(120, (n * fs * 1.05 * (180 / Math.PI)) / rName));
  const [sx, sy] = pt(rName, -span / 2);
  const [ex, ey] = pt(rName, span / 2);
  const nameArc = `M ${f(sx)} ${f(sy)} A ${f(rName)} ${f(rName)} 0 ${span > 180 ? 1 : 0} 1 ${f(ex)} ${f(ey)}`;
  const arcLen = (rName * span * Math.PI) / 180;

  // Code arc along the bottom, read left to right, glyph tops pointing inward.
  const codeFs = 20;
  const rCode = inner - 8;
  const codeSpan = o.code ? Math.min(110, (o.code.length * codeFs * 0.62 * 180) / Math.PI / rCode) : 0;
  const [cx1, cy1] = pt(rCode, 180 + codeSpan / 2);
  const [cx2, cy2] = pt(rCode, 180 - codeSpan / 2);
  const codeArc = `M ${f(cx1)} ${f(cy1)} A ${f(rCode)} ${f(rCode)} 0 0 0 ${f(cx2)} ${f(cy2)}`;

  const typeFs = o.typeName && [...o.typeName].length > 6 ? 36 : 42;
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${mm}mm" height="${mm}mm" viewBox="0 0 ${S} ${S}">`,
    `<title>${esc(o.orgName)}${o.typeName ? " " + esc(o.typeName) : ""}</title>`,
    `<defs><path id="name-arc" d="${nameArc}"/>${o.code ? `<path id="code-arc" d="${codeArc}"/>` : ""}</defs>`,
    `<g fill="${color}" font-family="${esc(FONT)}" font-weight="bold">`,
    `<circle cx="${C}" cy="${C}" r="${f(rOuter)}" fill="none" stroke="${color}" stroke-width="${ring}"/>`,
    `<text font-size="${f(fs)}"><textPath href="#name-arc" xlink:href="#name-arc" textLength="${f(arcLen)}" lengthAdjust="spacing">${esc(o.orgName)}</textPath></text>`,
    `<polygon points="${star(64, C, C - 6)}"/>`,
    o.typeName
      ? `<text x="${C}" y="${f(C + 118)}" font-size="${typeFs}" text-anchor="middle">${esc(o.typeName)}</text>`
      : "",
    o.code
      ? `<text font-size="${codeFs}" font-weight="normal"><textPath href="#code-arc" xlink:href="#code-arc" textLength="${f((rCode * codeSpan * Math.PI) / 180)}" lengthAdjust="spacing">${esc(o.code)}</textPath></text>`
      : "",
    `</g>`,
    `</svg>`,
  ];
  return parts.filter(Boolean).join("\n") + "\n";
}
