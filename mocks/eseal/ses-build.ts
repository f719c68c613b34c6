// Builds GB/T 38540-2020 (v4) and GM/T 0031-2014 (v1) seal and signature structures as DER (facts §3.2, §3.3),
// field-exact after ofdrw's org.ofdrw.gm.ses.v4 / v1 classes, encoded with asn1js.
import * as asn1js from "asn1js";
import { OID_SM2_WITH_SM3 } from "./oids.js";
import { encodeSm2SignatureDer, encodeSm2SignatureRaw, sm2Sign, type Sm2KeyPair } from "./sm2.js";

export interface SealPicture {
  /** GIF / BMP / JPG / SVG / PNG / OFD … */
  type: string;
  data: Uint8Array;
  /** Display size in millimetres. */
  widthMm: number;
  heightMm: number;
}

export interface SealInfoParams {
  /** Vendor id (SES_Header.vid). */
  vid: string;
  /** e-seal identifier (esID), the 13-digit seal code here (facts §8.3). */
  esID: string;
  type: number;
  name: string;
  /** DER certificates bound to the seal (certListType 1 = certificate list). */
  certs: Uint8Array[];
  createDate: Date;
  validStart: Date;
  validEnd: Date;
  picture: SealPicture;
}

/** Deliberate deviations seen in real-world seals, for tests of the tolerant verifier (facts §3.3). */
export interface Deviations {
  /** OCTET STRING where BIT STRING is expected (signature values, dataHash, timeInfo). */
  octetStrings?: boolean;
  /** v1 only: GeneralizedTime where UTCTime is expected. */
  generalizedTime?: boolean;
  /** Raw 64-byte r‖s instead of DER SEQUENCE{r,s}. */
  rawSignature?: boolean;
}

const u8 = (b: Uint8Array): Uint8Array => new Uint8Array(b);
/** DER time values carry whole seconds (X.690 §11.7/§11.8 forbid a trailing-zero fraction; we keep none). */
const whole = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
const gt = (d: Date) => new asn1js.GeneralizedTime({ valueDate: whole(d) });
const utc = (d: Date) => new asn1js.UTCTime({ valueDate: whole(d) });
const der = (node: asn1js.BaseBlock): Buffer => {
  const out = Buffer.from(node.toBER(false));
  wellFormed.add(out);
  return out;
};
/**
 * An already-encoded DER element placed verbatim inside a new structure (the seal inside TBS_Sign, TBS_Sign inside
 * SES_Signature): its bytes must stay exactly as signed, and re-encoding a parse would cost more than the signature.
 * asn1js's RawData ignores the writer its parent passes, so this subclass writes into it.
 */
class EmbeddedDer extends asn1js.RawData {
  override toBER(_sizeOnly?: boolean, writer?: { write(buf: ArrayBuffer): void }): ArrayBuffer {
    const bytes = this.dataView.slice().buffer;
    if (!writer) return bytes;
    writer.write(bytes);
    return new ArrayBuffer(0);
  }
}
/** Buffers this module produced or already checked: parsing them again would dominate the cost of signing. */
const wellFormed = new WeakSet<Uint8Array>();
const embed = (bytes: Uint8Array): asn1js.AsnType => {
  if (!wellFormed.has(bytes)) {
    const r = asn1js.fromBER(u8(bytes), { parseEmbedded: false, copyInput: false });
    if (r.offset !== bytes.length || r.result.error)
      throw new Error("嵌入的数据不是单个 DER 值 / embedded data is not one DER value");
    wellFormed.add(bytes);
  }
  return new EmbeddedDer({ data: u8(bytes) }) as unknown as asn1js.AsnType;
};
const bitsOrOctets = (bytes: Uint8Array, octets?: boolean) =>
  octets ? new asn1js.OctetString({ valueHex: u8(bytes) }) : new asn1js.BitString({ valueHex: u8(bytes) });

function sign(data: Uint8Array, keys: Sm2KeyPair, raw?: boolean): Buffer {
  const sig = sm2Sign(data, keys);
  return raw ? encodeSm2SignatureRaw(sig) : encodeSm2SignatureDer(sig);
}

function header(version: number, vid: string) {
  return new asn1js.Sequence({
    value: [
      new asn1js.IA5String({ value: "ES" }),
      new asn1js.Integer({ value: version }),
      new asn1js.IA5String({ value: vid }),
    ],
  });
}

function picture(p: SealPicture) {
  return new asn1js.Sequence({
    value: [
      new asn1js.IA5String({ value: p.type }),
      new asn1js.OctetString({ valueHex: u8(p.data) }),
      new asn1js.Integer({ value: p.widthMm }),
      new asn1js.Integer({ value: p.heightMm }),
    ],
  });
}

const certList = (certs: Uint8Array[]) =>
  new asn1js.Sequence({ value: certs.map((c) => new asn1js.OctetString({ valueHex: u8(c) })) });

/** DER SES_SealInfo, v4 (GB/T 38540 §7.1): header ES/4/vid, esID, property (certListType 1), picture. */
export function buildSealInfoV4(p: SealInfoParams): Buffer {
  const property = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: p.type }),
      new asn1js.Utf8String({ value: p.name }),
      new asn1js.Integer({ value: 1 }), // certListType 1 = CertInfoList
      certList(p.certs),
      gt(p.createDate),
      gt(p.validStart),
      gt(p.validEnd),
    ],
  });
  return der(
    new asn1js.Sequence({
      value: [header(4, p.vid), new asn1js.IA5String({ value: p.esID }), property, picture(p.picture)],
    }),
  );
}

/**
 * DER SESeal v4. The seal maker signs DER(SES_SealInfo) itself — what ofdrw's v4 SESealTest signs and verifies
 * (unlike v1, where the maker signs SEQUENCE{sealInfo, cert, algorithm}).
 */
export function buildSealV4(
  sealInfoDer: Uint8Array,
  maker: { certDer: Uint8Array; keys: Sm2KeyPair },
  dev: Deviations = {},
): Buffer {
  return der(
    new asn1js.Sequence({
      value: [
        embed(sealInfoDer),
        new asn1js.OctetString({ valueHex: u8(maker.certDer) }),
        new asn1js.ObjectIdentifier({ value: OID_SM2_WITH_SM3 }),
        bitsOrOctets(sign(sealInfoDer, maker.keys, dev.rawSignature), dev.octetStrings),
      ],
    }),
  );
}

export interface TbsSignParams {
  sealDer: Uint8Array;
  signingTime: Date;
  /** SM3 of the original (32 bytes). */
  dataHash: Uint8Array;
  /** Original's property, e.g. an OFD Signature.xml path (facts §3.3). */
  propertyInfo: string;
}

/** DER TBS_Sign v4 (GB/T 38540 §7.2): version 4, eseal, timeInfo GeneralizedTime, dataHash, propertyInfo; no extDatas. */
export function buildTbsSignV4(p: TbsSignParams, dev: Deviations = {}): Buffer {
  return der(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 4 }),
        embed(p.sealDer),
        gt(p.signingTime),
        bitsOrOctets(p.dataHash, dev.octetStrings),
        new asn1js.IA5String({ value: p.propertyInfo }),
      ],
    }),
  );
}

/** DER SES_Signature v4: toSign, signer certificate, SM2-with-SM3, SM2 signature over DER(TBS_Sign). */
export function buildSignatureV4(
  tbsDer: Uint8Array,
  signer: { certDer: Uint8Array; keys: Sm2KeyPair },
  dev: Deviations = {},
): Buffer {
  return der(
    new asn1js.Sequence({
      value: [
        embed(tbsDer),
        new asn1js.OctetString({ valueHex: u8(signer.certDer) }),
        new asn1js.ObjectIdentifier({ value: OID_SM2_WITH_SM3 }),
        bitsOrOctets(sign(tbsDer, signer.keys, dev.rawSignature), dev.octetStrings),
      ],
    }),
  );
}

// ---- GM/T 0031-2014 (v1) ----

/** DER SES_SealInfo v1: header ES/1/vid; property {type 1 unit / 2 personal, name, certList, UTCTime dates}. */
export function buildSealInfoV1(p: SealInfoParams, dev: Deviations = {}): Buffer {
  const t = dev.generalizedTime ? gt : utc;
  const property = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: p.type }),
      new asn1js.Utf8String({ value: p.name }),
      certList(p.certs),
      t(p.createDate),
      t(p.validStart),
      t(p.validEnd),
    ],
  });
  return der(
    new asn1js.Sequence({
      value: [header(1, p.vid), new asn1js.IA5String({ value: p.esID }), property, picture(p.picture)],
    }),
  );
}

/** What the v1 maker signs: DER SEQUENCE { SES_SealInfo, cert OCTET STRING, signatureAlgorithm } (ofdrw v1 SESealTest). */
export function sealSignedDataV1(
  sealInfoDer: Uint8Array,
  makerCertDer: Uint8Array,
  alg: string = OID_SM2_WITH_SM3,
): Buffer {
  return der(
    new asn1js.Sequence({
      value: [
        embed(sealInfoDer),
        new asn1js.OctetString({ valueHex: u8(makerCertDer) }),
        new asn1js.ObjectIdentifier({ value: alg }),
      ],
    }),
  );
}

/** DER SESeal v1: { esealInfo, signInfo { cert, signatureAlgorithm, signData } }. */
export function buildSealV1(
  sealInfoDer: Uint8Array,
  maker: { certDer: Uint8Array; keys: Sm2KeyPair },
  dev: Deviations = {},
): Buffer {
  const signed = sealSignedDataV1(sealInfoDer, maker.certDer);
  const signInfo = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: u8(maker.certDer) }),
      new asn1js.ObjectIdentifier({ value: OID_SM2_WITH_SM3 }),
      bitsOrOctets(sign(signed, maker.keys, dev.rawSignature), dev.octetStrings),
    ],
  });
  return der(new asn1js.Sequence({ value: [embed(sealInfoDer), signInfo] }));
}

/**
 * DER SES_Signature v1: { TBS_Sign { version 1, eseal, timeInfo BIT STRING (DER UTCTime inside, as ofdrw writes it),
 * dataHash, propertyInfo, cert, signatureAlgorithm }, signature BIT STRING over DER(TBS_Sign) }.
 */
export function buildSignatureV1(
  p: TbsSignParams & { signer: { certDer: Uint8Array; keys: Sm2KeyPair } },
  dev: Deviations = {},
): Buffer {
  const timeDer = der(dev.generalizedTime ? gt(p.signingTime) : utc(p.signingTime));
  const tbs = der(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        embed(p.sealDer),
        bitsOrOctets(timeDer, dev.octetStrings),
        bitsOrOctets(p.dataHash, dev.octetStrings),
        new asn1js.IA5String({ value: p.propertyInfo }),
        new asn1js.OctetString({ valueHex: u8(p.signer.certDer) }),
        new asn1js.ObjectIdentifier({ value: OID_SM2_WITH_SM3 }),
      ],
    }),
  );
  return der(
    new asn1js.Sequence({
      value: [embed(tbs), bitsOrOctets(sign(tbs, p.signer.keys, dev.rawSignature), dev.octetStrings)],
    }),
  );
}
