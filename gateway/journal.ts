// A bounded ring of exchanges per tenant (architecture.md §7): summarised when read, never unbounded.
import type { Store } from "../mocks/shared/store.js";
import type { Diagnostic } from "../mocks/shared/types.js";
import { mayHoldSecret, redactDeep, redactUrl } from "./redact.js";

/** What a recorded exchange and its journal entry have alike. */
interface ExchangeFacts {
  traceId: string;
  tenant: string;
  operationId: string | null;
  serviceId?: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  violations?: Diagnostic[];
  nearMiss?: Record<string, unknown>;
  scenario?: string;
  event?: string;
}

/** What callers record (ms since the epoch, the parts as received and sent). */
export interface RawExchange extends ExchangeFacts {
  time: number;
  requestHeaders?: Record<string, unknown>;
  requestBody?: unknown;
  /** Instead of requestBody: a JSON request body as the text received, parsed when read (one string kept per entry
   *  rather than the parser's object tree: fewer objects for the garbage collector to copy while the ring turns). */
  requestJson?: string;
  /** Size of the request body as received, when known (bounds what the journal keeps unsummarised). */
  requestBytes?: number;
  /** The response body object (summarised at once: it may be live state). */
  responseBody?: unknown;
  /** The response body as the JSON text that was sent (kept as is, summarised when read). */
  responseJson?: string;
}

/** What the journal shows (ISO time, redacted and summarised parts). */
export interface JournalEntry extends ExchangeFacts {
  time: string;
  request?: { headers?: unknown; body?: unknown };
  response?: { body?: unknown };
}

export interface JournalQuery {
  operationId?: string;
  status?: number;
  since?: number;
  until?: number;
  violations?: boolean;
  limit?: number;
}

/** What a query filters on, read from a raw exchange or from a built entry. */
interface Filterable {
  operationId: string | null;
  status: number;
  time: number;
  violations?: unknown[];
}

function matches(q: JournalQuery, x: Filterable): boolean {
  if (q.operationId && x.operationId !== q.operationId) return false;
  if (q.status !== undefined && x.status !== q.status) return false;
  if (q.since !== undefined && x.time < q.since) return false;
  if (q.until !== undefined && x.time > q.until) return false;
  if (q.violations && !x.violations?.length) return false;
  return true;
}

const asFilterable = (e: JournalEntry): Filterable => ({
  operationId: e.operationId,
  status: e.status,
  time: Date.parse(e.time),
  violations: e.violations,
});

/** One JSON entry per line, oldest first. */
const ndjson = (entries: JournalEntry[]): string =>
  entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : "");

/** Stringify-and-cut: big bodies are truncated to maxBytes of JSON text. */
function summarise(body: unknown, maxBytes: number): unknown {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return `[binary ${body.length} bytes]`;
  // Long strings are cut one by one first, so the structure survives; only then is the whole cut to maxBytes.
  const red = redactDeep(body, Math.max(64, Math.floor(maxBytes / 8)));
  const text = typeof red === "string" ? red : JSON.stringify(red);
  if (text === undefined) return undefined;
  return text.length > maxBytes ? { truncated: true, bytes: text.length, head: text.slice(0, maxBytes) } : red;
}

/**
 * A recorded exchange: the raw parts; the bodies summarised when recorded, if they were (`early`); and the entry once
 * someone has read it (built at most once).
 */
interface Slot {
  raw: RawExchange;
  early?: { request?: unknown; response?: unknown };
  entry?: JournalEntry;
}

/** The store kind a shared journal's entries are appended to (each tenant's namespace). */
export const JOURNAL_KIND = "gatesim.journal";
/** A shared journal sends its entries in batches of at most this many… */
const SHARE_BATCH = 128;
/** …and holds none longer than this (ms). */
const SHARE_DELAY_MS = 10;

export class Journal {
  private ring: (Slot | undefined)[];
  private next = 0;
  private count = 0;
  private droppedCount = 0;
  /** On a shared store (Redis): every entry is also appended there, and reads see every replica's entries. */
  private sharedStore?: Store;
  private onShareError?: (e: unknown) => void;
  /** Recorded, not yet sent to the shared store (queueShared). */
  private pending: Slot[] = [];
  private shareTimer?: NodeJS.Timeout;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly cap: number,
    private readonly maxBodyBytes: number,
  ) {
    this.ring = new Array(cap);
  }

  /**
   * Hot path: keep references and summarise only when the journal is read — most entries never are, so redaction and
   * truncation cost nothing per request. What is kept cannot change afterwards: the response as the JSON text that
   * was sent (`responseJson`), request headers and the parser's fresh body object. A response given as an object
   * (events, the proxy) may be live state, so it is summarised now; so is any body larger than maxBodyBytes, which
   * keeps a slot near what a summary holds (a tenant's ring near cap × 2 × maxBodyBytes, 8 MB by default).
   */
  record(x: RawExchange): void {
    const max = this.maxBodyBytes;
    const slot: Slot = { raw: x };
    const bigJson = x.responseJson !== undefined && x.responseJson.length > max;
    const bigRequest = (x.requestBody !== undefined || x.requestJson !== undefined) && (x.requestBytes ?? 0) > max;
    if (x.responseBody !== undefined || bigJson || bigRequest) {
      slot.early = {};
      if (x.responseBody !== undefined) slot.early.response = summarise(x.responseBody, max);
      else if (bigJson) slot.early.response = summarise(parseJson(x.responseJson!), max);
      if (bigRequest) slot.early.request = summarise(requestBodyOf(x), max);
      // keep only the summaries of what was summarised
      slot.raw = {
        ...x,
        responseBody: undefined,
        ...(bigJson ? { responseJson: undefined } : {}),
        ...(bigRequest ? { requestBody: undefined, requestJson: undefined } : {}),
      };
    }
    if (this.count === this.cap) this.droppedCount++;
    else this.count++;
    this.ring[this.next] = slot;
    this.next = (this.next + 1) % this.cap;
    if (this.sharedStore) this.queueShared(slot);
  }

  /**
   * Off the answer's path, entries go to the shared store in batches: one append per SHARE_BATCH entries or per
   * SHARE_DELAY_MS, whichever comes first. Per entry, the command and its script cost the simulator more CPU than the
   * entry itself; a batch pays them once (measured with scripts/bench/store.mjs on a 2-core VM: simulator CPU per
   * signed query on Redis ≈560 → ≈440 µs, with sharedRecord below ≈406 µs). Another replica sees an entry up to SHARE_DELAY_MS later; this one sees its own at
   * once (reads flush first).
   */
  private queueShared(slot: Slot): void {
    this.pending.push(slot);
    if (this.pending.length >= SHARE_BATCH) this.sendShared();
    else if (!this.shareTimer) {
      this.shareTimer = setTimeout(this.sendShared, SHARE_DELAY_MS);
      this.shareTimer.unref();
    }
  }

  /** Sends what is queued (summarised now: it leaves the process); a failed append is reported, never thrown. */
  private readonly sendShared = (): void => {
    clearTimeout(this.shareTimer);
    this.shareTimer = undefined;
    if (!this.pending.length || !this.sharedStore) return;
    const entries = this.pending.map((s) => this.sharedRecord(s));
    this.pending = [];
    const sent = this.sharedStore
      .append(JOURNAL_KIND, entries, this.cap)
      .catch((e: unknown) => this.onShareError?.(e))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  };

  /**
   * What goes to the shared store for a slot. Most exchanges carry nothing redaction would change: for them the raw
   * exchange goes (headers and URL redacted, the JSON bodies as the texts they were), and the entry is built when read,
   * as the memory journal does — building it here (parse, summarise, redact, serialise) was over half of what sharing
   * cost per request. Anything else goes as its built entry, so no secret ever leaves the process.
   */
  private sharedRecord(s: Slot): RawExchange | JournalEntry {
    const x = s.raw;
    if (
      s.entry ||
      s.early ||
      x.requestBody !== undefined ||
      x.violations?.length ||
      x.nearMiss ||
      (x.requestJson !== undefined && mayHoldSecret(x.requestJson)) ||
      (x.responseJson !== undefined && mayHoldSecret(x.responseJson))
    )
      return this.entryOf(s);
    const raw: RawExchange = { ...x, url: redactUrl(x.url) };
    if (x.requestHeaders) raw.requestHeaders = redactDeep(x.requestHeaders) as Record<string, unknown>;
    return raw;
  }

  /** Every entry recorded so far is in the shared store (or its append failed and was reported). */
  async flush(): Promise<void> {
    this.sendShared();
    while (this.sending.size) await Promise.all([...this.sending]);
  }

  /**
   * Keep the journal in a shared store too (Redis: several replicas are one sandbox), so that journal reads, exports
   * and the readiness report see the traffic every replica served. A failed append is reported, never thrown.
   */
  share(store: Store, onError: (e: unknown) => void): void {
    this.sharedStore = store;
    this.onShareError = onError;
  }

  /** Oldest first: this process's entries, or every replica's on a shared store (merged by time). */
  async read(): Promise<JournalEntry[]> {
    if (!this.sharedStore) return this.entries();
    await this.flush();
    // raw exchanges (their time in ms) are built into entries here; built entries are as they were stored
    const all = (await this.sharedStore.tail<RawExchange | JournalEntry>(JOURNAL_KIND)).map((r) =>
      typeof r.time === "number" ? this.entryOf({ raw: r as RawExchange }) : (r as JournalEntry),
    );
    return all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  /** query() over every replica's entries on a shared store; this process's otherwise. */
  async queryAll(q: JournalQuery = {}): Promise<{ entries: JournalEntry[]; total: number; dropped: number }> {
    if (!this.sharedStore) return this.query(q);
    const matched = (await this.read()).reverse().filter((e) => matches(q, asFilterable(e)));
    return { entries: matched.slice(0, q.limit ?? 100), total: matched.length, dropped: this.droppedCount };
  }

  /** The journal as NDJSON, oldest first: every replica's entries on a shared store, this process's otherwise. */
  async exportAll(): Promise<string> {
    return ndjson(await this.read());
  }

  private entryOf(s: Slot): JournalEntry {
    if (s.entry) return s.entry;
    const x = s.raw;
    const e: JournalEntry = {
      time: new Date(x.time).toISOString(),
      traceId: x.traceId,
      tenant: x.tenant,
      operationId: x.operationId,
      method: x.method,
      url: redactUrl(x.url),
      status: x.status,
      durationMs: Math.round(x.durationMs * 1000) / 1000,
    };
    if (x.serviceId) e.serviceId = x.serviceId;
    const early = s.early ?? {};
    const requestBody = "request" in early ? early.request : summarise(requestBodyOf(x), this.maxBodyBytes);
    if (x.requestHeaders || requestBody !== undefined)
      e.request = { headers: x.requestHeaders && redactDeep(x.requestHeaders), body: requestBody };
    if ("response" in early) e.response = { body: early.response };
    else if (x.responseJson !== undefined)
      e.response = { body: summarise(parseJson(x.responseJson), this.maxBodyBytes) };
    if (x.violations?.length) e.violations = redactDeep(x.violations) as Diagnostic[];
    if (x.nearMiss) e.nearMiss = x.nearMiss;
    if (x.scenario) e.scenario = x.scenario;
    if (x.event) e.event = x.event;
    s.entry = e;
    s.raw = RELEASED; // the summary is all that is kept from now on
    s.early = undefined;
    return e;
  }

  /** Oldest first. */
  private slots(): Slot[] {
    const out: Slot[] = [];
    const start = (this.next - this.count + this.cap) % this.cap;
    for (let i = 0; i < this.count; i++) out.push(this.ring[(start + i) % this.cap]!);
    return out;
  }

  /** Oldest first. */
  entries(): JournalEntry[] {
    return this.slots().map((s) => this.entryOf(s));
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Newest first, filtered (on the raw parts, so only the entries returned are summarised). */
  query(q: JournalQuery = {}): { entries: JournalEntry[]; total: number; dropped: number } {
    const matched = this.slots()
      .reverse()
      .filter((s) => matches(q, s.entry ? asFilterable(s.entry) : s.raw));
    return {
      entries: matched.slice(0, q.limit ?? 100).map((s) => this.entryOf(s)),
      total: matched.length,
      dropped: this.droppedCount,
    };
  }

  /** Forgets every entry, those not yet shared too (a reset: they are of before it). */
  clear(): void {
    clearTimeout(this.shareTimer);
    this.shareTimer = undefined;
    this.pending = [];
    this.ring = new Array(this.cap);
    this.next = 0;
    this.count = 0;
    this.droppedCount = 0;
  }
}

const RELEASED: RawExchange = {
  time: 0,
  traceId: "",
  tenant: "",
  operationId: null,
  method: "",
  url: "",
  status: 0,
  durationMs: 0,
};

const requestBodyOf = (x: RawExchange): unknown =>
  x.requestJson !== undefined
    ? parseJson(x.requestJson.charCodeAt(0) === 0xfeff ? x.requestJson.slice(1) : x.requestJson)
    : x.requestBody;

/** JSON text (sent, or received and accepted by the parser); a text that does not parse (never expected) is shown as text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
