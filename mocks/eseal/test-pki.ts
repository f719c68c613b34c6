// The simulator's offline SM2 test PKI: root CA, seal maker (制章人) and lazily created per-organisation signing
// certificates, all derived from the seed, plus an in-memory revocation list (facts §3, §8.3).
import {
  issueCertificate,
  parseCertificate,
  toPem,
  verifyCertificateSignature,
  type CertificateInfo,
  type DnPart,
} from "./certificate.js";
import { deriveSm2KeyPair, type Sm2KeyPair } from "./sm2.js";
import { sm3 } from "./sm3.js";
import type { CheckResult, SubIndication } from "./verification-report.js";

/** The organisation a signing certificate is issued to. */
export interface OrgRef {
  /** GB 32100 unified social credit code. */
  uscc: string;
  name: string;
}

/** A key pair with its certificate. The private key never leaves this module's callers' memory. */
export interface Credential {
  keys: Sm2KeyPair;
  certDer: Buffer;
  cert: CertificateInfo;
}

export interface Revocation {
  /** ms since epoch. */
  at: number;
  reason: string;
}

/** Plain-data state (what a Store would keep): only revocations — keys and certificates re-derive from the seed. */
export interface PkiState {
  revoked: Record<string, Revocation>;
}

export interface TestPkiOptions {
  seed: string;
  state?: PkiState;
  /** Validity of every certificate (fixed so the same seed gives the same bytes). Default 2020-01-01 … 2049-12-31. */
  validity?: { notBefore: Date; notAfter: Date };
}

export const ROOT_CA_NAME = "gatesim 测试根CA";
export const SEAL_MAKER_NAME = "gatesim 测试制章人";

const DEFAULT_VALIDITY = { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2049-12-31T23:59:59Z") };

/** Serial: 16 bytes from the seed and purpose, first byte in 0x01…0x7f so the INTEGER is positive and 16 bytes long. */
function serialFor(seed: string, purpose: string): string {
  const b = sm3(Buffer.from(`${seed}\u0000serial\u0000${purpose}`, "utf8")).subarray(0, 16);
  b[0] = (b[0] & 0x7f) | 0x01;
  return b.toString("hex");
}

export class TestPki {
  readonly seed: string;
  readonly state: PkiState;
  private readonly validity: { notBefore: Date; notAfter: Date };
  private readonly rootSubject: DnPart[];
  // Keys and certificates depend only on the seed; views made by withState() share them (deriving a key and
  // issuing a certificate costs SM2 work), while each view keeps its own revocation list.
  private readonly creds: {
    root?: Credential;
    maker?: Credential;
    orgs: Map<string, Credential>;
    sigCache: Map<string, boolean>;
  };

  constructor(opts: TestPkiOptions, shared?: TestPki) {
    this.seed = opts.seed;
    this.state = opts.state ?? { revoked: {} };
    this.validity = opts.validity ?? DEFAULT_VALIDITY;
    this.rootSubject = [
      { type: "C", value: "CN" },
      { type: "O", value: "gatesim" },
      { type: "CN", value: ROOT_CA_NAME },
    ];
    this.creds = shared?.creds ?? { orgs: new Map(), sigCache: new Map() };
  }

  /**
   * The same PKI (seed, keys, certificates, caches) over another revocation list — one per tenant, so a certificate
   * revoked by one tenant stays valid for the others.
   */
  withState(state: PkiState): TestPki {
    return new TestPki({ seed: this.seed, state, validity: this.validity }, this);
  }

  private issue(
    purpose: string,
    subject: DnPart[],
    ca: boolean,
    issuer: { subject: DnPart[]; keys: Sm2KeyPair } | "self",
  ): Credential {
    const keys = deriveSm2KeyPair(`${this.seed}\u0000eseal-key\u0000${purpose}`);
    const certDer = issueCertificate({
      serialHex: serialFor(this.seed, purpose),
      subject,
      publicKey: keys.publicKey,
      notBefore: this.validity.notBefore,
      notAfter: this.validity.notAfter,
      ca,
      issuer: issuer === "self" ? { subject, keys } : issuer,
    });
    return { keys, certDer, cert: parseCertificate(certDer) };
  }

  /** The self-signed SM2 root CA. */
  get root(): Credential {
    return (this.creds.root ??= this.issue("root", this.rootSubject, true, "self"));
  }

  /** The seal maker (制章人) whose signature makes a seal (SESeal.signedValue). */
  get sealMaker(): Credential {
    return (this.creds.maker ??= this.issue(
      "seal-maker",
      [
        { type: "C", value: "CN" },
        { type: "O", value: "gatesim" },
        { type: "OU", value: "电子印章制作 Seal making" },
        { type: "CN", value: SEAL_MAKER_NAME },
      ],
      false,
      { subject: this.rootSubject, keys: this.root.keys },
    ));
  }

  /** The organisation's signing certificate, created on first use (there may be 20,000 organisations). */
  org(org: OrgRef): Credential {
    let c = this.creds.orgs.get(org.uscc);
    if (!c) {
      c = this.issue(
        `org:${org.uscc}`,
        [
          { type: "C", value: "CN" },
          { type: "O", value: org.name },
          { type: "CN", value: org.name },
          { type: "serialNumber", value: org.uscc },
        ],
        false,
        { subject: this.rootSubject, keys: this.root.keys },
      );
      this.creds.orgs.set(org.uscc, c);
    }
    return c;
  }

  rootPem(): string {
    return toPem(this.root.certDer);
  }

  sealMakerPem(): string {
    return toPem(this.sealMaker.certDer);
  }

  orgPem(org: OrgRef): string {
    return toPem(this.org(org).certDer);
  }

  /** Adds a certificate to the revocation list (a later call keeps the earliest time). */
  revoke(serialHex: string, at: number, reason = "unspecified"): void {
    const prev = this.state.revoked[serialHex.toLowerCase()];
    if (!prev || prev.at > at) this.state.revoked[serialHex.toLowerCase()] = { at, reason };
  }

  revocation(serialHex: string): Revocation | undefined {
    return this.state.revoked[serialHex.toLowerCase()];
  }

  // Chain verification results for the same certificate bytes never change; cache them (bounded, shared by views).
  private signedByRoot(cert: CertificateInfo, der: Uint8Array): boolean {
    const key = sm3(der).toString("hex");
    let ok = this.creds.sigCache.get(key);
    if (ok === undefined) {
      ok =
        cert.issuerDer.equals(this.root.cert.subjectDer) && verifyCertificateSignature(cert, this.root.keys.publicKey);
      if (this.creds.sigCache.size >= 4096) this.creds.sigCache.clear();
      this.creds.sigCache.set(key, ok);
    }
    return ok;
  }

  /**
   * Checks a certificate against the test root at `signingTime` (null = unknown): issuer and signature, validity,
   * revocation. Revoked after the (self-asserted) signing time is INDETERMINATE, as ETSI EN 319 102-1 does without
   * proof of existence; revoked before it is FAILED.
   */
  checkCertificate(
    der: Uint8Array,
    signingTime: number | null,
    label: { zh: string; en: string },
  ): Omit<CheckResult, "id"> & { cert?: CertificateInfo } {
    const fail = (sub: SubIndication, zh: string, en: string, indeterminate = false) => ({
      result: indeterminate ? ("INDETERMINATE" as const) : ("FAILED" as const),
      subIndication: sub,
      zh: `${label.zh}：${zh}`,
      en: `${label.en}: ${en}`,
    });
    let cert: CertificateInfo;
    try {
      cert = parseCertificate(der);
    } catch {
      return fail("CERT_CHAIN_INVALID", "证书无法解析", "the certificate cannot be parsed");
    }
    if (!cert.publicKey)
      return {
        ...fail("UNSUPPORTED_ALGORITHM", "证书公钥不是 SM2 公钥", "the certificate key is not an SM2 key"),
        cert,
      };
    if (!this.signedByRoot(cert, der))
      return {
        ...fail(
          "CERT_CHAIN_INVALID",
          `证书不是由「${ROOT_CA_NAME}」签发的`,
          `the certificate was not issued by "${ROOT_CA_NAME}"`,
        ),
        cert,
      };
    if (signingTime !== null && (signingTime < cert.notBefore.getTime() || signingTime > cert.notAfter.getTime()))
      return {
        ...fail(
          "CERT_EXPIRED",
          "签章时间不在证书有效期内",
          "the signing time is outside the certificate's validity period",
        ),
        cert,
      };
    const rev = this.revocation(cert.serialHex);
    if (rev) {
      const when = new Date(rev.at).toISOString();
      if (signingTime !== null && rev.at > signingTime)
        return {
          ...fail(
            "CERT_REVOKED_AFTER_SIGNING",
            `证书已于签章后（${when}）吊销`,
            `the certificate was revoked after signing (${when})`,
            true,
          ),
          cert,
        };
      return {
        ...fail(
          "CERT_REVOKED",
          `证书已于 ${when} 吊销，早于签章时间`,
          `the certificate was revoked at ${when}, before signing`,
        ),
        cert,
      };
    }
    return {
      result: "PASSED",
      zh: `${label.zh}：由「${ROOT_CA_NAME}」签发，有效且未吊销`,
      en: `${label.en}: issued by "${ROOT_CA_NAME}", valid and not revoked`,
      cert,
    };
  }
}

export function createTestPki(opts: TestPkiOptions): TestPki {
  return new TestPki(opts);
}
