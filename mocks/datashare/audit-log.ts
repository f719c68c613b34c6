// Append-only audit log of data-sharing calls (facts §5.4, §8.5) with consumer/provider views and NDJSON/CSV export.
import { hash } from "node:crypto";
import type { Store } from "../shared/store.js";
import type { Actor, AuditEntry, TenantDirectory } from "./types.js";

const K_AUDIT = "ds.audit";

/** JSON with object keys sorted, so equal bodies hash equally whatever the key order. Plain loops: it runs on every
 *  GatewayMsg call (about a third cheaper than map/filter/join). */
export function canonicalJson(v: unknown): string {
  if (typeof v === "bigint") return JSON.stringify(String(v)); // in-process callers can pass what JSON cannot
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i ? "," : "") + canonicalJson(v[i]);
    return s + "]";
  }
  const o = v as Record<string, unknown>;
  let s = "{";
  let first = true;
  for (const k of Object.keys(o).sort()) {
    const x = o[k];
    if (x === undefined) continue;
    s += (first ? "" : ",") + JSON.stringify(k) + ":" + canonicalJson(x);
    first = false;
  }
  return s + "}";
}

/** SHA-256 hex of the request (§5.4 "request hash"): of the raw bytes when given, else of the canonical JSON. */
export function requestHash(body: unknown): string {
  return hash("sha256", Buffer.isBuffer(body) ? body : canonicalJson(body), "hex");
}

export interface AuditFilter {
  serviceId?: string;
  /** ms since the epoch, inclusive */
  since?: number;
  until?: number;
  /** only calls with this errcode */
  errcode?: number;
  /** newest N */
  limit?: number;
}

/** Largest audit_info kept as sent (characters of its JSON); a bigger one is kept as its first 1,024 characters. */
export const AUDIT_INFO_MAX_CHARS = 4096;

/** The stored order of an entry's fields; also the key order entries are read back (and exported) in. */
const FIELDS = [
  "seq",
  "id",
  "time",
  "consumerPaasid",
  "provider",
  "providerCode",
  "ownerPaasid",
  "serviceId",
  "resourceCode",
  "resourceName",
  "auditInfo",
  "purpose",
  "itemCode",
  "fieldsReturned",
  "rowCount",
  "errcode",
  "reason",
  "requestHash",
  "latencyMs",
  "traceId",
  "providerViolations",
] as const satisfies readonly (keyof AuditEntry)[];
const AUDIT_INFO = FIELDS.indexOf("auditInfo");

/**
 * Entries are stored as the UTF-8 JSON of their values in FIELDS order (no keys), in the log's Arena, not as
 * objects. As objects (the entry, the request's audit_info, their strings; ≈800 B each) 200,000 of them, promoted
 * between short-lived request objects, fragmented the heap: ≈830 MB of heap for ≈210 MB live after 300,000 calls.
 * Reads are rare (audit views, exports) and decode. audit_info is the client's: a huge one is cut
 * (AUDIT_INFO_MAX_CHARS), one JSON cannot express is described.
 */
function encode(e: AuditEntry): string {
  const values: unknown[] = new Array(FIELDS.length);
  for (let i = 0; i < FIELDS.length; i++) values[i] = e[FIELDS[i]];
  let json: string;
  try {
    json = JSON.stringify(values);
  } catch {
    values[AUDIT_INFO] = { _unserialisable: true, type: typeof e.auditInfo };
    json = JSON.stringify(values);
  }
  if (json.length > AUDIT_INFO_MAX_CHARS + 2048) {
    const info = JSON.stringify(values[AUDIT_INFO]) ?? "null";
    if (info.length > AUDIT_INFO_MAX_CHARS) {
      values[AUDIT_INFO] = { _truncated: true, chars: info.length, head: info.slice(0, 1024) };
      json = JSON.stringify(values);
    }
  }
  return json;
}

/**
 * Where a log's encoded entries live: views into 256 KB chunks of its own, filled in order. Entries leave in the order
 * they came (the cap drops the oldest), so a chunk is freed when its last entry goes. A slice of Node's shared 8 KB
 * pool instead kept a whole slab alive per entry among other short-lived buffers (≈4 KB per entry measured), and a
 * buffer of its own per entry cost an allocation each (≈2 µs, and allocator slack).
 */
class Arena {
  private chunk = Buffer.allocUnsafeSlow(0);
  private used = 0;
  constructor(private readonly chunkSize: number) {}

  put(text: string): Buffer {
    const n = Buffer.byteLength(text);
    if (this.used + n > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(this.chunkSize, n));
      this.used = 0;
    }
    this.chunk.write(text, this.used);
    const view = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}

/** An entry back from its encoded form: a Buffer in the arena (memory), or the JSON text itself (a durable store). */
function decode(b: Buffer | string): AuditEntry {
  const values = JSON.parse(typeof b === "string" ? b : b.toString("utf8")) as unknown[];
  const e: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS.length; i++) if (values[i] !== null || i === AUDIT_INFO) e[FIELDS[i]] = values[i];
  return e as unknown as AuditEntry;
}

/** An entry's id: its number after DSL, ten digits. */
const auditId = (seq: number): string => `DSL${String(seq).padStart(10, "0")}`;

/** Audit numbers a process takes from a durable store's counter at a time (one counter step per this many calls). */
export const AUDIT_SEQ_BLOCK = 100;

export class AuditLog {
  private readonly arena = new Arena(256 * 1024);
  private seq = 0;
  private dropped = 0;
  /** The block of numbers this process holds from the store's counter: next to hand out, last of the block. */
  private block = { next: 1, last: 0 };
  private refill?: Promise<void>;

  /** `cap` bounds memory: beyond it the oldest entries are dropped and counted (architecture §7: nothing unbounded). */
  constructor(
    private readonly directory: TenantDirectory,
    private readonly cap = 200_000,
  ) {}

  private get store(): Store {
    return this.directory.platform;
  }

  /** Append one call; entries are not changed once the call is answered. */
  async append(e: Omit<AuditEntry, "seq" | "id">): Promise<AuditEntry> {
    const seq = this.directory.durable ? await this.nextDurableSeq() : ++this.seq;
    const entry: AuditEntry = { seq, id: auditId(seq), ...e };
    // the entry and the drop of the oldest are one write (one command on a shared store). On a durable store numbers
    // can skip (AUDIT_SEQ_BLOCK), so the number evicted may have had no entry: counted all the same.
    const evict = seq > this.cap ? auditId(seq - this.cap) : undefined;
    await this.write(entry, evict);
    if (evict) this.dropped++;
    return entry;
  }

  /**
   * Put another record in place of an entry of a call not yet answered, under the same number (a query whose entry
   * was written with its quota step, which then found the quota used up).
   */
  async rewrite(entry: AuditEntry, e: Omit<AuditEntry, "seq" | "id">): Promise<AuditEntry> {
    const again: AuditEntry = { seq: entry.seq, id: entry.id, ...e };
    await this.write(again);
    return again;
  }

  private write(entry: AuditEntry, evict?: string): Promise<void> {
    const text = encode(entry);
    const index: Record<string, string> = { consumer: entry.consumerPaasid, provider: entry.providerCode };
    if (entry.ownerPaasid) index.owner = entry.ownerPaasid; // seeded resources have none: no index row for them
    const value = this.directory.durable ? text : this.arena.put(text);
    return this.store.put(K_AUDIT, entry.id, value, { index, silent: true, ...(evict ? { evict } : {}) });
  }

  /**
   * On a durable store, numbers come in blocks of AUDIT_SEQ_BLOCK from its counter: unique across restarts and
   * replicas, increasing within a process; a restart (or another replica) starts a new block, so numbers can skip.
   */
  private async nextDurableSeq(): Promise<number> {
    while (this.block.next > this.block.last) {
      this.refill ??= this.store.add(K_AUDIT, "seq", AUDIT_SEQ_BLOCK).then(
        (top) => {
          this.block = { next: top! - AUDIT_SEQ_BLOCK + 1, last: top! };
          this.refill = undefined;
        },
        (e: unknown) => {
          this.refill = undefined;
          throw e;
        },
      );
      await this.refill;
    }
    return this.block.next++;
  }

  /** Entries dropped to keep within the cap. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** What a consumer read. */
  async forConsumer(paasid: string, f: AuditFilter = {}): Promise<AuditEntry[]> {
    return applyFilter(
      (await this.store.list<Buffer | string>(K_AUDIT, { index: "consumer", value: paasid })).map(decode),
      f,
    );
  }

  /** Who read the actor's data: entries of resources it owns or whose provider code is its organisation's. */
  async forProvider(actor: Actor, f: AuditFilter = {}): Promise<AuditEntry[]> {
    if (actor.kind === "admin") return applyFilter((await this.store.list<Buffer | string>(K_AUDIT)).map(decode), f);
    const orgCode = this.directory.tenant(actor.paasid)?.orgCode;
    const owned = (await this.store.list<Buffer | string>(K_AUDIT, { index: "owner", value: actor.paasid })).map(
      decode,
    );
    const byOrg = orgCode
      ? (await this.store.list<Buffer | string>(K_AUDIT, { index: "provider", value: orgCode })).map(decode)
      : [];
    const seen = new Set<number>();
    const all = [...owned, ...byOrg]
      .filter((e) => (seen.has(e.seq) ? false : (seen.add(e.seq), true)))
      .sort((a, b) => a.seq - b.seq);
    return applyFilter(all, f);
  }
}

function applyFilter(entries: AuditEntry[], f: AuditFilter): AuditEntry[] {
  const out = entries.filter(
    (e) =>
      (f.serviceId === undefined || e.serviceId === f.serviceId) &&
      (f.since === undefined || e.time >= f.since) &&
      (f.until === undefined || e.time <= f.until) &&
      (f.errcode === undefined || e.errcode === f.errcode),
  );
  return f.limit !== undefined ? out.slice(-f.limit) : out;
}

export function toNdjson(entries: readonly AuditEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : "");
}

export const AUDIT_CSV_COLUMNS = [
  "seq",
  "time",
  "consumer_paasid",
  "provider",
  "provider_code",
  "service_id",
  "resource_code",
  "resource_name",
  "purpose",
  "item_code",
  "operator_id",
  "operator_name",
  "query_object_id_type",
  "query_object_id",
  "terminal_info",
  "fields_returned",
  "row_count",
  "errcode",
  "reason",
  "request_hash",
  "latency_ms",
  "trace_id",
] as const;

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV (RFC 4180, CRLF) with one row per call; fields_returned joined by "|"; time as ISO 8601 UTC. */
export function toCsv(entries: readonly AuditEntry[], opts: { bom?: boolean } = {}): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const e of entries) {
    const a = (e.auditInfo && typeof e.auditInfo === "object" ? e.auditInfo : {}) as Record<string, unknown>;
    lines.push(
      [
        e.seq,
        new Date(e.time).toISOString(),
        e.consumerPaasid,
        e.provider,
        e.providerCode,
        e.serviceId,
        e.resourceCode,
        e.resourceName,
        e.purpose,
        e.itemCode,
        a.operator_id,
        a.operator_name,
        a.query_object_id_type,
        a.query_object_id,
        a.terminal_info,
        e.fieldsReturned.join("|"),
        e.rowCount,
        e.errcode,
        e.reason,
        e.requestHash,
        e.latencyMs,
        e.traceId,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return (opts.bom ? "\ufeff" : "") + lines.join("\r\n") + "\r\n";
}
