// The licence file itself (heavy: pdf-lib, fontkit, HarfBuzz, QR) — loaded on first use through licence-file.ts.
import {
  PDFDocument,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFString,
  degrees,
  rgb,
  type PDFFont,
  type PDFPage,
  type RGB,
} from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { cjkFonts } from "./font-subset.js";
import QRCode from "qrcode";
import { CORE_KEYS, type LicenceType } from "./catalogue.js";
import {
  ANNOTATION_KEYS,
  annotationLine,
  FOOT_NOTE,
  licenceRows,
  licenceTitle,
  printedText,
  wrapText,
  zhDate,
  type Annotation,
} from "./licence-layout.js";
import type { Licence, LicenceEnv } from "./licences.js";
import { FILE_UNREADABLE, fileVerdict, type FileVerification } from "./file-verdict.js";
import { licenceFileName } from "./licence-file.js";

/**
 * What the e-licence platform needs from the e-seal platform (in-process, never HTTP to itself; architecture §3).
 * The lead plugs the real e-seal service in; tests use a fake.
 */
export interface LicenceSealer {
  /** Seal a document with the organisation's e-seal: a GB/T 38540 SES_Signature (DER) over the document. */
  sealDocument(
    orgUscc: string,
    document: Buffer,
    propertyInfo: string,
    now: Date,
  ): Promise<{ signature: Buffer; sealId: string; sealName: string }>;
  /** Verify an SES_Signature over a document: PASSED / FAILED / INDETERMINATE with per-check details (facts §8.3). */
  verify(signature: Buffer, document: Buffer): Promise<SealVerification>;
}

export type { FileVerification } from "./file-verdict.js";

export interface SealVerification {
  result: "PASSED" | "FAILED" | "INDETERMINATE";
  subIndication?: string;
  checks: { id: string; result: string; zh: string; en: string }[];
  /** What the e-seal platform read from the signature: the signer certificate's subject (serialNumber = USCC). */
  signature?: { signer?: Record<string, string> | null };
}

// ---------------------------------------------------------------------------------------------------------------
// Fonts: Noto Serif SC renders the Chinese text; each document embeds a HarfBuzz subset holding only the
// characters it prints (font-subset.ts), so a licence PDF stays small.

/** Every fixed string the layout prints, so the font subset holds its characters. */
const LAYOUT_TEXT =
  "扫码核验证照编号：版本号（电子证照）持证主体代码有效期限至长期颁发机构日期年月日证照标识电子证照专用章仅供使用" +
  "本证照为电子证照，与纸质证照具有同等法律效力；可扫描二维码或凭证照标识核验。0123456789.-_ ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// ---------------------------------------------------------------------------------------------------------------
// Layout helpers.

const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0.1, 0.1, 0.12);
const FRAME = rgb(0.62, 0.13, 0.12);
const SEAL_RED = rgb(0.86, 0.1, 0.1);
const LABEL_BG = rgb(0.96, 0.94, 0.9);
const GRID = rgb(0.35, 0.3, 0.28);

/** Split text into lines no wider than `width` at this font and size (licence-layout.ts wrapText). */
const wrap = (text: string, font: PDFFont, size: number, width: number): string[] =>
  wrapText(text, width, (ch) => font.widthOfTextAtSize(ch, size));

function drawCentered(
  page: PDFPage,
  text: string,
  y: number,
  font: PDFFont,
  size: number,
  color: RGB = INK,
  spacing = 0,
): void {
  const chars = [...text];
  const width = font.widthOfTextAtSize(text, size) + spacing * (chars.length - 1);
  let x = (A4[0] - width) / 2;
  if (!spacing) return page.drawText(text, { x, y, size, font, color });
  for (const ch of chars) {
    page.drawText(ch, { x, y, size, font, color });
    x += font.widthOfTextAtSize(ch, size) + spacing;
  }
}

/** The QR code of `text`, drawn as vector squares (crisp at any zoom), with its quiet zone left white. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  // One path for all dark modules (runs merged per row): far fewer operators than a rectangle per module.
  let path = "";
  const f = (v: number) => v.toFixed(3);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n;) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      let e = c;
      while (e < n && qr.modules.get(r, e)) e++;
      const w = (e - c) * cell + 0.05;
      path += `M${f((quiet + c) * cell)} ${f((quiet + r) * cell)}h${f(w)}v${f(cell + 0.05)}h${f(-w)}z`;
      c = e;
    }
  }
  // drawSvgPath puts the SVG origin at (x, y) with y pointing down, so anchor it at the box's top edge.
  page.drawSvgPath(path, { x, y: y + size, color: rgb(0, 0, 0) });
}

/** A round official-seal mark (the visible face of the e-seal; the SES_Signature itself travels with the file). */
function drawSealMark(page: PDFPage, cx: number, cy: number, issuer: string, font: PDFFont): void {
  const R = 46;
  page.drawCircle({ x: cx, y: cy, size: R, borderColor: SEAL_RED, borderWidth: 2.6, opacity: 0, borderOpacity: 0.85 });
  page.drawCircle({
    x: cx,
    y: cy,
    size: R - 4,
    borderColor: SEAL_RED,
    borderWidth: 0.6,
    opacity: 0,
    borderOpacity: 0.85,
  });
  // Five-pointed star in the centre.
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const rad = i % 2 === 0 ? 13 : 5.2;
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(rad * Math.cos(a)).toFixed(2)} ${(-rad * Math.sin(a)).toFixed(2)}`);
  }
  page.drawSvgPath(`M ${pts.join(" L ")} Z`, { x: cx, y: cy, color: SEAL_RED, opacity: 0.85 });
  // Issuer name along the upper arc, each character turned to face the centre.
  const chars = [...issuer];
  const size = chars.length > 14 ? 8.5 : 10;
  const span = Math.min(250, chars.length * 17) * (Math.PI / 180);
  const r = R - 15;
  chars.forEach((ch, i) => {
    const a = Math.PI / 2 + span / 2 - (chars.length === 1 ? span / 2 : (i * span) / (chars.length - 1));
    const w = font.widthOfTextAtSize(ch, size);
    const rot = a - Math.PI / 2;
    // Place the glyph so that its centre sits on the arc.
    const gx = cx + r * Math.cos(a) - (w / 2) * Math.cos(rot) + (size / 3) * Math.sin(rot);
    const gy = cy + r * Math.sin(a) - (w / 2) * Math.sin(rot) - (size / 3) * Math.cos(rot);
    page.drawText(ch, {
      x: gx,
      y: gy,
      size,
      font,
      color: SEAL_RED,
      rotate: degrees((rot * 180) / Math.PI),
      opacity: 0.85,
    });
  });
  const label = "电子证照专用章";
  page.drawText(label, {
    x: cx - font.widthOfTextAtSize(label, 7.5) / 2,
    y: cy - 27,
    size: 7.5,
    font,
    color: SEAL_RED,
    opacity: 0.85,
  });
}

/** Diagonal, light text across the page: the purpose of use, so a downloaded copy shows what it was fetched for (§4.5). */
function drawWatermark(page: PDFPage, text: string, font: PDFFont): void {
  const size = 18;
  const w = font.widthOfTextAtSize(text, size) + 60;
  for (let y = -200; y < A4[1] + 200; y += 120)
    for (let x = -300 + ((y / 120) % 2) * (w / 2); x < A4[0] + 100; x += w)
      page.drawText(text, { x, y, size, font, color: rgb(0.45, 0.45, 0.5), opacity: 0.16, rotate: degrees(30) });
}

export type { Annotation } from "./licence-layout.js";

export interface RenderOptions {
  /** Creation time written into the PDF (tenant clock), so the same licence renders to the same bytes. */
  now: number;
  /** Purpose of use (useCause, ≤ 200 chars) to watermark on a downloaded copy (facts §4.5). */
  watermark?: string;
  /** Annotated copy (加注件, facts §4.3): printed at the foot and written as JZJZZSJ/JZJZZZ/JZJZZSY/JZJYXQJZSJ. */
  annotation?: Annotation;
}

/** The label/value table from `top` down, lines wrapped to the columns; answers the table's bottom. */
function drawFieldTable(
  page: PDFPage,
  rows: ReturnType<typeof licenceRows>,
  regular: PDFFont,
  left: number,
  right: number,
  top: number,
): number {
  const labelW = 118,
    size = 11,
    lead = 16,
    pad = 8;
  const valueW = right - left - labelW - 2 * pad;
  const laid = rows.map(([label, value]) => {
    const lines = wrap(value ?? "", regular, size, valueW);
    const labelLines = wrap(label, regular, size, labelW - 2 * pad);
    return { labelLines, lines, h: Math.max(lines.length, labelLines.length) * lead + 2 * pad - 4 };
  });
  const bottom = top - laid.reduce((a, r) => a + r.h, 0);
  page.drawRectangle({ x: left, y: bottom, width: labelW, height: top - bottom, color: LABEL_BG });
  let y = top;
  for (const r of laid) {
    r.labelLines.forEach((ln, i) =>
      page.drawText(ln, { x: left + pad, y: y - pad - size + 1 - i * lead, size, font: regular, color: INK }),
    );
    r.lines.forEach((ln, i) =>
      page.drawText(ln, { x: left + labelW + pad, y: y - pad - size + 1 - i * lead, size, font: regular, color: INK }),
    );
    y -= r.h;
    page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.5, color: GRID });
  }
  page.drawLine({ start: { x: left + labelW, y: top }, end: { x: left + labelW, y }, thickness: 0.5, color: GRID });
  page.drawRectangle({ x: left, y, width: right - left, height: top - y, borderColor: GRID, borderWidth: 1.2 });
  return y;
}

/** Metadata: the GB/T 36903 keys in the document information dictionary, as GB/T 36905 puts them in OFD CustomData. */
function writeMetadata(doc: PDFDocument, licence: Licence, title: string, opts: RenderOptions): void {
  const at = new Date(opts.now);
  doc.setTitle(title);
  doc.setSubject(licence.id);
  doc.setAuthor(licence.data.ZZBFJG ?? "");
  doc.setKeywords([licence.id, licence.data.ZZLXDM ?? "", licence.data.ZZBH ?? ""]);
  doc.setCreator("gatesim e-licence");
  doc.setProducer("gatesim (pdf-lib)");
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  for (const [k, v] of Object.entries(licence.data))
    if (CORE_KEYS.has(k) || k.startsWith("KZ_")) info.set(PDFName.of(k), PDFHexString.fromText(v));
  if (opts.watermark) info.set(PDFName.of("YZSY"), PDFHexString.fromText(opts.watermark));
  if (opts.annotation)
    for (const k of ANNOTATION_KEYS) info.set(PDFName.of(k), PDFHexString.fromText(opts.annotation[k]));
}

/** The licence as a one-page A4 PDF with its GB/T 36903 metadata in the document information dictionary. */
export async function renderLicencePdf(
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  opts: RenderOptions,
): Promise<Uint8Array> {
  const f = cjkFonts();
  const d = licence.data;
  const title = licenceTitle(licence, type);
  const printed =
    LAYOUT_TEXT +
    printedText(licence, type, [opts.watermark ?? "", opts.annotation ? annotationLine(opts.annotation) : ""]);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(await f.regular.subset(printed), { subset: false });
  const bold = await doc.embedFont(await f.bold.subset(title), { subset: false });
  const page = doc.addPage(A4);
  const [W, H] = A4;

  // Frame: a heavy outer rule and a fine inner one.
  page.drawRectangle({ x: 22, y: 22, width: W - 44, height: H - 44, borderColor: FRAME, borderWidth: 3 });
  page.drawRectangle({ x: 29, y: 29, width: W - 58, height: H - 58, borderColor: FRAME, borderWidth: 0.8 });

  // Header: licence number top-left, QR top-right, title centred.
  const qrSize = 92;
  drawQr(page, licence.id, W - 50 - qrSize, H - 52 - qrSize, qrSize);
  const scan = "扫码核验";
  page.drawText(scan, {
    x: W - 50 - qrSize / 2 - regular.widthOfTextAtSize(scan, 8) / 2,
    y: H - 64 - qrSize,
    size: 8,
    font: regular,
    color: INK,
  });
  page.drawText(`证照编号：${d.ZZBH ?? ""}`, { x: 50, y: H - 62, size: 9.5, font: regular, color: INK });
  page.drawText(`版本号：${licence.version}`, { x: 50, y: H - 78, size: 9.5, font: regular, color: INK });
  const tSize = [...title].length > 8 ? 24 : 32;
  drawCentered(page, title, H - 150, bold, tSize, INK, [...title].length > 8 ? 2 : 14);
  drawCentered(page, "（电子证照）", H - 176, regular, 12, INK);

  // Field table.
  const left = 58,
    right = W - 58;
  const y = drawFieldTable(page, licenceRows(licence, type), regular, left, right, H - 205);

  // Issuer and date bottom-right, the seal mark over them as on paper licences.
  const by = Math.max(y - 95, 120);
  const issuerLine = `颁发机构：${d.ZZBFJG ?? ""}`;
  const dateLine = zhDate(d.ZZBFRQ);
  const bx = right - Math.max(regular.widthOfTextAtSize(issuerLine, 12), regular.widthOfTextAtSize(dateLine, 12));
  page.drawText(issuerLine, { x: bx, y: by, size: 12, font: regular, color: INK });
  page.drawText(dateLine, {
    x: right - regular.widthOfTextAtSize(dateLine, 12),
    y: by - 22,
    size: 12,
    font: regular,
    color: INK,
  });
  drawSealMark(page, right - 70, by - 2, d.ZZBFJG ?? "", regular);

  // Identifier and a note on verification at the foot.
  const idLine = `证照标识：${licence.id}`;
  page.drawText(idLine, {
    x: (W - regular.widthOfTextAtSize(idLine, 8.5)) / 2,
    y: 62,
    size: 8.5,
    font: regular,
    color: INK,
  });
  page.drawText(FOOT_NOTE, {
    x: (W - regular.widthOfTextAtSize(FOOT_NOTE, 8)) / 2,
    y: 46,
    size: 8,
    font: regular,
    color: rgb(0.4, 0.4, 0.42),
  });

  if (opts.annotation) {
    wrap(annotationLine(opts.annotation), regular, 8, W - 120)
      .slice(0, 2)
      .forEach((ln, i) => page.drawText(ln, { x: 60, y: 84 - i * 10, size: 8, font: regular, color: FRAME }));
  }
  if (opts.watermark) drawWatermark(page, `仅供${opts.watermark}使用`, regular);

  writeMetadata(doc, licence, title, opts);
  return doc.save({ useObjectStreams: false });
}

export interface LicenceFile {
  fileName: string;
  pdf: Buffer;
  /** SES_Signature (DER) by the issuer's e-seal over the PDF bytes. */
  signature: Buffer;
  sealId: string;
  sealName: string;
  /** Signing time (ZZQZSJ). */
  signedAt: number;
}

/** Render the licence and seal it with the issuing organisation's e-seal; propertyInfo is the file name. */
export async function makeLicenceFile(
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  sealer: LicenceSealer,
  opts: RenderOptions,
): Promise<LicenceFile> {
  const pdf = Buffer.from(await renderLicencePdf(licence, type, opts));
  const fileName = licenceFileName(licence);
  const sealed = await sealer.sealDocument(licence.issuerCode, pdf, fileName, new Date(opts.now));
  return {
    fileName,
    pdf,
    signature: sealed.signature,
    sealId: sealed.sealId,
    sealName: sealed.sealName,
    signedAt: opts.now,
  };
}

/** The GB/T 36903 metadata carried in a licence PDF's information dictionary (empty when it has none). */
export async function readLicenceFileInfo(pdf: Uint8Array): Promise<Record<string, string>> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const ref = doc.context.trailerInfo.Info;
  const info = ref ? doc.context.lookup(ref) : undefined;
  const out: Record<string, string> = {};
  if (!(info instanceof PDFDict)) return out;
  for (const [k, v] of info.entries()) {
    const key = k.decodeText();
    if (
      (CORE_KEYS.has(key) || key.startsWith("KZ_") || key === "YZSY" || key.startsWith("JZJ")) &&
      (v instanceof PDFHexString || v instanceof PDFString)
    )
      out[key] = v.decodeText();
  }
  return out;
}

/**
 * Verify a licence PDF: the e-seal signature over the bytes (sealer.verify) and the licence's status now — a
 * revoked, superseded, expired or withheld licence fails even when its seal is intact (file-verdict.ts).
 */
export async function verifyLicenceFile(
  env: LicenceEnv,
  file: { pdf: Uint8Array; signature: Buffer },
  sealer: LicenceSealer,
  opts: { now: number },
): Promise<FileVerification> {
  const seal = await sealer.verify(file.signature, Buffer.from(file.pdf));
  let info: Record<string, string> | undefined;
  try {
    info = await readLicenceFileInfo(file.pdf);
  } catch {
    info = undefined;
  }
  return fileVerdict(env, info, seal, { ...opts, unreadable: FILE_UNREADABLE.pdf });
}
