// Platform-wide sequences for identifiers that must be unique across tenants, as the real platforms' are: seal codes
// (facts §8.3) and licence codes (facts §4.5). Each tenant also keeps its own last value in its store; a sequence
// continues from the larger of the two, so a tenant's stored state never gets a number handed out twice, and two
// tenants never get the same number (before, each tenant counted from 1: tenant B's first seal had tenant A's code, and
// B's calls on "A's" code acted on B's own seal — which looked, from outside, like one tenant reaching another's).
import type { Store } from "./store.js";

export class PlatformSequences {
  private readonly last = new Map<string, number>();
  /** Numbers taken from the store's atomic counter for requests about to use them (reserve → next), oldest first. */
  private readonly reserved = new Map<string, number[]>();
  private backing?: { store: Store; kind: string };

  /**
   * Keep the sequences in `store` (the sandbox namespace) under `kind`: the numbers handed out before a restart are
   * read back, so after it no tenant gets a number another tenant already has. Numbers come from the store's atomic
   * counter (`kind`.counter), so replicas on one shared store never hand out the same one either.
   */
  async attach(store: Store, kind: string): Promise<void> {
    for (const { key, value } of await store.list<{ key: string; value: number }>(kind)) this.observe(key, value);
    this.backing = { store, kind };
  }

  /**
   * Take the next number of `key` from the store's counter — atomic across every process on the store — for the
   * next(key) that follows. For callers whose numbering itself is synchronous (the seal service): reserve first.
   */
  async reserve(key: string, floor = 0): Promise<void> {
    if (!this.backing) return;
    const n = await this.backing.store.next(
      `${this.backing.kind}.counter`,
      key,
      Math.max(floor, this.last.get(key) ?? 0),
    );
    const q = this.reserved.get(key);
    if (q) q.push(n);
    else this.reserved.set(key, [n]);
  }

  /**
   * The next number of `key`, above both every number handed out in this process and `floor` (the tenant's own): a
   * reserved one when there is one above the floor, else this process's own count (memory, or nothing reserved).
   */
  next(key: string, floor = 0): number {
    const q = this.reserved.get(key);
    let n: number | undefined;
    while (q?.length && n === undefined) {
      const r = q.shift()!;
      if (r > floor) n = r;
    }
    if (q && !q.length) this.reserved.delete(key);
    n ??= Math.max(this.last.get(key) ?? 0, floor) + 1;
    if (n > (this.last.get(key) ?? 0)) this.last.set(key, n);
    // a failed write costs only cross-tenant uniqueness after a restart (each tenant's own floor still holds)
    this.backing?.store.put(this.backing.kind, key, { key, value: n }).catch(() => {});
    return n;
  }

  /** reserve, then next: for asynchronous callers. */
  async take(key: string, floor = 0): Promise<number> {
    await this.reserve(key, floor);
    return this.next(key, floor);
  }

  /** Raise `key` to at least `value` (a tenant's stored state read back: its numbers are taken). */
  observe(key: string, value: number): void {
    if (value > (this.last.get(key) ?? 0)) this.last.set(key, value);
  }
}
