// The memory backend's claim-with-TTL behind 40003: replays refused inside the window, accepted after it, memory
// bounded and compact (hashes in typed arrays, not strings).
import { describe, expect, it } from "vitest";
import { ClaimTable } from "../../mocks/shared/claim-table.js";

const TTL = 600_000;

/** The old NonceCache's shape over a ClaimTable, so the cases read as before. */
class NonceCache {
  readonly t: ClaimTable;
  constructor(
    private readonly ttlMs: number,
    max: number,
  ) {
    this.t = new ClaimTable(max);
  }
  use(nonce: string, now: number): boolean {
    return this.t.claim(nonce, this.ttlMs, now);
  }
  get size(): number {
    return this.t.size;
  }
}

const T0 = Date.parse("2026-01-05T08:00:00Z");

describe("ClaimTable (memory claim-with-TTL)", () => {
  it("refuses a nonce reused inside the window and accepts it once the window has passed", () => {
    const c = new NonceCache(600_000, 1_000_000);
    expect(c.use("n-1", T0)).toBe(true);
    expect(c.use("n-1", T0 + 599_999)).toBe(false);
    expect(c.use("n-1", T0 + 600_000)).toBe(true);
    expect(c.use("n-1", T0 + 600_001)).toBe(false); // recorded again from its second use
  });

  it("remembers nonces across generations (many more nonces than one generation holds)", () => {
    const c = new NonceCache(600_000, 16_000); // generations of 2,000
    for (let i = 0; i < 10_000; i++) expect(c.use(`n-${i}`, T0 + i)).toBe(true);
    expect(c.size).toBe(10_000);
    for (const i of [0, 999, 1000, 5555, 9999]) expect(c.use(`n-${i}`, T0 + 20_000)).toBe(false);
  });

  it("drops whole generations once every nonce in them has expired", () => {
    const c = new NonceCache(1_000, 8_000); // generations of 1,000
    for (let i = 0; i < 5_000; i++) c.use(`old-${i}`, T0);
    expect(c.size).toBe(5_000);
    c.use("fresh", T0 + 1_000); // every old nonce expired at T0 + 1 s
    expect(c.size).toBeLessThanOrEqual(1_001); // only the generation still being filled may hold expired ones
    expect(c.use("old-1", T0 + 1_001)).toBe(true);
  });

  it("never holds more than its maximum: the oldest nonces go first", () => {
    const c = new NonceCache(600_000, 800); // generations of 100, at most 8 kept
    for (let i = 0; i < 5_000; i++) c.use(`n-${i}`, T0 + i);
    expect(c.size).toBeLessThanOrEqual(800);
    expect(c.use("n-4999", T0 + 5_000)).toBe(false); // the newest are kept
    expect(c.use("n-0", T0 + 5_000)).toBe(true); // the oldest were let go (documented trade-off)
  });

  it("stays compact: a million live claims in well under 40 MB of typed arrays", () => {
    const t = new ClaimTable(1_000_000);
    for (let i = 0; i < 1_000_000; i++) t.claim(`nonce-${i}-${(i * 2654435761) >>> 0}`, TTL, T0 + Math.floor(i / 10)); // 10k claims a virtual second
    expect(t.size).toBe(1_000_000); // eight generations of 125,000, all kept
    expect(t.bytes).toBeLessThan(40 * 1024 * 1024);
    expect(t.claim("nonce-0-0", TTL, T0 + 100_000)).toBe(false);
    expect(t.claim("nonce-999999-" + ((999_999 * 2654435761) >>> 0), TTL, T0 + 100_000)).toBe(false);
    expect(t.claim("never-seen", TTL, T0 + 100_000)).toBe(true);
  });

  it("a claim with a different TTL expires on its own time", () => {
    const t = new ClaimTable(1_000);
    expect(t.claim("a", 1_000, T0)).toBe(true);
    expect(t.claim("b", 5_000, T0)).toBe(true);
    expect(t.claim("a", 1_000, T0 + 1_000)).toBe(true);
    expect(t.claim("b", 5_000, T0 + 4_999)).toBe(false);
  });
});
