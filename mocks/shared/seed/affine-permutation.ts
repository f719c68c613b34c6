// A seed-keyed bijection on [0, n): x → (a·x + b) mod n, with its inverse — how record indices become identifiers
// (and back) without any lookup table.
import type { Prng } from "../prng.js";

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** (x · y) mod m without losing precision, for 0 ≤ x, y < m < 2^30 (products stay below 2^53). */
export function mulMod(x: number, y: number, m: number): number {
  const hi = Math.floor(y / 32768),
    lo = y % 32768;
  return (((x * hi) % m) * 32768 + x * lo) % m;
}

function modInverse(a: number, m: number): number {
  // Extended Euclid; a and m are coprime by construction.
  let [r0, r1] = [a, m];
  let [s0, s1] = [1, 0];
  while (r1) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

export class AffinePermutation {
  readonly n: number;
  private readonly a: number;
  private readonly b: number;
  private readonly aInv: number;

  /**
   * The multiplier is drawn from the middle of the range (0.2n–0.8n) so that neighbouring indices land far apart,
   * then nudged to the next value coprime with n (a must be invertible mod n).
   */
  constructor(n: number, rnd: Prng, b?: number) {
    if (!Number.isInteger(n) || n < 1 || n >= 2 ** 30) throw new RangeError(`permutation size out of range: ${n}`);
    this.n = n;
    let a = n < 3 ? 1 : Math.max(1, Math.floor(n * (0.2 + 0.6 * rnd.next())));
    while (gcd(a, n) !== 1) a++;
    this.a = a % n || 1;
    this.b = b ?? rnd.int(0, n - 1);
    this.aInv = modInverse(this.a, n);
  }

  apply(x: number): number {
    return (mulMod(this.a, x, this.n) + this.b) % this.n;
  }

  invert(y: number): number {
    return mulMod(this.aInv, (y - this.b + this.n) % this.n, this.n);
  }
}
