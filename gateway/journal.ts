// A bounded ring of exchanges per tenant (architecture.md §7): summarised after the reply is sent, never unbounded.
import type { Diagnostic } from "../mocks/shared/types.js";
import { redactDeep, redactUrl } from "./redact.js";

export interface RawExchange {
  time: number;
  traceId: string;
  tenant: string;
  operationId: string | null;
  serviceId?: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  requestHeaders?: Record<string, unknown>;
  requestBody?: unknown;
  responseBody?: unknown;
  violations?: Diagnostic[];
  nearMiss?: Record<string, unknown>;
  scenario?: string;
  event?: string;
}

export interface JournalEntry {
  time: string;
  traceId: string;
  tenant: string;
  operationId: string | null;
  serviceId?: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  request?: { headers?: unknown; body?: unknown };
  response?: { body?: unknown };
  violations?: Diagnostic[];
  nearMiss?: Record<string, unknown>;
  scenario?: string;
  event?: string;
}

export interface JournalQuery {
  operationId?: string;
  status?: number;
  since?: number;
  until?: number;
  violations?: boolean;
  limit?: number;
}

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

export class Journal {
  private ring: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;
  private droppedCount = 0;
  private pending: RawExchange[] = [];
  private scheduled = false;

  constructor(private readonly cap: number, private readonly maxBodyBytes: number) {
    this.ring = new Array(cap);
  }

  /** Hot path: keep a reference and summarise later, after the reply went out. */
  record(x: RawExchange): void {
    this.pending.push(x);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const x of batch) this.push(this.toEntry(x));
  }

  private toEntry(x: RawExchange): JournalEntry {
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
    if (x.requestHeaders || x.requestBody !== undefined)
      e.request = { headers: x.requestHeaders && redactDeep(x.requestHeaders), body: summarise(x.requestBody, this.maxBodyBytes) };
    if (x.responseBody !== undefined) e.response = { body: summarise(x.responseBody, this.maxBodyBytes) };
    if (x.violations?.length) e.violations = x.violations;
    if (x.nearMiss) e.nearMiss = x.nearMiss;
    if (x.scenario) e.scenario = x.scenario;
    if (x.event) e.event = x.event;
    return e;
  }

  private push(e: JournalEntry): void {
    if (this.count === this.cap) this.droppedCount++;
    else this.count++;
    this.ring[this.next] = e;
    this.next = (this.next + 1) % this.cap;
  }

  /** Oldest first. */
  entries(): JournalEntry[] {
    this.flush();
    const out: JournalEntry[] = [];
    const start = (this.next - this.count + this.cap) % this.cap;
    for (let i = 0; i < this.count; i++) out.push(this.ring[(start + i) % this.cap]!);
    return out;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Newest first, filtered. */
  query(q: JournalQuery = {}): { entries: JournalEntry[]; total: number; dropped: number } {
    const matched = this.entries()
      .reverse()
      .filter((e) => {
        if (q.operationId && e.operationId !== q.operationId) return false;
        if (q.status !== undefined && e.status !== q.status) return false;
        const t = Date.parse(e.time);
        if (q.since !== undefined && t < q.since) return false;
        if (q.until !== undefined && t > q.until) return false;
        if (q.violations && !e.violations?.length) return false;
        return true;
      });
    return { entries: matched.slice(0, q.limit ?? 100), total: matched.length, dropped: this.droppedCount };
  }

  toNdjson(): string {
    return this.entries().map((e) => JSON.stringify(e)).join("\n") + (this.count ? "\n" : "");
  }

  clear(): void {
    this.ring = new Array(this.cap);
    this.next = 0;
    this.count = 0;
    this.droppedCount = 0;
    this.pending = [];
  }
}
