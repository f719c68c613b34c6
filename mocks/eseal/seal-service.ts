// The e-seal platform's in-process API: make seals (制章), sign (盖章), verify (验章), suspend / resume / revoke.
// All state is plain data in `state` so the HTTP layer can move it behind the Store/tenant seam (architecture §4).
import { checkUscc } from "../shared/ids.js";
import { isKnownDivision } from "../shared/divisions.js";
import { EsealError } from "./errors.js";
import { renderSealSvg } from "./seal-picture.js";
import { DEFAULT_SEAL_TYPES, type SealType } from "./seal-type-codes.js";
import { buildSealInfoV4, buildSealV4, buildSignatureV4, buildTbsSignV4 } from "./ses-build.js";
import { sm3 } from "./sm3.js";
import { createTestPki, type OrgRef, type PkiState, type TestPki } from "./test-pki.js";
import { verifySignature, type SealStatus } from "./verify-signature.js";
import type { VerificationReport } from "./verification-report.js";

export type SealState = "active" | "suspended" | "revoked";

/** One seal as the platform keeps it (JSON-serialisable). */
export interface SealRecord {
  /** 13-digit seal code = 6-digit division + 7-digit sequence (facts §8.3); also the SESeal esID. */
  sealCode: string;
  orgUscc: string;
  orgName: string;
  typeCode: string;
  typeName: string;
  name: string;
  /** ISO 8601 instants (whole seconds, as encoded in the seal). */
  createdAt: string;
  validStart: string;
  validEnd: string;
  status: SealState;
  /** When the current status began (ms); for "revoked" the revocation time. */
  statusSince: number;
  revocationReason?: string;
  /** Signer certificate serial (hex) bound to the seal. */
  certSerial: string;
  /** DER SESeal, base64. */
  sealDer: string;
  /** SVG picture embedded in the seal. */
  pictureSvg: string;
  /** Picture width = height in mm (SES_ESPictrueInfo); absent in state saved before it was recorded (then 42). */
  pictureMm?: number;
}

export interface SealServiceState {
  seals: Record<string, SealRecord>;
  /** Last sequence used per division code. */
  sequences: Record<string, number>;
  pki: PkiState;
}

export interface SealServiceOptions {
  seed: string;
  /** Seal type table (default facts §8.3). */
  sealTypes?: readonly SealType[];
  /** SES_Header.vid, the vendor id. */
  vid?: string;
  /** Largest document signDocument accepts (default 20 MiB). */
  maxDocumentBytes?: number;
  /** Existing state to continue from (plain data). */
  state?: SealServiceState;
  /**
   * A PKI to share (keys and certificates derive from the seed alone); the service uses a view of it over
   * `state.pki`, so revocations stay this service's own. Default: a new PKI from `seed`.
   */
  pki?: TestPki;
  /**
   * The next sequence of a division, above `own` (this state's last): seal codes are unique across tenants
   * (PlatformSequences, tenant-seals.ts). Default: `own + 1` — unique within this state only.
   */
  nextSequence?: (division: string, own: number) => number;
}

export interface MakeSealParams {
  org: OrgRef;
  /** Seal type code from the table, e.g. "04". */
  type: string;
  /** Seal name; default: organisation name (+ type name unless 01). */
  name?: string;
  validity: { start: number; end: number };
  now: number;
  /** GB/T 2260 code for the seal code; default: characters 3–8 of the USCC (GB 32100 registration division). */
  divisionCode?: string;
  /** Picture diameter in mm (default 42). */
  diameterMm?: number;
  /**
   * A fixed 7-digit sequence instead of the division's next one (e.g. a reserved range for seeded seals, so their
   * codes do not depend on the order in which they are first used); the division counter is left alone.
   */
  sequence?: number;
}

export interface SignParams {
  sealCode: string;
  now: number;
  /** Original's property (IA5String), e.g. an OFD Signature.xml path. Default "document". */
  propertyInfo?: string;
}

export interface SignResult {
  /** DER SES_Signature v4. */
  signature: Buffer;
  base64: string;
  sealCode: string;
  signingTime: string;
  dataHash: string;
}

const DEFAULT_MAX_DOC = 20 * 1024 * 1024;
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

export interface SealService {
  readonly pki: TestPki;
  readonly sealTypes: readonly SealType[];
  /** Plain-data state: seals, sequences, certificate revocations. */
  readonly state: SealServiceState;
  /** Changes made to `state` so far (a seal made, a status set, a certificate revoked): a caller that stores the
   *  state compares it with the count it last stored, and skips a write when nothing changed. */
  readonly changes: number;
  makeSeal(p: MakeSealParams): SealRecord;
  getSeal(sealCode: string): SealRecord | undefined;
  listSeals(filter?: { uscc?: string }): SealRecord[];
  /** Seal status as the verifier sees it. */
  sealStatus(sealCode: string): SealStatus | undefined;
  signDigest(p: SignParams & { digest: Uint8Array }): SignResult;
  signDocument(p: SignParams & { document: Uint8Array }): SignResult;
  verify(signature: Uint8Array, opts: { now: number; document?: Uint8Array; digest?: Uint8Array }): VerificationReport;
  suspend(sealCode: string, now: number): SealRecord;
  resume(sealCode: string, now: number): SealRecord;
  revoke(sealCode: string, now: number, reason?: string): SealRecord;
  /** Revokes an organisation's signing certificate (every seal of the org then fails the signer check). */
  revokeOrgCertificate(org: OrgRef, now: number, reason?: string): void;
}

export function createSealService(opts: SealServiceOptions): SealService {
  const sealTypes = opts.sealTypes ?? DEFAULT_SEAL_TYPES;
  const vid = opts.vid ?? "GATESIM";
  const maxDoc = opts.maxDocumentBytes ?? DEFAULT_MAX_DOC;
  const state: SealServiceState = opts.state ?? { seals: {}, sequences: {}, pki: { revoked: {} } };
  const pki = opts.pki ? opts.pki.withState(state.pki) : createTestPki({ seed: opts.seed, state: state.pki });
  let changes = 0;

  // Decoded seal DER per seal code (seals are immutable once made); keeps signing from re-decoding and re-checking it.
  const sealBytes = new Map<string, { b64: string; der: Buffer }>();
  function sealDerOf(seal: SealRecord): Buffer {
    let e = sealBytes.get(seal.sealCode);
    if (!e || e.b64 !== seal.sealDer)
      sealBytes.set(seal.sealCode, (e = { b64: seal.sealDer, der: Buffer.from(seal.sealDer, "base64") }));
    return e.der;
  }

  function mustGet(sealCode: string): SealRecord {
    const s = state.seals[sealCode];
    if (!s) throw new EsealError("SEAL_NOT_FOUND", `印章 ${sealCode} 不存在`, `seal ${sealCode} does not exist`, 404);
    return s;
  }

  function usable(seal: SealRecord, now: number): void {
    if (seal.status === "revoked")
      throw new EsealError(
        "SEAL_REVOKED",
        `印章 ${seal.sealCode} 已注销，不能盖章`,
        `seal ${seal.sealCode} is revoked and cannot sign`,
        409,
      );
    if (seal.status === "suspended")
      throw new EsealError(
        "SEAL_SUSPENDED",
        `印章 ${seal.sealCode} 已挂起，不能盖章`,
        `seal ${seal.sealCode} is suspended and cannot sign`,
        409,
      );
    if (now < Date.parse(seal.validStart))
      throw new EsealError(
        "SEAL_NOT_YET_VALID",
        `印章 ${seal.sealCode} 尚未生效（${seal.validStart} 起）`,
        `seal ${seal.sealCode} is not valid before ${seal.validStart}`,
        409,
      );
    if (now > Date.parse(seal.validEnd))
      throw new EsealError(
        "SEAL_EXPIRED",
        `印章 ${seal.sealCode} 已过期（${seal.validEnd} 止）`,
        `seal ${seal.sealCode} expired at ${seal.validEnd}`,
        409,
      );
  }

  function sign(p: SignParams, dataHash: Buffer): SignResult {
    const seal = mustGet(p.sealCode);
    usable(seal, p.now);
    const signer = pki.org({ uscc: seal.orgUscc, name: seal.orgName });
    const signingTime = new Date(Math.floor(p.now / 1000) * 1000);
    const tbs = buildTbsSignV4({
      sealDer: sealDerOf(seal),
      signingTime,
      dataHash,
      propertyInfo: p.propertyInfo ?? "document",
    });
    const signature = buildSignatureV4(tbs, signer);
    return {
      signature,
      base64: signature.toString("base64"),
      sealCode: seal.sealCode,
      signingTime: signingTime.toISOString(),
      dataHash: dataHash.toString("hex"),
    };
  }

  function sealStatus(sealCode: string): SealStatus | undefined {
    const s = state.seals[sealCode];
    if (!s) return undefined;
    if (s.status === "active") return { status: "active" };
    if (s.status === "suspended") return { status: "suspended", since: s.statusSince };
    return { status: "revoked", at: s.statusSince, reason: s.revocationReason };
  }

  function setStatus(sealCode: string, status: SealState, now: number, reason?: string): SealRecord {
    const seal = mustGet(sealCode);
    if (seal.status === "revoked")
      throw new EsealError(
        "INVALID_STATE",
        `印章 ${sealCode} 已注销，状态不能再改变`,
        `seal ${sealCode} is revoked; its status cannot change`,
        409,
      );
    if (seal.status !== status) {
      seal.status = status;
      seal.statusSince = now;
      changes++;
    }
    if (reason !== undefined && seal.revocationReason !== reason) {
      seal.revocationReason = reason;
      changes++;
    }
    return seal;
  }

  return {
    pki,
    sealTypes,
    state,
    get changes() {
      return changes;
    },

    makeSeal(p) {
      const usccProblem = checkUscc(p.org.uscc);
      if (usccProblem) {
        // ids.ts verdicts read "中文 / English"; keep each language in its own field.
        const [zh, en = zh] = usccProblem.split(" / ");
        throw new EsealError(
          "INVALID_ORG",
          `统一社会信用代码 ${p.org.uscc} 无效：${zh}`,
          `invalid USCC ${p.org.uscc}: ${en}`,
          400,
        );
      }
      if (!p.org.name.trim())
        throw new EsealError("INVALID_ORG", "单位名称不能为空", "the organisation name is empty", 400);
      const type = sealTypes.find((t) => t.code === p.type);
      if (!type)
        throw new EsealError(
          "UNKNOWN_SEAL_TYPE",
          `未知的印章类型 ${p.type}（可用：${sealTypes.map((t) => t.code).join("、")}）`,
          `unknown seal type ${p.type} (known: ${sealTypes.map((t) => t.code).join(", ")})`,
          400,
        );
      if (!(p.validity.end > p.validity.start))
        throw new EsealError("INVALID_VALIDITY", "有效期截止应晚于起始", "validity end must be after its start", 400);
      const division = p.divisionCode ?? p.org.uscc.slice(2, 8);
      if (!isKnownDivision(division))
        throw new EsealError(
          "INVALID_DIVISION",
          `${division} 不是已知的行政区划代码`,
          `${division} is not a known GB/T 2260 division code`,
          400,
        );
      const fixed = p.sequence !== undefined;
      const own = state.sequences[division] ?? 0;
      const seq = fixed ? p.sequence! : opts.nextSequence ? opts.nextSequence(division, own) : own + 1;
      if (!Number.isInteger(seq) || seq < 1 || seq > 9_999_999)
        throw new EsealError(
          "SEQUENCE_EXHAUSTED",
          `行政区划 ${division} 的印章序号已用尽`,
          `seal sequence for division ${division} is exhausted`,
          409,
        );
      const sealCode = division + String(seq).padStart(7, "0");
      if (state.seals[sealCode])
        throw new EsealError(
          "INVALID_STATE",
          `印章编码 ${sealCode} 已被使用`,
          `seal code ${sealCode} is already taken`,
          409,
        );
      if (!fixed) state.sequences[division] = seq;

      const signer = pki.org(p.org);
      const name = p.name ?? (type.code === "01" ? p.org.name : p.org.name + type.name);
      const svg = renderSealSvg({
        orgName: p.org.name,
        typeName: type.code === "01" ? "" : type.name,
        code: sealCode,
        diameterMm: p.diameterMm,
      });
      const mm = p.diameterMm ?? 42;
      const info = buildSealInfoV4({
        vid,
        esID: sealCode,
        type: Number.parseInt(type.code, 10),
        name,
        certs: [signer.certDer],
        createDate: new Date(p.now),
        validStart: new Date(p.validity.start),
        validEnd: new Date(p.validity.end),
        picture: { type: "SVG", data: Buffer.from(svg, "utf8"), widthMm: mm, heightMm: mm },
      });
      const sealDer = buildSealV4(info, pki.sealMaker);
      const record: SealRecord = {
        sealCode,
        orgUscc: p.org.uscc,
        orgName: p.org.name,
        typeCode: type.code,
        typeName: type.name,
        name,
        createdAt: iso(p.now),
        validStart: iso(p.validity.start),
        validEnd: iso(p.validity.end),
        status: "active",
        statusSince: p.now,
        certSerial: signer.cert.serialHex,
        sealDer: sealDer.toString("base64"),
        pictureSvg: svg,
        pictureMm: mm,
      };
      state.seals[sealCode] = record;
      changes++;
      return record;
    },

    getSeal: (sealCode) => state.seals[sealCode],

    listSeals: (filter) => Object.values(state.seals).filter((s) => !filter?.uscc || s.orgUscc === filter.uscc),

    sealStatus,

    signDigest(p) {
      if (p.digest.length !== 32)
        throw new EsealError(
          "INVALID_DIGEST",
          `原文杂凑值应为 32 字节 SM3，实际 ${p.digest.length} 字节`,
          `the digest must be a 32-byte SM3 value, got ${p.digest.length} bytes`,
          400,
        );
      return sign(p, Buffer.from(p.digest));
    },

    signDocument(p) {
      if (p.document.length > maxDoc)
        throw new EsealError(
          "DOCUMENT_TOO_LARGE",
          `文档 ${p.document.length} 字节，超过上限 ${maxDoc} 字节；请改用 signDigest 提交 SM3 杂凑值`,
          `the document is ${p.document.length} bytes, over the ${maxDoc}-byte limit; send its SM3 digest with signDigest instead`,
          413,
        );
      return sign(p, sm3(p.document));
    },

    verify(signature, v) {
      if (v.document && v.document.length > maxDoc)
        throw new EsealError(
          "DOCUMENT_TOO_LARGE",
          `文档 ${v.document.length} 字节，超过上限 ${maxDoc} 字节；请改为提供 SM3 杂凑值`,
          `the document is ${v.document.length} bytes, over the ${maxDoc}-byte limit; give its SM3 digest instead`,
          413,
        );
      return verifySignature(signature, { pki, now: v.now, document: v.document, digest: v.digest, sealStatus });
    },

    suspend: (sealCode, now) => setStatus(sealCode, "suspended", now),
    resume: (sealCode, now) => setStatus(sealCode, "active", now),
    revoke: (sealCode, now, reason = "unspecified") => setStatus(sealCode, "revoked", now, reason),

    revokeOrgCertificate(org, now, reason) {
      pki.revoke(pki.org(org).cert.serialHex, now, reason);
      changes++;
    },
  };
}
