// The memory backend's claim-with-TTL (architecture.md §4), built for replay protection (facts §1.4): a nonce may not
// repeat within the window. At 10k req/s a 600 s window is 6M nonces, so no strings are kept: each id is reduced to
// a 64-bit hash (two 32-bit FNV-1a variants) in fixed-size typed arrays, 12 bytes a slot.
//
// Ids live in generations of at most `max / 8`: a new generation starts when the current one is full, a generation
// whose every claim has expired is dropped whole, and when `max` claims are held the oldest generation goes (bounded
// memory; documented trade-off: past `max` live claims the oldest may be claimed again). A false "taken" needs two
// different ids with the same 64-bit hash: about n²/2⁶⁵, one in a million at 6M live claims.

/** Two independent 32-bit hashes of a string (FNV-1a with different offset bases, murmur-style final mix). */
function hash64(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  // lo is never 0: 0 marks an empty slot
  return [a >>> 0, b >>> 0 || 1];
}

/** One generation: an open-addressing table of hashes, with each claim's expiry as ms after `base`. */
class Generation {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly until: Uint32Array;
  readonly mask: number;
  size = 0;
  maxUntil = 0;

  constructor(
    capacity: number,
    readonly base: number,
  ) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2; // load factor ≤ ½: short probe runs
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.until = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** The slot holding the hash, or the empty slot where it would go. */
  slot(hi: number, lo: number): number {
    let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    while (this.lo[i] !== 0 && (this.lo[i] !== lo || this.hi[i] !== hi)) i = (i + 1) & this.mask;
    return i;
  }

  /** Expiry (absolute ms) of the hash here, or -1. */
  expiry(hi: number, lo: number): number {
    const i = this.slot(hi, lo);
    return this.lo[i] === 0 ? -1 : this.base + this.until[i];
  }
}

export class ClaimTable {
  private gens: Generation[] = [];
  private current: Generation | undefined;
  private readonly genSize: number;
  private total = 0;
  /** The earliest time at which some past generation has fully expired. */
  private firstExpiry = Infinity;

  constructor(private readonly max: number) {
    this.genSize = Math.max(1, Math.floor(max / 8));
  }

  /** Takes `id` until nowMs + ttlMs; false when it is still taken. */
  claim(id: string, ttlMs: number, nowMs: number): boolean {
    const [hi, lo] = hash64(id);
    if (this.expiry(hi, lo) > nowMs) return false;
    this.dropExpired(nowMs);
    const until = nowMs + ttlMs;
    let g = this.current;
    if (!g || g.size >= this.genSize || until - g.base >= 2 ** 32 || until < g.base) g = this.rotate(nowMs);
    while (this.total >= this.max && this.gens.length) this.total -= this.gens.shift()!.size; // firstExpiry may now be early: harmless
    const i = g.slot(hi, lo);
    if (g.lo[i] === 0) {
      g.hi[i] = hi;
      g.lo[i] = lo;
      g.size++;
      this.total++;
    }
    g.until[i] = until - g.base;
    if (until > g.maxUntil) g.maxUntil = until;
    return true;
  }

  private rotate(nowMs: number): Generation {
    if (this.current) {
      this.gens.push(this.current);
      this.firstExpiry = Math.min(this.firstExpiry, this.current.maxUntil);
    }
    return (this.current = new Generation(this.genSize, nowMs));
  }

  /** The latest expiry recorded for the hash (newest generation first), or -1. */
  private expiry(hi: number, lo: number): number {
    if (this.current) {
      const u = this.current.expiry(hi, lo);
      if (u >= 0) return u;
    }
    for (let i = this.gens.length - 1; i >= 0; i--) {
      const u = this.gens[i].expiry(hi, lo);
      if (u >= 0) return u;
    }
    return -1;
  }

  /** Generations whose every claim has expired (on this clock) go whole. */
  private dropExpired(nowMs: number): void {
    if (nowMs < this.firstExpiry) return;
    const keep: Generation[] = [];
    for (const g of this.gens) {
      if (g.maxUntil > nowMs) keep.push(g);
      else this.total -= g.size;
    }
    this.gens = keep;
    this.firstExpiry = Math.min(...keep.map((g) => g.maxUntil), Infinity);
  }

  get size(): number {
    return this.total;
  }

  /** Bytes held by the typed arrays (the whole cost: no per-claim objects). */
  get bytes(): number {
    let n = 0;
    for (const g of this.current ? [...this.gens, this.current] : this.gens) n += g.hi.byteLength * 3;
    return n;
  }
}
