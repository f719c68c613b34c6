// Person index ↔ GB 11643 resident ID number (facts §6.1), a seed-keyed bijection, so byIdNumber needs no table.
//
// index i → district slot s = i mod 64 and rank r = ⌊i / 64⌋;
//   s → the address code (64 slots weighted by population, 7 current districts first, a few historical codes);
//   r → (birth-date position, lap): position = π_s(r mod T), lap = ⌊r / T⌋, with π_s an affine permutation keyed
//       by the seed and T the size of the slot's birth-date space (birth-date-space.ts);
//   (which of the code's slots, lap) → the 3-digit sequence, with parity = sex (odd male, even female: facts §6.1).
// Decoding runs the same steps backwards; the caller regenerates the record and compares the whole number, so
// foreign but valid ID numbers (and a wrong sex parity) never match.
import { idCheck } from "../ids.js";
import type { Prng } from "../prng.js";
import { AffinePermutation } from "./affine-permutation.js";
import { BirthDateSpace, compactDate, dayNumber } from "./birth-date-space.js";
import { SUCCESSORS } from "./shantou-places.js";

const SLOT_COUNT = 64;
/** Sequence pairs 0..495 carry (sub-slot < 16, lap < 31); 16 × 31 = 496 ≤ 500 pairs in 002..993. */
const MAX_SUB = 16;
const MAX_LAP = 31;
const PAIRS = MAX_SUB * MAX_LAP;

/**
 * 64 address-code slots. Slots 0–6 are the seven current districts (so the first personas cover all of them, 龙湖区
 * first); the rest follow rough population weights (潮阳/潮南 largest, 南澳 smallest) [R]; 潮阳市 440582 and 澄海市
 * 440583 sit at 9 and 20 and the older codes at 60–63, so ≈9% of people carry a historical code (facts §6.4).
 */
export const ID_DISTRICT_SLOTS: readonly string[] = (() => {
  const weights: [string, number][] = [
    ["440507", 8],
    ["440511", 8],
    ["440512", 3],
    ["440513", 13],
    ["440514", 11],
    ["440515", 8],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const current = weights.map(() => 0);
  const fill: string[] = [];
  // Smooth weighted round robin: spreads each district evenly over the table.
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let k = 0; k < weights.length; k++) {
      current[k] += weights[k][1];
      if (current[k] > current[best]) best = k;
    }
    current[best] -= total;
    fill.push(weights[best][0]);
  }
  const slots = ["440507", "440511", "440512", "440513", "440514", "440515", "440523", ...fill];
  slots.splice(9, 0, "440582");
  slots.splice(20, 0, "440583");
  slots.push("440506", "440508", "440509", "440521");
  return Object.freeze(slots);
})();

/** For each code, the slots that carry it, in order (its "sub-slot" numbers). */
const SLOTS_OF = new Map<string, number[]>();
const SUB_OF: number[] = [];
ID_DISTRICT_SLOTS.forEach((code, s) => {
  const list = SLOTS_OF.get(code) ?? [];
  SUB_OF[s] = list.length;
  list.push(s);
  SLOTS_OF.set(code, list);
});

const CURRENT_SPACE = BirthDateSpace.current();
const HISTORICAL_SPACE = BirthDateSpace.historical();

function spaceFor(code: string): BirthDateSpace {
  return code in SUCCESSORS ? HISTORICAL_SPACE : CURRENT_SPACE;
}

/** The largest number of persons this codec can number without reusing an ID. */
export const ID_CAPACITY = SLOT_COUNT * Math.min(CURRENT_SPACE.size, HISTORICAL_SPACE.size) * MAX_LAP;

export interface IdParts {
  /** GB/T 2260 address code in the ID number (may be historical). */
  code: string;
  /** Birth day (days since 1970-01-01 UTC). */
  day: number;
  /** Sequence number pair; the sequence is 2 + 2·pair + (male ? 1 : 0). */
  pair: number;
}

export class IdNumberCodec {
  private readonly perms: AffinePermutation[];
  private readonly key: number;

  constructor(rnd: Prng) {
    this.key = rnd.nextU32();
    // The offset b is drawn within the adult core, so position 0 of every slot (rank 0: persons 0–63, the personas)
    // is an adult of 18–60.
    this.perms = ID_DISTRICT_SLOTS.map((code) => {
      const space = spaceFor(code);
      return new AffinePermutation(space.size, rnd, rnd.int(0, space.adultCoreSize - 1));
    });
  }

  /** Scrambles the sequence numbers so they do not all start at 002. */
  private offset(code: string, day: number): number {
    let h = Math.imul(this.key ^ Number(code), 0x9e3779b1) ^ (day + 40000);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0) % PAIRS;
  }

  encode(index: number): IdParts {
    const s = index % SLOT_COUNT;
    const r = Math.floor(index / SLOT_COUNT);
    const code = ID_DISTRICT_SLOTS[s];
    const space = spaceFor(code);
    const lap = Math.floor(r / space.size);
    if (lap >= MAX_LAP) throw new RangeError(`person index ${index} exceeds the ID number capacity ${ID_CAPACITY}`);
    const day = space.dayAt(this.perms[s].apply(r % space.size));
    const pair = (SUB_OF[s] * MAX_LAP + lap + this.offset(code, day)) % PAIRS;
    return { code, day, pair };
  }

  /** The 18-character ID number for these parts and sex (1 male, 2 female). */
  static format(parts: IdParts, sex: 1 | 2): string {
    const seq = 2 + 2 * parts.pair + (sex === 1 ? 1 : 0);
    const body = parts.code + compactDate(parts.day) + String(seq).padStart(3, "0");
    return body + idCheck(body);
  }

  /** The person index an ID number would belong to, or undefined when no generated number can look like it. */
  decode(idNumber: string): number | undefined {
    if (!/^\d{17}[\dX]$/.test(idNumber)) return undefined;
    const code = idNumber.slice(0, 6);
    const slots = SLOTS_OF.get(code);
    if (!slots) return undefined;
    const day = dayNumber(+idNumber.slice(6, 10), +idNumber.slice(10, 12), +idNumber.slice(12, 14));
    if (day === undefined) return undefined;
    const space = spaceFor(code);
    const pos = space.positionOf(day);
    if (pos === undefined) return undefined;
    const seq = +idNumber.slice(14, 17);
    if (seq < 2 || seq > 1 + 2 * PAIRS) return undefined;
    const v = (Math.floor((seq - 2) / 2) - this.offset(code, day) + PAIRS) % PAIRS;
    const sub = Math.floor(v / MAX_LAP);
    const lap = v % MAX_LAP;
    if (sub >= slots.length) return undefined;
    const s = slots[sub];
    const r = lap * space.size + this.perms[s].invert(pos);
    return r * SLOT_COUNT + s;
  }
}
