// The e-seal platform's in-process API for other platforms (architecture §3: e-licence asks e-seal to sign, never over
// HTTP to itself). Every call runs on the calling tenant's state: pass the handler's ctx (its store and clock).
import type { HandlerContext } from "../shared/types.js";
import { EsealError } from "./errors.js";
import type { SealRecord } from "./seal-service.js";
import { effectiveStatus } from "./seal-views.js";
import { retryOnConflict, SEEDED_SEAL, type TenantSealRegistry, type TenantSeals } from "./tenant-seals.js";
import type { VerificationReport } from "./verification-report.js";

/** What the API needs of a handler context: the tenant's store and virtual clock. */
export type EsealApiContext = Pick<HandlerContext, "store" | "clock">;

export interface SealDocumentOptions {
  /** A particular seal of the organisation; default: its usable 01 法定名称章, else another usable seal. */
  sealCode?: string;
  /** Only seals of this type code. */
  typeCode?: string;
  /**
   * Name of an organisation that is not in the seed (e.g. a synthetic licence issuer): with it, an organisation
   * without any seal gets a 01 法定名称章 made on first use. Seeded organisations always have theirs.
   */
  orgName?: string;
  /** Signing time (ms); default the tenant's clock. */
  now?: number;
}

export interface SealedDocument {
  /** DER SES_Signature v4 (GB/T 38540). */
  signature: Buffer;
  /** The 13-digit seal code (esID). */
  sealId: string;
  sealName: string;
  signingTime: string;
  /** SM3 of the document, hex. */
  dataHash: string;
}

/** The same calls shaped as e-licence's LicenceSealer (mocks/elicence/licence-file.ts), bound to one tenant. */
export interface BoundSealer {
  sealDocument(
    orgUscc: string,
    document: Buffer,
    propertyInfo: string,
    now?: Date,
  ): Promise<{ signature: Buffer; sealId: string; sealName: string }>;
  verify(signature: Buffer, document: Buffer): Promise<VerificationReport>;
}

export interface EsealApi {
  /** Seal a whole document with the organisation's seal. Throws EsealError (code, zh, en) when it cannot. */
  sealDocument(
    ctx: EsealApiContext,
    orgUscc: string,
    document: Uint8Array,
    propertyInfo: string,
    opts?: SealDocumentOptions,
  ): Promise<SealedDocument>;
  /** Seal an SM3 digest (32 bytes) instead of the document. */
  sealDigest(
    ctx: EsealApiContext,
    orgUscc: string,
    digest: Uint8Array,
    propertyInfo: string,
    opts?: SealDocumentOptions,
  ): Promise<SealedDocument>;
  /** 验章 on the tenant's seal statuses and clock; never throws for a bad signature (the report says why). */
  verify(
    ctx: EsealApiContext,
    signatureDer: Uint8Array,
    original?: Uint8Array | { digest: Uint8Array },
  ): Promise<VerificationReport>;
  /** The organisation's seals in this tenant (its seeded seal included). */
  listSeals(ctx: EsealApiContext, orgUscc: string): Promise<SealRecord[]>;
  /** LicenceSealer-shaped object for one tenant. */
  sealerFor(ctx: EsealApiContext): BoundSealer;
  /** Test PKI downloads (shared by all tenants). */
  pki: { rootPem(): string; sealMakerPem(): string; rootDer(): Buffer; sealMakerDer(): Buffer };
}

/** The seal to sign with: the one asked for, else a usable 01, else any usable one; else explain why none. */
function chooseSeal(ts: TenantSeals, orgUscc: string, now: number, opts: SealDocumentOptions): SealRecord {
  if (opts.sealCode) {
    const s = ts.find(opts.sealCode);
    if (!s || s.orgUscc !== orgUscc)
      throw new EsealError(
        "SEAL_NOT_FOUND",
        `单位 ${orgUscc} 没有印章 ${opts.sealCode}`,
        `organisation ${orgUscc} has no seal ${opts.sealCode}`,
        404,
      );
    return s;
  }
  let seals = ts.listFor(orgUscc).filter((s) => !opts.typeCode || s.typeCode === opts.typeCode);
  if (!seals.length && opts.orgName && !opts.typeCode) {
    ts.svc.makeSeal({
      org: { uscc: orgUscc, name: opts.orgName },
      type: SEEDED_SEAL.type,
      validity: { start: SEEDED_SEAL.validStart, end: SEEDED_SEAL.validEnd },
      now: SEEDED_SEAL.createdAt,
    });
    seals = ts.svc.listSeals({ uscc: orgUscc });
  }
  const ranked = [...seals.filter((s) => s.typeCode === "01"), ...seals.filter((s) => s.typeCode !== "01")];
  const usable = ranked.find((s) => effectiveStatus(s, now) === "active");
  if (usable) return usable;
  // None usable: sign with the preferred one so the core raises its precise reason (revoked, suspended, expired…).
  if (ranked.length) return ranked[0];
  throw new EsealError(
    "SEAL_NOT_FOUND",
    `单位 ${orgUscc} 没有${opts.typeCode ? `类型 ${opts.typeCode} 的` : ""}电子印章`,
    `organisation ${orgUscc} has no e-seal${opts.typeCode ? ` of type ${opts.typeCode}` : ""}`,
    404,
  );
}

export function createEsealApi(reg: TenantSealRegistry): EsealApi {
  // a save that lost to another replica's runs the call again on the new state (tenant-seals.ts)
  const seal = (...a: Parameters<typeof sealOnce>) => retryOnConflict(() => sealOnce(...a));

  async function sealOnce(
    ctx: EsealApiContext,
    orgUscc: string,
    data: { document?: Uint8Array; digest?: Uint8Array },
    propertyInfo: string,
    opts: SealDocumentOptions = {},
  ): Promise<SealedDocument> {
    const ts = await reg.open(ctx.store);
    const now = opts.now ?? ctx.clock.now();
    // an organisation outside the seed gets its first seal made in chooseSeal: its number from the shared counter
    if (opts.orgName && !opts.sealCode && !opts.typeCode && !ts.listFor(orgUscc).length)
      await ts.reserveSequence(orgUscc.slice(2, 8));
    try {
      const s = chooseSeal(ts, orgUscc, now, opts);
      const r = data.digest
        ? ts.svc.signDigest({ sealCode: s.sealCode, digest: data.digest, now, propertyInfo })
        : ts.svc.signDocument({ sealCode: s.sealCode, document: data.document!, now, propertyInfo });
      return {
        signature: r.signature,
        sealId: s.sealCode,
        sealName: s.name,
        signingTime: r.signingTime,
        dataHash: r.dataHash,
      };
    } finally {
      await ts.save();
    }
  }

  async function verifyOnce(
    ctx: EsealApiContext,
    signatureDer: Uint8Array,
    original?: Uint8Array | { digest: Uint8Array },
  ): Promise<VerificationReport> {
    const ts = await reg.open(ctx.store);
    const o =
      original === undefined
        ? {}
        : original instanceof Uint8Array
          ? { document: original }
          : { digest: original.digest };
    try {
      return ts.verify(signatureDer, o, ctx.clock.now());
    } finally {
      await ts.save();
    }
  }

  const api: EsealApi = {
    sealDocument: (ctx, orgUscc, document, propertyInfo, opts) => seal(ctx, orgUscc, { document }, propertyInfo, opts),
    sealDigest: (ctx, orgUscc, digest, propertyInfo, opts) => seal(ctx, orgUscc, { digest }, propertyInfo, opts),

    verify: (ctx, signatureDer, original) => retryOnConflict(() => verifyOnce(ctx, signatureDer, original)),

    listSeals: (ctx, orgUscc) =>
      retryOnConflict(async () => {
        const ts = await reg.open(ctx.store);
        const seals = ts.listFor(orgUscc);
        await ts.save();
        return seals;
      }),

    sealerFor: (ctx) => ({
      sealDocument: (orgUscc, document, propertyInfo, now) =>
        seal(ctx, orgUscc, { document }, propertyInfo, { now: now?.getTime() }),
      verify: (signature, document) => api.verify(ctx, signature, document),
    }),

    pki: {
      rootPem: () => reg.pki.rootPem(),
      sealMakerPem: () => reg.pki.sealMakerPem(),
      rootDer: () => Buffer.from(reg.pki.root.certDer),
      sealMakerDer: () => Buffer.from(reg.pki.sealMaker.certDer),
    },
  };
  return api;
}
