// Tolerant parser for SESeal / SES_Signature in both GB/T 38540 v4 and GM/T 0031 v1 form (facts §3.2, §3.3):
// accepts OCTET STRING for BIT STRING and GeneralizedTime for UTCTime (and back), as ofdrw does for real seals.
import * as asn1js from "asn1js";

/** A structural problem, with the field path where it was found. */
export class SesFormatError extends Error {
  constructor(
    readonly path: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${path}: ${en}`);
    this.name = "SesFormatError";
  }
}

export interface ParsedSeal {
  version: 1 | 4;
  /** Raw bytes of the whole SESeal and of SES_SealInfo, exactly as in the input. */
  raw: Buffer;
  sealInfoRaw: Buffer;
  header: { id: string; version: number; vid: string };
  esID: string;
  type: number;
  name: string;
  /** 1 = certificate list, 2 = certificate digest list (v1 always has a list). */
  certListType: number;
  certs: Buffer[];
  certDigests: { type: string; value: Buffer }[];
  createDate: Date;
  validStart: Date;
  validEnd: Date;
  picture: { type: string; data: Buffer; widthMm: number; heightMm: number };
  makerCert: Buffer;
  makerAlg: string;
  makerSignature: Buffer;
}

export interface ParsedSignature {
  version: 1 | 4;
  seal: ParsedSeal;
  /** Raw TBS_Sign bytes, what the signature covers. */
  tbsRaw: Buffer;
  /** null when timeInfo holds something other than a time (a v1 timestamp token). */
  signingTime: Date | null;
  dataHash: Buffer;
  propertyInfo: string;
  signerCert: Buffer;
  signatureAlg: string;
  signature: Buffer;
  /** Tolerated deviations from the standard, for the report. */
  deviations: string[];
}

type Node = asn1js.AsnType;

const raw = (n: Node): Buffer => Buffer.from((n as asn1js.BaseBlock).valueBeforeDecodeView);

function parseDer(bytes: Uint8Array, path: string): Node {
  // parseEmbedded off: asn1js would otherwise try to decode every OCTET/BIT STRING (certificates, pictures) as ASN.1.
  const r = asn1js.fromBER(new Uint8Array(bytes), { parseEmbedded: false });
  if (r.offset === -1 || r.result.error) throw new SesFormatError(path, "不是有效的 DER 编码", "not valid DER");
  if (r.offset !== bytes.length)
    throw new SesFormatError(path, "DER 编码后有多余字节", "trailing bytes after the DER value");
  return r.result;
}

function seq(n: Node | undefined, path: string, min: number): Node[] {
  if (!(n instanceof asn1js.Sequence)) throw new SesFormatError(path, "应为 SEQUENCE", "expected a SEQUENCE");
  const items = n.valueBlock.value;
  if (items.length < min)
    throw new SesFormatError(
      path,
      `SEQUENCE 至少应有 ${min} 个元素，实际 ${items.length} 个`,
      `SEQUENCE needs at least ${min} elements, has ${items.length}`,
    );
  return items;
}

function int(n: Node | undefined, path: string): number {
  if (!(n instanceof asn1js.Integer)) throw new SesFormatError(path, "应为 INTEGER", "expected an INTEGER");
  const v = n.toBigInt();
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new SesFormatError(path, "INTEGER 超出范围", "INTEGER out of range");
  return Number(v);
}

function str(n: Node | undefined, path: string, kind: "IA5String" | "UTF8String" | "PrintableString"): string {
  const ok =
    (kind === "IA5String" && n instanceof asn1js.IA5String) ||
    (kind === "UTF8String" && n instanceof asn1js.Utf8String) ||
    (kind === "PrintableString" && n instanceof asn1js.PrintableString);
  if (!ok) throw new SesFormatError(path, `应为 ${kind}`, `expected ${kind}`);
  return (n as asn1js.IA5String).valueBlock.value;
}

function oid(n: Node | undefined, path: string): string {
  if (!(n instanceof asn1js.ObjectIdentifier))
    throw new SesFormatError(path, "应为 OBJECT IDENTIFIER", "expected an OBJECT IDENTIFIER");
  return n.valueBlock.toString();
}

function octets(n: Node | undefined, path: string): Buffer {
  if (!(n instanceof asn1js.OctetString))
    throw new SesFormatError(path, "应为 OCTET STRING", "expected an OCTET STRING");
  return Buffer.from(n.getValue());
}

/** BIT STRING as the standard says, or OCTET STRING as non-standard seals have it (noted as a deviation). */
function bits(n: Node | undefined, path: string, dev: string[]): Buffer {
  if (n instanceof asn1js.BitString) {
    if (n.valueBlock.unusedBits !== 0)
      throw new SesFormatError(path, "BIT STRING 的未用位应为 0", "BIT STRING must have 0 unused bits");
    return Buffer.from(n.valueBlock.valueHexView);
  }
  if (n instanceof asn1js.OctetString) {
    dev.push(`${path}: OCTET STRING 代替 BIT STRING / OCTET STRING instead of BIT STRING`);
    return Buffer.from(n.getValue());
  }
  throw new SesFormatError(path, "应为 BIT STRING", "expected a BIT STRING");
}

/** GeneralizedTime or UTCTime; the one not expected by the version is tolerated and noted. */
function time(n: Node | undefined, path: string, expected: "GeneralizedTime" | "UTCTime", dev: string[]): Date {
  // GeneralizedTime extends UTCTime in asn1js, so test it first.
  const kind = n instanceof asn1js.GeneralizedTime ? "GeneralizedTime" : n instanceof asn1js.UTCTime ? "UTCTime" : null;
  if (!kind) throw new SesFormatError(path, `应为 ${expected}`, `expected ${expected}`);
  if (kind !== expected) dev.push(`${path}: ${kind} 代替 ${expected} / ${kind} instead of ${expected}`);
  const d = (n as asn1js.UTCTime).toDate();
  if (Number.isNaN(d.getTime())) throw new SesFormatError(path, "时间值无效", "invalid time value");
  return d;
}

function parseSealInfo(
  n: Node | undefined,
  path: string,
  dev: string[],
): Omit<ParsedSeal, "version" | "raw" | "makerCert" | "makerAlg" | "makerSignature"> & { layout: 1 | 4 } {
  const [h, esID, prop, pic] = seq(n, path, 4);
  const [hid, hver, hvid] = seq(h, `${path}.header`, 3);
  const header = {
    id: str(hid, `${path}.header.id`, "IA5String"),
    version: int(hver, `${path}.header.version`),
    vid: str(hvid, `${path}.header.vid`, "IA5String"),
  };
  if (header.id !== "ES")
    throw new SesFormatError(`${path}.header.id`, `应为 "ES"，实际 "${header.id}"`, `must be "ES", got "${header.id}"`);
  const p = seq(prop, `${path}.property`, 6);
  // v4 puts certListType (INTEGER) third; v1 goes straight to the certificate list (SEQUENCE).
  const layout: 1 | 4 = p[2] instanceof asn1js.Integer ? 4 : 1;
  const pp = `${path}.property`;
  let certListType = 1;
  const certs: Buffer[] = [];
  const certDigests: { type: string; value: Buffer }[] = [];
  let rest: Node[];
  if (layout === 4) {
    if (p.length < 7) throw new SesFormatError(pp, "v4 印章属性应有 7 个元素", "a v4 property needs 7 elements");
    certListType = int(p[2], `${pp}.certListType`);
    const list = seq(p[3], `${pp}.certList`, 0);
    list.forEach((c, i) => {
      if (certListType === 2) {
        const [t, v] = seq(c, `${pp}.certList[${i}]`, 2);
        certDigests.push({
          type: str(t, `${pp}.certList[${i}].type`, "PrintableString"),
          value: octets(v, `${pp}.certList[${i}].value`),
        });
      } else certs.push(octets(c, `${pp}.certList[${i}]`));
    });
    rest = p.slice(4, 7);
  } else {
    seq(p[2], `${pp}.certList`, 0).forEach((c, i) => certs.push(octets(c, `${pp}.certList[${i}]`)));
    rest = p.slice(3, 6);
  }
  const tk = layout === 4 ? "GeneralizedTime" : "UTCTime";
  const [ptype, pdata, pw, ph] = seq(pic, `${path}.picture`, 4);
  return {
    layout,
    sealInfoRaw: raw(n!),
    header,
    esID: str(esID, `${path}.esID`, "IA5String"),
    type: int(p[0], `${pp}.type`),
    name: str(p[1], `${pp}.name`, "UTF8String"),
    certListType,
    certs,
    certDigests,
    createDate: time(rest[0], `${pp}.createDate`, tk, dev),
    validStart: time(rest[1], `${pp}.validStart`, tk, dev),
    validEnd: time(rest[2], `${pp}.validEnd`, tk, dev),
    picture: {
      type: str(ptype, `${path}.picture.type`, "IA5String"),
      data: octets(pdata, `${path}.picture.data`),
      widthMm: int(pw, `${path}.picture.width`),
      heightMm: int(ph, `${path}.picture.height`),
    },
  };
}

function parseSealNode(n: Node | undefined, path: string, dev: string[]): ParsedSeal {
  const items = seq(n, path, 2);
  const info = parseSealInfo(items[0], `${path}.eSealInfo`, dev);
  const { layout, ...infoFields } = info;
  if (items[1] instanceof asn1js.Sequence) {
    // v1: SESeal { esealInfo, signInfo { cert, signatureAlgorithm, signData } }
    const [c, a, s] = seq(items[1], `${path}.signInfo`, 3);
    return {
      ...infoFields,
      version: 1,
      raw: raw(n!),
      makerCert: octets(c, `${path}.signInfo.cert`),
      makerAlg: oid(a, `${path}.signInfo.signatureAlgorithm`),
      makerSignature: bits(s, `${path}.signInfo.signData`, dev),
    };
  }
  if (items.length < 4) throw new SesFormatError(path, "v4 印章应有 4 个元素", "a v4 SESeal needs 4 elements");
  if (layout !== 4) dev.push(`${path}: v4 印章使用了 v1 属性结构 / v4 seal with a v1 property layout`);
  return {
    ...infoFields,
    version: 4,
    raw: raw(n!),
    makerCert: octets(items[1], `${path}.cert`),
    makerAlg: oid(items[2], `${path}.signAlgID`),
    makerSignature: bits(items[3], `${path}.signedValue`, dev),
  };
}

/** Parses an SESeal (v1 or v4). Throws SesFormatError naming the field. */
export function parseSeal(der: Uint8Array): ParsedSeal {
  const dev: string[] = [];
  return parseSealNode(parseDer(der, "SESeal"), "SESeal", dev);
}

/** v1 timeInfo: a BIT STRING holding a DER UTCTime/GeneralizedTime (ofdrw) or a timestamp token; bare text tolerated. */
function v1Time(bytes: Buffer): Date | null {
  const r = asn1js.fromBER(new Uint8Array(bytes), { parseEmbedded: false });
  if (r.offset === bytes.length && r.result instanceof asn1js.UTCTime) {
    const d = r.result.toDate();
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const text = bytes.toString("latin1");
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m) {
    const y = m[1].length === 2 ? (+m[1] >= 50 ? 1900 : 2000) + +m[1] : +m[1];
    return new Date(Date.UTC(y, +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  }
  return null;
}

/** Parses an SES_Signature (v1 or v4). Throws SesFormatError naming the field. */
export function parseSignature(der: Uint8Array): ParsedSignature {
  const dev: string[] = [];
  const root = parseDer(der, "SES_Signature");
  const items = seq(root, "SES_Signature", 2);
  const tbs = seq(items[0], "SES_Signature.toSign", 5);
  const tp = "SES_Signature.toSign";
  if (items.length === 2) {
    // v1: { toSign { version, eseal, timeInfo, dataHash, propertyInfo, cert, signatureAlgorithm }, signature }
    if (tbs.length < 7) throw new SesFormatError(tp, "v1 TBS_Sign 应有 7 个元素", "a v1 TBS_Sign needs 7 elements");
    const timeBytes = bits(tbs[2], `${tp}.timeInfo`, dev);
    return {
      version: 1,
      seal: parseSealNode(tbs[1], `${tp}.eseal`, dev),
      tbsRaw: raw(items[0]),
      signingTime: v1Time(timeBytes),
      dataHash: bits(tbs[3], `${tp}.dataHash`, dev),
      propertyInfo: str(tbs[4], `${tp}.propertyInfo`, "IA5String"),
      signerCert: octets(tbs[5], `${tp}.cert`),
      signatureAlg: oid(tbs[6], `${tp}.signatureAlgorithm`),
      signature: bits(items[1], "SES_Signature.signature", dev),
      deviations: dev,
    };
  }
  if (items.length < 4)
    throw new SesFormatError("SES_Signature", "v4 签章数据应有 4 个元素", "a v4 SES_Signature needs 4 elements");
  const version = int(tbs[0], `${tp}.version`);
  if (version !== 4) dev.push(`${tp}.version: ${version}（期望 4 / expected 4）`);
  return {
    version: 4,
    seal: parseSealNode(tbs[1], `${tp}.eseal`, dev),
    tbsRaw: raw(items[0]),
    signingTime: time(tbs[2], `${tp}.timeInfo`, "GeneralizedTime", dev),
    dataHash: bits(tbs[3], `${tp}.dataHash`, dev),
    propertyInfo: str(tbs[4], `${tp}.propertyInfo`, "IA5String"),
    signerCert: octets(items[1], "SES_Signature.cert"),
    signatureAlg: oid(items[2], "SES_Signature.signatureAlgID"),
    signature: bits(items[3], "SES_Signature.signature", dev),
    deviations: dev,
  };
}
