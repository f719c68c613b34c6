// The small async store behind all platform state (architecture.md §4), with its in-memory implementation.
import { ClaimTable } from "./claim-table.js";
import { Clock } from "./clock.js";

/** The store named in `path` (a file, a Redis address without its password) cannot be opened: start-up stops. */
export class StoreOpenError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`无法打开状态存储 / cannot open the state store ${path}: ${reason}`);
    this.name = "StoreOpenError";
  }
}

/** The store went away while running (Redis lost): the request is refused 50201 with this reason; serving resumes. */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`状态存储不可用 / the state store is unavailable: ${reason}`);
    this.name = "StoreUnavailableError";
  }
}

export interface PutOptions {
  /** Time to live in ms, measured on the tenant's virtual clock. */
  ttlMs?: number;
  /** Secondary index values: index name -> key; list({index, value}) finds the record by them. */
  index?: Record<string, string>;
  /**
   * No process keeps anything of this kind in memory (audit entries): on a shared store the write is not announced to
   * the other replicas (StoreBackend.watch), which saves each of them a message per write.
   */
  silent?: boolean;
  /**
   * The id of another record of the same kind that goes in the same step (a capped log's oldest entry, as the newest
   * is written): one write instead of a put and a delete.
   */
  evict?: string;
}

export interface Store {
  get<T = unknown>(kind: string, id: string): Promise<T | undefined>;
  put<T = unknown>(kind: string, id: string, value: T, opts?: PutOptions): Promise<void>;
  /** `silent`: as PutOptions.silent (a kind no process keeps in memory: the other replicas are not told). */
  delete(kind: string, id: string, opts?: { silent?: boolean }): Promise<boolean>;
  /** All live records of a kind, or those whose index `index` equals `value`; insertion order. */
  list<T = unknown>(kind: string, by?: { index: string; value: string }): Promise<T[]>;
  /**
   * Atomic claim-with-TTL (nonces, facts §1.4): true when `id` was free and is now taken for `ttlMs` on the tenant's
   * clock, false while it is still taken. A backend may answer synchronously (memory does: the signed hot path awaits
   * nothing); callers handle both.
   */
  claim(kind: string, id: string, ttlMs: number): boolean | Promise<boolean>;
  /** Counter (sequences): the next value of `key`, above both every value handed out and `floor`. */
  next(kind: string, key: string, floor?: number): Promise<number>;
  /**
   * Bounded counter (quotas), atomic across processes: adds `delta` to `key` and answers the new value, or null —
   * nothing changed — when it would rise above `max` or fall below 0. `delta` 0 reads the value (0 when never set).
   * It shares `next`'s counters.
   */
  add(kind: string, key: string, delta: number, max?: number): Promise<number | null>;
  /**
   * Capped append (journals): adds `values` in order, as one write, and keeps the newest `cap` values of `kind`. A
   * batch is what lets a journal send one command per many entries to a shared store.
   */
  append(kind: string, values: readonly unknown[], cap: number): Promise<void>;
  /** The appended values of `kind`, oldest first; the newest `limit` when given. */
  tail<T = unknown>(kind: string, limit?: number): Promise<T[]>;
  /** What is held, for diagnostics and tests: live records and approx JSON bytes per kind, log lengths, claims. */
  stats(): StoreStats;
  /** Drop everything of this namespace (tenant reset): records, claims, counters, logs. */
  clear(): void | Promise<void>;
}

/**
 * Where the sandbox keeps state: one namespace per tenant, plus the sandbox's own
 * (registered tenants and the like). Values must be plain JSON (no Buffer, Date, Map, bigint): a durable backend
 * stores them serialised, so a value read back is a copy — change it, then `put` it again.
 */
export interface StoreBackend {
  readonly name: "memory" | "sqlite" | "redis";
  /** For the start banner and GET /_gatesim/ready, e.g. "memory" or "sqlite /srv/gatesim/state.db". */
  describe(): string;
  /** One tenant's namespace; TTLs run on that tenant's (virtual) clock. */
  forTenant(paasid: string, clock: Clock): Store;
  /** The sandbox-wide namespace (tenant registry, …), on the real clock. */
  sandbox(): Store;
  health(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
  /**
   * Backends that commit in groups (SQLite): resolves once every write made so far is durable; rejects when a write
   * was lost. The gateway awaits it before any answer leaves, so an acknowledged write is on disk. Without it, a
   * write is durable when its promise resolves.
   */
  sync?(): Promise<void>;
  /**
   * Shared backends only (Redis): hear about writes other processes made to the sandbox and platform namespaces
   * (`~…`), so what a process keeps in memory from them (tenants, clocks, rules, identity clients) follows.
   */
  watch?(onChange: (change: StoreChange) => void): void;
}

/** A write another process made: `ns` "~sandbox" or "~<platform>", the record's kind and id. */
export interface StoreChange {
  ns: string;
  kind: string;
  id: string;
  op: "put" | "delete" | "clear";
}

export interface StoreStats {
  /** kind -> live records and approximate size (JSON characters of their values). */
  kinds: Record<string, { records: number; bytes: number }>;
  /** log kind -> values held. */
  logs: Record<string, number>;
  /** claim kind -> live claims. */
  claims: Record<string, number>;
  /** Counters handed out so far (sequences). */
  counters: number;
}

export interface MemoryStoreOptions {
  /** Live claims kept per kind before the oldest go (bounded memory; gateway.nonceCacheMax). */
  claimMax?: number;
  /**
   * Keep values as JSON text, as a durable backend does: a value read back is a copy, and a value that is not plain
   * JSON fails at `put`. Tests use it to prove platform code does not rely on in-place mutation of stored objects.
   */
  json?: boolean;
}

interface Entry {
  value: unknown;
  expiresAt: number | null;
  index?: Record<string, string>;
}

/** One tenant's namespace in memory. Expired records vanish on read (virtual clock). */
export class MemoryStore implements Store {
  private readonly kinds = new Map<string, Map<string, Entry>>();
  private readonly claims = new Map<string, ClaimTable>();
  private readonly counters = new Map<string, number>();
  private readonly logs = new Map<string, { items: unknown[]; cap: number }>();
  private readonly claimMax: number;
  private readonly json: boolean;

  constructor(
    private readonly clock: Clock,
    opts: MemoryStoreOptions = {},
  ) {
    this.claimMax = opts.claimMax ?? 1_000_000;
    this.json = opts.json ?? false;
  }

  private encode(kind: string, value: unknown): unknown {
    if (!this.json) return value;
    return jsonText(kind, value);
  }

  private decode(value: unknown): unknown {
    return this.json && typeof value === "string" ? JSON.parse(value) : value;
  }

  private bucket(kind: string): Map<string, Entry> {
    let b = this.kinds.get(kind);
    if (!b) this.kinds.set(kind, (b = new Map()));
    return b;
  }

  private live(e: Entry | undefined): e is Entry {
    return !!e && (e.expiresAt === null || e.expiresAt > this.clock.now());
  }

  async get<T>(kind: string, id: string): Promise<T | undefined> {
    const b = this.kinds.get(kind);
    const e = b?.get(id);
    if (!this.live(e)) {
      if (e) b!.delete(id);
      return undefined;
    }
    return this.decode(e.value) as T;
  }

  async put<T>(kind: string, id: string, value: T, opts: PutOptions = {}): Promise<void> {
    const b = this.bucket(kind);
    const entry = {
      value: this.encode(kind, value),
      expiresAt: opts.ttlMs !== undefined ? this.clock.now() + opts.ttlMs : null,
      index: opts.index,
    };
    b.delete(id); // keep insertion order = last write
    b.set(id, entry);
    if (opts.evict !== undefined && opts.evict !== id) b.delete(opts.evict);
  }

  async delete(kind: string, id: string): Promise<boolean> {
    return this.kinds.get(kind)?.delete(id) ?? false;
  }

  async list<T>(kind: string, by?: { index: string; value: string }): Promise<T[]> {
    const b = this.kinds.get(kind);
    if (!b) return [];
    const out: T[] = [];
    for (const [id, e] of b) {
      if (!this.live(e)) {
        b.delete(id);
        continue;
      }
      if (by && e.index?.[by.index] !== by.value) continue;
      out.push(this.decode(e.value) as T);
    }
    return out;
  }

  claim(kind: string, id: string, ttlMs: number): boolean {
    let t = this.claims.get(kind);
    if (!t) this.claims.set(kind, (t = new ClaimTable(this.claimMax)));
    return t.claim(id, ttlMs, this.clock.now());
  }

  /** Live claims of a kind (for tests and readiness). */
  claimCount(kind: string): number {
    return this.claims.get(kind)?.size ?? 0;
  }

  async next(kind: string, key: string, floor = 0): Promise<number> {
    const k = `${kind}\u0000${key}`;
    const n = Math.max(this.counters.get(k) ?? 0, floor) + 1;
    this.counters.set(k, n);
    return n;
  }

  async add(kind: string, key: string, delta: number, max = Infinity): Promise<number | null> {
    const k = `${kind}\u0000${key}`;
    const n = (this.counters.get(k) ?? 0) + delta;
    if (delta === 0) return n;
    if (n > max || n < 0) return null;
    this.counters.set(k, n);
    return n;
  }

  async append(kind: string, values: readonly unknown[], cap: number): Promise<void> {
    const encoded = values.map((v) => this.encode(kind, v)); // all or none: a bad value stores nothing
    let log = this.logs.get(kind);
    if (!log) this.logs.set(kind, (log = { items: [], cap }));
    log.cap = Math.max(1, cap);
    for (const e of encoded) log.items.push(e);
    // trim in batches: amortised O(1) per append, never more than 2 × cap held
    if (log.items.length > log.cap * 2) log.items.splice(0, log.items.length - log.cap);
  }

  async tail<T>(kind: string, limit?: number): Promise<T[]> {
    const log = this.logs.get(kind);
    if (!log) return [];
    const keep = Math.min(log.cap, limit ?? log.cap);
    return log.items.slice(Math.max(0, log.items.length - keep)).map((v) => this.decode(v)) as T[];
  }

  stats(): StoreStats {
    const out: StoreStats = { kinds: {}, logs: {}, claims: {}, counters: this.counters.size };
    for (const [kind, b] of this.kinds) {
      let records = 0;
      let bytes = 0;
      for (const e of b.values()) {
        if (!this.live(e)) continue;
        records++;
        bytes += typeof e.value === "string" && this.json ? e.value.length : (JSON.stringify(e.value)?.length ?? 0);
      }
      if (records) out.kinds[kind] = { records, bytes };
    }
    for (const [kind, log] of this.logs) out.logs[kind] = Math.min(log.items.length, log.cap);
    for (const [kind, t] of this.claims) out.claims[kind] = t.size;
    return out;
  }

  /** Drop everything (tenant reset): records, claims, counters, logs. */
  clear(): void {
    this.kinds.clear();
    this.claims.clear();
    this.counters.clear();
    this.logs.clear();
  }
}

/**
 * A value as JSON text, refusing what JSON would silently change (Buffer, Date, Map, Set, bigint, undefined in
 * arrays, functions): the durable backends store exactly this text, so the error names the kind and the path.
 */
export function jsonText(kind: string, value: unknown): string {
  const bad = notPlainJson(value);
  if (bad) {
    let at = kind;
    for (let i = bad.path.length - 1; i >= 0; i--) {
      const step = bad.path[i];
      at += typeof step === "number" ? `[${step}]` : `.${step}`;
    }
    throw new TypeError(`store: ${at} ${bad.what}`);
  }
  return JSON.stringify(value);
}

/**
 * Where `v` holds what JSON would silently change: what is there, and the path to it (innermost step first), built
 * only on the way back from a failure — the check runs on every durable write, and a path string per node was most of
 * its cost. Undefined when `v` is plain JSON.
 */
function notPlainJson(v: unknown): { what: string; path: (string | number)[] } | undefined {
  if (v === null) return undefined;
  switch (typeof v) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(v) ? undefined : { what: `is ${v}, which JSON cannot keep`, path: [] };
    case "object":
      break;
    default:
      return { what: `is a ${typeof v}, which JSON cannot keep`, path: [] };
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const bad = x === undefined ? { what: "is undefined, which JSON turns into null", path: [] } : notPlainJson(x);
      if (bad) {
        bad.path.push(i);
        return bad;
      }
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
    return { what: `is a ${name ?? "non-plain object"}, not plain JSON`, path: [] };
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x === undefined) continue;
    const bad = notPlainJson(x);
    if (bad) {
      bad.path.push(k);
      return bad;
    }
  }
  return undefined;
}

/** Today's default: every namespace in this process's memory, gone when it stops. */
export class MemoryBackend implements StoreBackend {
  readonly name = "memory" as const;
  private readonly sandboxStore: MemoryStore;

  constructor(private readonly opts: MemoryStoreOptions = {}) {
    this.sandboxStore = new MemoryStore(new Clock(), opts);
  }

  describe(): string {
    return "memory";
  }

  forTenant(_paasid: string, clock: Clock): MemoryStore {
    return new MemoryStore(clock, this.opts);
  }

  sandbox(): MemoryStore {
    return this.sandboxStore;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    return { ok: true, detail: "进程内存，重启即清空 / process memory, empty after a restart" };
  }

  async close(): Promise<void> {}
}
