// Platform-wide sequences for identifiers that must be unique across tenants, as the real platforms' are: seal codes
// (facts §8.3) and licence codes (facts §4.5). Each tenant also keeps its own last value in its store; a sequence
// continues from the larger of the two, so a tenant's stored state never gets a number handed out twice, and two
// tenants never get the same number (before, each tenant counted from 1: tenant B's first seal had tenant A's code, and
// B's calls on "A's" code acted on B's own seal — which looked, from outside, like one tenant reaching another's).
import type { Store } from "./store.js";

export class PlatformSequences {
  private readonly last = new Map<string, number>();
  private backing?: { store: Store; kind: string };

  /**
   * Keep the sequences in `store` (the sandbox namespace) under `kind`: the numbers handed out before a restart are
   * read back, so after it no tenant gets a number another tenant already has. Every later next() is written through.
   */
  async attach(store: Store, kind: string): Promise<void> {
    for (const { key, value } of await store.list<{ key: string; value: number }>(kind)) this.observe(key, value);
    this.backing = { store, kind };
  }

  /** The next number of `key`, above both every number handed out in this process and `floor` (the tenant's own). */
  next(key: string, floor = 0): number {
    const n = Math.max(this.last.get(key) ?? 0, floor) + 1;
    this.last.set(key, n);
    // a failed write costs only cross-tenant uniqueness after a restart (each tenant's own floor still holds)
    this.backing?.store.put(this.backing.kind, key, { key, value: n }).catch(() => {});
    return n;
  }

  /** Raise `key` to at least `value` (a tenant's stored state read back: its numbers are taken). */
  observe(key: string, value: number): void {
    if (value > (this.last.get(key) ?? 0)) this.last.set(key, value);
  }
}
