// X.509 v3 certificates with SM2 keys, signed SM2-with-SM3 (RFC 5280 profile, GM/T 0015 algorithms), via @peculiar/asn1-x509.
import { createRequire } from "node:module";
import type { Extension, Name, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { OID_EC_PUBLIC_KEY, OID_SM2, OID_SM2_WITH_SM3 } from "./oids.js";
import { decodeSm2Signature, encodeSm2SignatureDer, sm2Sign, sm2Verify, type Sm2KeyPair } from "./sm2.js";
import { sm3 } from "./sm3.js";

// The X.509 schema libraries (≈80 ms to load) are needed only when a certificate is issued or parsed — never to start
// the simulator or to answer anything but e-seal and e-licence calls — so they load on first use.
type Libs = typeof import("@peculiar/asn1-schema") & typeof import("@peculiar/asn1-x509");
let libs: Libs | undefined;
function x509(): Libs {
  if (!libs) {
    const require = createRequire(import.meta.url);
    libs = {
      ...(require("@peculiar/asn1-schema") as typeof import("@peculiar/asn1-schema")),
      ...(require("@peculiar/asn1-x509") as typeof import("@peculiar/asn1-x509")),
    };
  }
  return libs;
}

/** Distinguished-name attribute types used by the test PKI. */
const DN = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3", serialNumber: "2.5.4.5" } as const;
export type DnPart = { type: keyof typeof DN; value: string };

export interface IssueCertificateParams {
  /** Positive serial number, hex. */
  serialHex: string;
  subject: DnPart[];
  /** The subject's public key (uncompressed SM2 point hex). */
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  issuer: { subject: DnPart[]; keys: Sm2KeyPair };
}

function toName(parts: DnPart[]): Name {
  const { Name, RelativeDistinguishedName, AttributeTypeAndValue, AttributeValue } = x509();
  return new Name(
    parts.map(
      (p) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type: DN[p.type],
            // C and serialNumber are PrintableString by X.520; names are UTF8String so Chinese survives.
            value: new AttributeValue(
              p.type === "C" || p.type === "serialNumber" ? { printableString: p.value } : { utf8String: p.value },
            ),
          }),
        ]),
    ),
  );
}

/** Key identifier: first 20 bytes of SM3 over the public key bits (RFC 5280 §4.2.1.2 allows any method). */
export function keyIdentifier(publicKeyHex: string): Buffer {
  return sm3(Buffer.from(publicKeyHex, "hex")).subarray(0, 20);
}

function ext(extnID: string, critical: boolean, value: unknown): Extension {
  const { Extension, OctetString, AsnConvert } = x509();
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** DER SubjectPublicKeyInfo for an SM2 key: id-ecPublicKey with namedCurve SM2 (what OpenSSL reads as SM2). */
export function sm2SubjectPublicKeyInfo(publicKeyHex: string): SubjectPublicKeyInfo {
  const { SubjectPublicKeyInfo, AlgorithmIdentifier } = x509();
  return new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: new asn1js.ObjectIdentifier({ value: OID_SM2 }).toBER(false),
    }),
    subjectPublicKey: new Uint8Array(Buffer.from(publicKeyHex, "hex")).buffer,
  });
}

/** Issues a DER certificate. Deterministic: the same inputs give the same bytes (the SM2 nonce is derived). */
export function issueCertificate(p: IssueCertificateParams): Buffer {
  const {
    AlgorithmIdentifier,
    Extensions,
    BasicConstraints,
    KeyUsage,
    KeyUsageFlags,
    SubjectKeyIdentifier,
    AuthorityKeyIdentifier,
    KeyIdentifier,
    TBSCertificate,
    Version,
    Validity,
    Certificate,
    AsnConvert,
    id_ce_basicConstraints,
    id_ce_keyUsage,
    id_ce_subjectKeyIdentifier,
    id_ce_authorityKeyIdentifier,
  } = x509();
  const sigAlg = new AlgorithmIdentifier({ algorithm: OID_SM2_WITH_SM3 });
  const extensions = new Extensions([
    ext(id_ce_basicConstraints, true, new BasicConstraints(p.ca ? { cA: true, pathLenConstraint: 0 } : { cA: false })),
    ext(
      id_ce_keyUsage,
      true,
      new KeyUsage(
        p.ca
          ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
          : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
      ),
    ),
    ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(p.publicKey))),
    ext(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier(p.issuer.keys.publicKey)) }),
    ),
  ]);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(Buffer.from(p.serialHex, "hex")).buffer,
    signature: sigAlg,
    issuer: toName(p.issuer.subject),
    validity: new Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: toName(p.subject),
    subjectPublicKeyInfo: sm2SubjectPublicKeyInfo(p.publicKey),
    extensions,
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = encodeSm2SignatureDer(sm2Sign(tbsDer, p.issuer.keys));
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sigAlg,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return Buffer.from(AsnConvert.serialize(cert));
}

/** What the verifier needs from a certificate. */
export interface CertificateInfo {
  serialHex: string;
  subject: Record<string, string>;
  issuer: Record<string, string>;
  /** DER of the issuer and subject Names, compared byte-wise for chaining. */
  issuerDer: Buffer;
  subjectDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** Uncompressed SM2 public key hex, or null when the key is not an SM2 EC key. */
  publicKey: string | null;
  signatureAlgorithm: string;
  /** The exact to-be-signed bytes as they appear in the input. */
  tbsDer: Buffer;
  signatureValue: Buffer;
  isCA: boolean;
}

function nameToRecord(name: Name): Record<string, string> {
  const byOid = Object.fromEntries(Object.entries(DN).map(([k, v]) => [v, k]));
  const out: Record<string, string> = {};
  for (const rdn of name) for (const atv of rdn) out[byOid[atv.type] ?? atv.type] = atv.value.toString();
  return out;
}

// Parsing with the schema library costs milliseconds and the same few certificates (root, maker, organisations) come
// back on every verification, so parsed results are kept by content hash (bounded).
const parsed = new Map<string, CertificateInfo>();
const PARSED_MAX = 2048;

/** Parses a DER certificate; throws on malformed input (callers turn that into a report). Treat the result as read-only. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  const key = sm3(der).toString("hex");
  const hit = parsed.get(key);
  if (hit) return hit;
  const info = parseCertificateUncached(der);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  parsed.set(key, info);
  return info;
}

function parseCertificateUncached(der: Uint8Array): CertificateInfo {
  const { AsnConvert, Certificate, BasicConstraints, id_ce_basicConstraints } = x509();
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const spki = tbs.subjectPublicKeyInfo;
  let publicKey: string | null = null;
  if (spki.algorithm.algorithm === OID_EC_PUBLIC_KEY && spki.algorithm.parameters) {
    const curve = asn1js.fromBER(spki.algorithm.parameters, { parseEmbedded: false }).result;
    if (curve instanceof asn1js.ObjectIdentifier && curve.valueBlock.toString() === OID_SM2) {
      publicKey = Buffer.from(spki.subjectPublicKey).toString("hex");
    }
  }
  let isCA = false;
  const bc = tbs.extensions?.find((e) => e.extnID === id_ce_basicConstraints);
  if (bc) isCA = AsnConvert.parse(bc.extnValue, BasicConstraints).cA;
  // The signed bytes must be the original ones, not a re-encoding (asn1-schema keeps them as tbsCertificateRaw).
  const tbsDer = cert.tbsCertificateRaw ? Buffer.from(cert.tbsCertificateRaw) : Buffer.from(AsnConvert.serialize(tbs));
  return {
    serialHex: Buffer.from(tbs.serialNumber).toString("hex"),
    subject: nameToRecord(tbs.subject),
    issuer: nameToRecord(tbs.issuer),
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    publicKey,
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    tbsDer,
    signatureValue: Buffer.from(cert.signatureValue),
    isCA,
  };
}

/** Whether `cert` carries a valid SM2-with-SM3 signature by `issuerPublicKey`. */
export function verifyCertificateSignature(cert: CertificateInfo, issuerPublicKey: string): boolean {
  if (cert.signatureAlgorithm !== OID_SM2_WITH_SM3) return false;
  const sig = decodeSm2Signature(cert.signatureValue);
  return !!sig && sm2Verify(cert.tbsDer, sig, issuerPublicKey);
}

/** PEM armour (RFC 7468) around DER bytes. */
export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** DER bytes from PEM text (first block). */
export function fromPem(pem: string): Buffer {
  const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pem);
  if (!m) throw new Error("不是 PEM 格式 / not PEM");
  return Buffer.from(m[1].replace(/\s+/g, ""), "base64");
}
