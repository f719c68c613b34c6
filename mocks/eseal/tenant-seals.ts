// One seal service per tenant over the tenant's Store (architecture §4): seals, sequences and revocations are the
// tenant's own (reset clears them), the PKI's keys and certificates are shared and derived from the seed.
import type { Enterprise, Seed } from "../shared/seed-types.js";
import { PlatformSequences } from "../shared/sequences.js";
import type { Store } from "../shared/store.js";
import { createSealService, type SealRecord, type SealService, type SealServiceState } from "./seal-service.js";
import { DEFAULT_SEAL_TYPES, type SealType } from "./seal-type-codes.js";
import { createTestPki, type TestPki } from "./test-pki.js";
import { parseSignature } from "./ses-parse.js";
import type { VerificationReport } from "./verification-report.js";

export interface TenantSealsOptions {
  /** Seal type table (default facts §8.3). */
  sealTypes?: readonly SealType[];
  /** SES_Header.vid. */
  vid?: string;
  /**
   * Largest document accepted for signing/verifying (bytes). Default 5 MiB: its base64 (~6.7 MiB) stays under the
   * gateway's 10 MiB body limit, so the caller gets the e-seal platform's own 41320 rather than the gateway's 41301.
   */
  maxDocumentBytes?: number;
}

/** Seeded seals (法定名称章 of every seeded legal person in business): fixed dates so every tenant gets the same bytes. */
export const SEEDED_SEAL = Object.freeze({
  type: "01",
  createdAt: Date.parse("2024-01-01T00:00:00Z"),
  validStart: Date.parse("2024-01-01T00:00:00Z"),
  validEnd: Date.parse("2043-12-31T23:59:59Z"),
  /** Seeded seal codes use sequences from here (+ the enterprise's seed index); applied seals count from 1. */
  sequenceBase: 9_000_000,
});

const STORE_KIND = "eseal";
const STORE_ID = "state";
const VERSION_KIND = "eseal.version";
/** The version a stored blob was written at (absent in blobs written before it existed). */
const BLOB_VERSION = "_version";

/**
 * Another replica saved this tenant's seals between this request's read and its save: nothing of this request was
 * stored; run it again on the new state (platform.ts wraps every handler so, and the in-process API does, a few times).
 */
export class EsealConflict extends Error {
  constructor() {
    super("eseal state changed by another replica");
  }
}

/** Run `fn` again while it ends in EsealConflict (5 attempts; the last conflict propagates). */
export async function retryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof EsealConflict) || attempt >= 5) throw e;
    }
  }
}

interface CachedSeals {
  state: SealServiceState;
  svc: SealService;
  /** svc.changes when the state was last stored (or read): a save with none since writes nothing. */
  stored: number;
}

/** A tenant's seal service for one request; call save() after using it (it writes only when something changed). */
export interface TenantSeals {
  readonly svc: SealService;
  /** The seal, creating a seeded organisation's 法定名称章 on first use. */
  find(sealCode: string): SealRecord | undefined;
  /** An organisation's seals, its seeded seal included. */
  listFor(uscc: string): SealRecord[];
  /** Creates the seeded seal of a seeded organisation if this tenant has not got it yet; returns it. */
  ensureSeeded(uscc: string): SealRecord | undefined;
  /**
   * Take the next platform-wide seal sequence of `division` now, for the makeSeal that follows: the seal service
   * numbers synchronously, and the number must come from the shared store's atomic counter (replicas).
   */
  reserveSequence(division: string): Promise<void>;
  /** 验章 on this tenant's seal statuses (a seeded seal it has not touched yet is created first: it has a status). */
  verify(
    signature: Uint8Array,
    original: { digest?: Uint8Array; document?: Uint8Array },
    now: number,
  ): VerificationReport;
  /**
   * Stores the state when it changed since it was last stored (a seal made — a seeded organisation's on its first
   * look-up too — a status set, a certificate revoked); a read costs no write (a version step and a blob put).
   */
  save(): Promise<void>;
}

const LIVE = new Set(["存续", "在业"]);

export class TenantSealRegistry {
  readonly pki: TestPki;
  readonly sealTypes: readonly SealType[];
  readonly maxDocumentBytes: number;
  private readonly vid?: string;
  /**
   * Per tenant store: the state this process works on and the service over it, valid while the store's version counter
   * (bumped by every save) is the one this process last saw or wrote. Every request of the process shares one state
   * object, so concurrent requests of a tenant never save over each other's changes (a durable store hands back a
   * copy on every read); a reset, or another replica's save, changes the version and the state is read again.
   */
  private readonly cache = new WeakMap<Store, { version: number; hit: Promise<CachedSeals> }>();
  /** Applied seal codes are unique platform-wide, as national seal codes are (facts §8.3), not per tenant. */
  private readonly sequences = new PlatformSequences();

  /** Seal-code sequences kept in the sandbox store: a restart does not hand out a code another tenant holds. */
  attachStore(store: Store): Promise<void> {
    return this.sequences.attach(store, "eseal.sequence");
  }

  constructor(
    private readonly seed: Seed,
    opts: TenantSealsOptions = {},
  ) {
    this.pki = createTestPki({ seed: seed.value });
    this.sealTypes = opts.sealTypes ?? DEFAULT_SEAL_TYPES;
    this.maxDocumentBytes = opts.maxDocumentBytes ?? 5 * 1024 * 1024;
    this.vid = opts.vid;
  }

  /** A seeded legal person in business, by USCC. */
  seededOrg(uscc: string): Enterprise | undefined {
    const e = this.seed.enterprises.byUscc(uscc);
    return e && LIVE.has(e.status) && /^e\d{6}$/.test(e.id) ? e : undefined;
  }

  /** The code a seeded organisation's 法定名称章 has in every tenant. */
  seededCode(e: Enterprise): string {
    return e.uscc.slice(2, 8) + String(SEEDED_SEAL.sequenceBase + Number(e.id.slice(1))).padStart(7, "0");
  }

  private seededOrgOfCode(sealCode: string): Enterprise | undefined {
    const seq = Number(sealCode.slice(6));
    if (!/^\d{13}$/.test(sealCode) || seq < SEEDED_SEAL.sequenceBase) return undefined;
    const e = this.seed.enterprises.byId("e" + String(seq - SEEDED_SEAL.sequenceBase).padStart(6, "0"));
    return e && this.seededOrg(e.uscc) && this.seededCode(e) === sealCode ? e : undefined;
  }

  /**
   * The stored state written at `version` or later. Another replica bumps the version before its blob lands: wait for
   * it (2 s at most — a replica that died between the two leaves the older blob, which is then taken as it is).
   */
  private async blobAt(store: Store, version: number): Promise<SealServiceState | undefined> {
    for (let waited = 0; ; waited += 10) {
      const blob = await store.get<SealServiceState & { [BLOB_VERSION]?: number }>(STORE_KIND, STORE_ID);
      if (!blob || (blob[BLOB_VERSION] ?? version) >= version || waited >= 2000) {
        if (!blob) return undefined;
        // not `delete`: a memory store hands back the stored object itself
        const { [BLOB_VERSION]: _written, ...state } = blob;
        return state;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async load(store: Store, version: number): Promise<CachedSeals> {
    // a tenant that has made nothing yet gets a fresh state, stored by its first save(): a read or a refused
    // request writes nothing
    const state = (await this.blobAt(store, version)) ?? {
      seals: {},
      sequences: {},
      pki: { revoked: {} },
    };
    for (const [division, n] of Object.entries(state.sequences)) this.sequences.observe(`seal:${division}`, n);
    const nextSequence = (division: string, own: number) => this.sequences.next(`seal:${division}`, own);
    return {
      state,
      svc: createSealService({
        seed: this.seed.value,
        state,
        pki: this.pki,
        sealTypes: this.sealTypes,
        vid: this.vid,
        maxDocumentBytes: this.maxDocumentBytes,
        nextSequence,
      }),
      stored: 0,
    };
  }

  async open(store: Store): Promise<TenantSeals> {
    const version = (await store.add(VERSION_KIND, STORE_ID, 0)) ?? 0;
    let entry = this.cache.get(store);
    if (!entry || entry.version !== version) {
      entry = { version, hit: this.load(store, version) };
      this.cache.set(store, entry);
    }
    const cached = entry;
    const hit = await cached.hit;
    const { svc } = hit;
    const ensureSeeded = (uscc: string): SealRecord | undefined => {
      const e = this.seededOrg(uscc);
      if (!e) return undefined;
      const code = this.seededCode(e);
      const have = svc.getSeal(code);
      if (have) return have;
      return svc.makeSeal({
        org: { uscc: e.uscc, name: e.name },
        type: SEEDED_SEAL.type,
        validity: { start: SEEDED_SEAL.validStart, end: SEEDED_SEAL.validEnd },
        now: SEEDED_SEAL.createdAt,
        sequence: SEEDED_SEAL.sequenceBase + Number(e.id.slice(1)),
      });
    };
    const find = (code: string) =>
      svc.getSeal(code) ?? (this.seededOrgOfCode(code) ? ensureSeeded(this.seededOrgOfCode(code)!.uscc) : undefined);
    const save = async () => {
      // Compare and set: the version moves from the one this state was read at to the next, or not at all (another
      // replica saved this tenant's seals in between: this request is run again on its state — EsealConflict). The
      // blob carries its version, so a reader that sees the counter ahead of the blob waits for the write. A save
      // that fails otherwise leaves the changes counted as not stored: the next save writes them.
      const changes = svc.changes;
      if (changes === hit.stored) return;
      const want = ++cached.version;
      const moved = await store.add(VERSION_KIND, STORE_ID, 1, want);
      if (moved !== want) {
        if (this.cache.get(store) === cached) this.cache.delete(store);
        throw new EsealConflict();
      }
      await store.put(STORE_KIND, STORE_ID, { ...hit.state, [BLOB_VERSION]: want });
      hit.stored = Math.max(hit.stored, changes);
    };
    return {
      svc,
      ensureSeeded,
      reserveSequence: (division) => this.sequences.reserve(`seal:${division}`, hit.state.sequences[division] ?? 0),
      verify: (signature, original, now) => {
        try {
          find(parseSignature(signature).seal.esID);
        } catch {
          // unparseable: the report says so
        }
        return svc.verify(signature, { now, ...original });
      },
      find,
      listFor: (uscc) => {
        ensureSeeded(uscc);
        return svc.listSeals({ uscc });
      },
      save,
    };
  }
}
