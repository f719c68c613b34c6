// The licence as an OFD file (GB/T 33190-2016, the national fixed-layout format real e-licences travel in), with the
// issuer's seal embedded as an OFD electronic signature whose value is a GB/T 38540 SES_Signature (facts §4.2, §3.3).
// Zip by fflate and XML by fast-xml-parser: no zip or XML writer of our own. Loaded on first use (licence-file.ts).
//
// The package (paths as the standard's examples and ofdrw write them):
//   OFD.xml                              entry: DocInfo (GB/T 36903 metadata as CustomData, GB/T 36905), DocRoot, Signatures
//   Doc_0/Document.xml                   CommonData (page area, resources), Pages
//   Doc_0/PublicRes.xml                  fonts: referenced by name, not embedded (CT_Font's FontFile is optional)
//   Doc_0/DocumentRes.xml, Res/qr.png    the QR code with the licence identifier, as an image resource
//   Doc_0/Pages/Page_0/Content.xml       one A4 page: frame, text objects, the QR image
//   Doc_0/Signs/Signatures.xml           the signature list
//   Doc_0/Signs/Sign_0/Signature.xml     SignedInfo: provider, SM2-with-SM3, time, References (SM3 per file), StampAnnot
//   Doc_0/Signs/Sign_0/SignedValue.dat   DER SES_Signature over Signature.xml (GB/T 38540 §7: the original is the file)
import { createHash } from "node:crypto";
import { strToU8, zipSync, type Zippable } from "fflate";
import { XMLBuilder } from "fast-xml-parser";
import {
  OFD_NS,
  ofdFail,
  ofdPass,
  readOfdSignature,
  sm3Base64 as sm3,
  SM2_SM3_OID,
  SM3_OID,
  type OfdCheck,
} from "../shared/ofd-signature.js";
import QRCode from "qrcode";
import { CORE_KEYS, type LicenceType } from "./catalogue.js";
import type { LicenceSealer, SealVerification } from "./licence-pdf.js";
import {
  ANNOTATION_KEYS,
  annotationLine,
  FOOT_NOTE,
  licenceRows,
  licenceTitle,
  wrapText,
  zhDate,
  type Annotation,
} from "./licence-layout.js";
import type { Licence, LicenceEnv } from "./licences.js";
import { FILE_UNREADABLE, fileVerdict, type FileVerification } from "./file-verdict.js";

export { OFD_NS, SM2_SM3_OID, SM3_OID, type OfdCheck } from "../shared/ofd-signature.js";
export const SIGNATURE_XML = "/Doc_0/Signs/Sign_0/Signature.xml";
export const SIGNED_VALUE = "/Doc_0/Signs/Sign_0/SignedValue.dat";
const SIGNATURES_XML = "/Doc_0/Signs/Signatures.xml";

export interface OfdOptions {
  /** Creation and signing time (tenant clock): the same licence and time give the same file. */
  now: number;
  watermark?: string;
  annotation?: Annotation;
}

/** Seal an original (here Signature.xml) with the chosen organisation's e-seal: a DER SES_Signature. */
export type SealOriginal = (
  original: Buffer,
  propertyInfo: string,
) => Promise<{ signature: Buffer; sealId: string; sealName: string }>;

export interface OfdLicenceFile {
  fileName: string;
  ofd: Buffer;
  /** The SES_Signature inside (SignedValue.dat), for callers that report the seal. */
  signature: Buffer;
  sealId: string;
  sealName: string;
  signedAt: number;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: true });
/** One XML file: declaration, the root element with the OFD namespace. */
function xml(root: string, body: Record<string, unknown>): Uint8Array {
  return strToU8(
    builder.build({
      "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
      [root]: { "@_xmlns:ofd": OFD_NS, ...body },
    }),
  );
}

const mm = (n: number) => Number(n.toFixed(2));
const box = (x: number, y: number, w: number, h: number) => [x, y, w, h].map(mm).join(" ");

/** Per-glyph advances: CJK and full-width characters one em, the rest half (the reference font is monospaced so). */
function advances(text: string, size: number): number[] {
  return [...text].map((c) => (c.codePointAt(0)! >= 0x2e80 ? size : size / 2));
}

/** Lines of at most `width` mm at `size`. */
const wrapMm = (text: string, size: number, width: number): string[] =>
  wrapText(text, width, (c) => advances(c, size)[0]);

interface Page {
  texts: Record<string, unknown>[];
  paths: Record<string, unknown>[];
  nextId: () => number;
}

function text(p: Page, s: string, x: number, y: number, size: number, color = "26 26 31"): void {
  const adv = advances(s, size);
  const w = adv.reduce((a, b) => a + b, 0);
  p.texts.push({
    "@_ID": p.nextId(),
    "@_Boundary": box(x, y - size, w + size, size * 1.4),
    "@_Font": FONT_ID,
    "@_Size": mm(size),
    "ofd:FillColor": { "@_Value": color },
    "ofd:TextCode": { "@_X": 0, "@_Y": mm(size), "@_DeltaX": adv.slice(0, -1).map(mm).join(" "), "#text": s },
  });
}

const centred = (p: Page, s: string, y: number, size: number) =>
  text(p, s, (A4_W - advances(s, size).reduce((a, b) => a + b, 0)) / 2, y, size);

function rect(p: Page, x: number, y: number, w: number, h: number, width: number, color: string): void {
  p.paths.push({
    "@_ID": p.nextId(),
    "@_Boundary": box(x, y, w, h),
    "@_LineWidth": width,
    "ofd:StrokeColor": { "@_Value": color },
    "ofd:AbbreviatedData": `M 0 0 L ${mm(w)} 0 L ${mm(w)} ${mm(h)} L 0 ${mm(h)} C`,
  });
}

const A4_W = 210,
  A4_H = 297;
const FONT_ID = 2,
  QR_ID = 3;
const FRAME = "158 33 31";
const QR = { x: 164, y: 16, size: 30 };

/** The page: frame, header, field table, issuer, identifier and notes — the PDF's layout in millimetres. */
function pageContent(licence: Licence, type: Pick<LicenceType, "name" | "items">, opts: OfdOptions) {
  let id = 10;
  const p: Page = { texts: [], paths: [], nextId: () => id++ };
  const d = licence.data;
  rect(p, 8, 8, A4_W - 16, A4_H - 16, 1, FRAME);
  rect(p, 10.5, 10.5, A4_W - 21, A4_H - 21, 0.3, FRAME);
  text(p, `证照编号：${d.ZZBH ?? ""}`, 18, 24, 3.4);
  text(p, `版本号：${licence.version}`, 18, 30, 3.4);
  text(p, "扫码核验", QR.x + QR.size / 2 - 5.6, QR.y + QR.size + 4, 2.8);
  const title = licenceTitle(licence, type);
  centred(p, title, 56, [...title].length > 8 ? 8.5 : 11);
  centred(p, "（电子证照）", 65, 4.2);
  let y = 76;
  const size = 3.9,
    lead = 5.6;
  for (const [label, value] of licenceRows(licence, type)) {
    const lines = wrapMm(value ?? "", size, 120);
    const labels = wrapMm(label, size, 34);
    const h = Math.max(lines.length, labels.length) * lead + 3;
    labels.forEach((l, i) => text(p, l, 23, y + 2 + size + i * lead, size));
    lines.forEach((l, i) => text(p, l, 65, y + 2 + size + i * lead, size));
    rect(p, 20, y, A4_W - 40, h, 0.2, "89 77 71");
    y += h;
  }
  const issuer = `颁发机构：${d.ZZBFJG ?? ""}`;
  const by = Math.min(y + 30, 255);
  text(p, issuer, A4_W - 20 - advances(issuer, 4.2).reduce((a, b) => a + b, 0), by, 4.2);
  const date = zhDate(d.ZZBFRQ);
  text(p, date, A4_W - 20 - advances(date, 4.2).reduce((a, b) => a + b, 0), by + 7, 4.2);
  if (opts.annotation) text(p, annotationLine(opts.annotation).slice(0, 60), 21, 262, 2.8, FRAME);
  if (opts.watermark) centred(p, `仅供${opts.watermark}使用`, 150, 6);
  centred(p, `证照标识：${licence.id}`, 276, 3);
  centred(p, FOOT_NOTE, 282, 2.8);
  const stamp = box(A4_W - 20 - 42, by - 24, 42, 42);
  const content = {
    "ofd:Content": {
      "ofd:Layer": {
        "@_ID": id++,
        "@_Type": "Body",
        "ofd:PathObject": p.paths,
        "ofd:TextObject": p.texts,
        "ofd:ImageObject": {
          "@_ID": id++,
          "@_Boundary": box(QR.x, QR.y, QR.size, QR.size),
          "@_CTM": `${QR.size} 0 0 ${QR.size} 0 0`,
          "@_ResourceID": QR_ID,
        },
      },
    },
  };
  return { content, maxId: id, stamp };
}

/** GB/T 36903 metadata as OFD CustomData (GB/T 36905 §5): the core keys, extensions, watermark, annotation. */
function customData(licence: Licence, opts: OfdOptions): { "@_Name": string; "#text": string }[] {
  const out = Object.entries(licence.data)
    .filter(([k]) => CORE_KEYS.has(k) || k.startsWith("KZ_"))
    .map(([k, v]) => ({ "@_Name": k, "#text": v }));
  if (opts.watermark) out.push({ "@_Name": "YZSY", "#text": opts.watermark });
  if (opts.annotation) for (const k of ANNOTATION_KEYS) out.push({ "@_Name": k, "#text": opts.annotation[k] });
  return out;
}

const at = (now: number) => new Date(now + 8 * 3_600_000).toISOString().replace("T", " ").slice(0, 19);

/** The unsigned package: every file but the signature's own two. Paths without the leading "/". */
async function packageFiles(licence: Licence, type: Pick<LicenceType, "name" | "items">, opts: OfdOptions) {
  const { content, maxId, stamp } = pageContent(licence, type, opts);
  const files: Record<string, Uint8Array> = {
    "OFD.xml": xml("ofd:OFD", {
      "@_Version": "1.2",
      "@_DocType": "OFD",
      "ofd:DocBody": {
        "ofd:DocInfo": {
          "ofd:DocID": createHash("sm3").update(licence.id).digest("hex").slice(0, 32),
          "ofd:Title": licenceTitle(licence, type),
          "ofd:Author": licence.data.ZZBFJG ?? "",
          "ofd:Subject": licence.id,
          "ofd:CreationDate": at(opts.now).slice(0, 10),
          "ofd:Creator": "gatesim e-licence",
          "ofd:CreatorVersion": "1.0",
          "ofd:CustomDatas": { "ofd:CustomData": customData(licence, opts) },
        },
        "ofd:DocRoot": "Doc_0/Document.xml",
        "ofd:Signatures": SIGNATURES_XML.slice(1),
      },
    }),
    "Doc_0/Document.xml": xml("ofd:Document", {
      "ofd:CommonData": {
        "ofd:MaxUnitID": maxId,
        "ofd:PageArea": { "ofd:PhysicalBox": `0 0 ${A4_W} ${A4_H}` },
        "ofd:PublicRes": "PublicRes.xml",
        "ofd:DocumentRes": "DocumentRes.xml",
      },
      "ofd:Pages": { "ofd:Page": [{ "@_ID": 1, "@_BaseLoc": "Pages/Page_0/Content.xml" }] },
    }),
    "Doc_0/PublicRes.xml": xml("ofd:Res", {
      "@_BaseLoc": "Res",
      "ofd:Fonts": { "ofd:Font": { "@_ID": FONT_ID, "@_FontName": "宋体", "@_FamilyName": "宋体" } },
    }),
    "Doc_0/DocumentRes.xml": xml("ofd:Res", {
      "@_BaseLoc": "Res",
      "ofd:MultiMedias": {
        "ofd:MultiMedia": { "@_ID": QR_ID, "@_Type": "Image", "@_Format": "PNG", "ofd:MediaFile": "qr.png" },
      },
    }),
    "Doc_0/Res/qr.png": await QRCode.toBuffer(licence.id, { type: "png", margin: 1, scale: 4 }),
    "Doc_0/Pages/Page_0/Content.xml": xml("ofd:Page", content),
    [SIGNATURES_XML.slice(1)]: xml("ofd:Signatures", {
      "ofd:MaxSignId": 1,
      "ofd:Signature": [{ "@_ID": "1", "@_Type": "Seal", "@_BaseLoc": SIGNATURE_XML }],
    }),
  };
  return { files, stamp };
}

/**
 * Signature.xml over `files`: a Reference with the SM3 digest (base64) of every file of the package — Signatures.xml
 * included, nothing can be added later (ofdrw's SignMode.WholeProtected) — and the stamp annotation on page 1.
 */
function signatureXml(files: Record<string, Uint8Array>, stamp: string, now: number, provider: string): Uint8Array {
  return xml("ofd:Signature", {
    "ofd:SignedInfo": {
      "ofd:Provider": { "@_ProviderName": provider, "@_Company": "gatesim", "@_Version": "1.0" },
      "ofd:SignatureMethod": SM2_SM3_OID,
      "ofd:SignatureDateTime": at(now),
      "ofd:References": {
        "@_CheckMethod": SM3_OID,
        "ofd:Reference": Object.keys(files)
          .sort()
          .map((path) => ({ "@_FileRef": `/${path}`, "ofd:CheckValue": sm3(files[path]) })),
      },
      "ofd:StampAnnot": { "@_ID": "1", "@_PageRef": "1", "@_Boundary": stamp },
    },
    "ofd:SignedValue": SIGNED_VALUE,
  });
}

/** Deterministic zip (fixed entry times): the same licence, time and seal give the same bytes. */
function zip(files: Record<string, Uint8Array>, now: number): Buffer {
  const mtime = new Date(Math.max(now, Date.UTC(1980, 0, 2)));
  const entries: Zippable = {};
  for (const [path, data] of Object.entries(files)) entries[path] = [data, { mtime, level: 6 }];
  return Buffer.from(zipSync(entries));
}

/** Render the licence as OFD and seal it: the SES_Signature over Signature.xml is SignedValue.dat. */
export async function makeLicenceOfd(
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  seal: SealOriginal,
  opts: OfdOptions,
): Promise<OfdLicenceFile> {
  const { files, stamp } = await packageFiles(licence, type, opts);
  const sigXml = signatureXml(files, stamp, opts.now, "gatesim e-licence");
  const sealed = await seal(Buffer.from(sigXml), SIGNATURE_XML);
  files[SIGNATURE_XML.slice(1)] = sigXml;
  files[SIGNED_VALUE.slice(1)] = sealed.signature;
  return {
    fileName: `${licence.id}.ofd`,
    ofd: zip(files, opts.now),
    signature: sealed.signature,
    sealId: sealed.sealId,
    sealName: sealed.sealName,
    signedAt: opts.now,
  };
}

export interface OfdVerification {
  result: "PASSED" | "FAILED" | "INDETERMINATE";
  checks: OfdCheck[];
  /** The licence metadata in OFD.xml's CustomData (ZZBS is the identifier). */
  info: Record<string, string>;
  /** The SES verification of SignedValue.dat over Signature.xml, when the package got that far. */
  seal?: SealVerification;
  signature?: Buffer;
}

/**
 * Check an OFD licence file as a relying party does: the package and its signature list, every Reference's SM3
 * digest, no file outside the References (ofd-signature.ts), and the SES_Signature over Signature.xml with its seal
 * (`verify`: signature, certificate, seal validity and status), and that the seal is the issuer's. One check per
 * step; the licence's own status is the caller's.
 */
export async function verifyLicenceOfd(bytes: Uint8Array, verify: LicenceSealer["verify"]): Promise<OfdVerification> {
  const pkg = readOfdSignature(bytes);
  const checks = [...pkg.checks];
  const info = pkg.info ?? {};
  const failed = () => checks.some((c) => c.result === "FAILED");
  if (!pkg.signature || !pkg.signedXml) return { result: "FAILED", checks, info };
  const seal = await verify(pkg.signature, pkg.signedXml);
  const bad = seal.checks.filter((c) => c.result !== "PASSED" && c.result !== "OK");
  checks.push(
    seal.result === "PASSED"
      ? ofdPass(
          "signature",
          "电子签章（SES_Signature）验证通过",
          "the SES_Signature over Signature.xml and its seal are valid",
        )
      : {
          id: "signature",
          result: seal.result,
          zh: `电子签章验证未通过：${bad.map((c) => c.zh).join("；") || seal.result}`,
          en: `the SES_Signature did not verify: ${bad.map((c) => c.en).join("; ") || seal.result}`,
        },
  );
  checks.push(...sealOwner(seal, info));
  return { result: failed() ? "FAILED" : seal.result, checks, info, seal, signature: pkg.signature };
}

/**
 * The seal is the issuing organisation's: its signer certificate names the licence's issuer (serialNumber = USCC,
 * ZZBFJGDM). Without it a valid seal of anybody over a copied Signature.xml would pass. An annotated copy (JZJZZZ)
 * carries the annotating department's seal and is not held to the issuer; a signer the report does not name (a
 * stand-in sealer) is not checked.
 */
function sealOwner(seal: SealVerification, info: Record<string, string>): OfdCheck[] {
  const signer = seal.signature?.signer?.serialNumber;
  if (!signer || !info.ZZBFJGDM || info.JZJZZZ) return [];
  return signer === info.ZZBFJGDM
    ? [ofdPass("seal.owner", "印章属于证照颁发机构", "the seal is the issuing organisation's")]
    : [
        ofdFail(
          "seal.owner",
          `印章属于 ${signer}，不是颁发机构 ${info.ZZBFJGDM}`,
          `the seal belongs to ${signer}, not to the issuer ${info.ZZBFJGDM}`,
        ),
      ];
}

/** The GB/T 36903 metadata in an OFD's CustomData; undefined when the bytes are no readable OFD package. */
export function readLicenceOfdInfo(bytes: Uint8Array): Record<string, string> | undefined {
  return readOfdSignature(bytes).info;
}

/**
 * An OFD licence file as the platform's file verification sees it: the package checks (verifyLicenceOfd), then the
 * licence it names and its status now (file-verdict.ts). `checks` keeps one entry per check for the report.
 */
export async function verifyOfdLicenceFile(
  env: LicenceEnv,
  bytes: Uint8Array,
  verify: LicenceSealer["verify"],
  opts: { now: number },
): Promise<FileVerification & { checks: OfdCheck[] }> {
  const v = await verifyLicenceOfd(bytes, verify);
  const seal: SealVerification = {
    result: v.result,
    ...(v.seal?.subIndication ? { subIndication: v.seal.subIndication } : {}),
    checks: v.checks,
  };
  // a package that could not be read has failed its checks, so the verdict is the seal's before info matters
  const verdict = await fileVerdict(env, v.info, seal, { ...opts, unreadable: FILE_UNREADABLE.ofd });
  return { ...verdict, checks: v.checks };
}
