// The small async store behind all platform state (architecture.md §4), with its in-memory implementation.
import type { Clock } from "./clock.js";

export interface PutOptions {
  /** Time to live in ms, measured on the tenant's virtual clock. */
  ttlMs?: number;
  /** Secondary index values: index name -> key; list({index, value}) finds the record by them. */
  index?: Record<string, string>;
}

export interface Store {
  get<T = unknown>(kind: string, id: string): Promise<T | undefined>;
  put<T = unknown>(kind: string, id: string, value: T, opts?: PutOptions): Promise<void>;
  delete(kind: string, id: string): Promise<boolean>;
  /** All live records of a kind, or those whose index `index` equals `value`; insertion order. */
  list<T = unknown>(kind: string, by?: { index: string; value: string }): Promise<T[]>;
}

interface Entry {
  value: unknown;
  expiresAt: number | null;
  index?: Record<string, string>;
}

/** One tenant's namespace in memory. Expired records vanish on read (virtual clock). */
export class MemoryStore implements Store {
  private readonly kinds = new Map<string, Map<string, Entry>>();

  constructor(private readonly clock: Clock) {}

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
    return e.value as T;
  }

  async put<T>(kind: string, id: string, value: T, opts: PutOptions = {}): Promise<void> {
    const b = this.bucket(kind);
    b.delete(id); // keep insertion order = last write
    b.set(id, { value, expiresAt: opts.ttlMs !== undefined ? this.clock.now() + opts.ttlMs : null, index: opts.index });
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
      out.push(e.value as T);
    }
    return out;
  }

  /** Drop everything (tenant reset). */
  clear(): void {
    this.kinds.clear();
  }
}
