// The set of birth dates a person's ID number may carry, as a dense range of positions [0, size) ↔ calendar days,
// so an ID number's date decodes back to a position (and from there to the record index) in O(1).
//
// Ages are fixed against SEED_REFERENCE_DATE, not "today", so the same seed gives the same people on every machine
// and every day. Bands with a stride > 1 thin out the old and the young: most people are adults of 18–60.

/** Ages and registration times are computed against this fixed day (UTC), never against the wall clock. */
export const SEED_REFERENCE_DATE = "2025-01-01";

// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian), without Date objects: record
// generation converts dates several times per record and Date was the largest cost (H. Hinnant's civil algorithms).

/** Days since 1970-01-01 of a Y-M-D, or undefined when it is not a real calendar date. */
export function dayNumber(y: number, m: number, d: number): number | undefined {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1)
    return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31)) return undefined;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number. */
export function civilDate(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** YYYYMMDD of a day number. */
export function compactDate(day: number): string {
  const [y, m, d] = civilDate(day);
  return String(y) + (m < 10 ? "0" : "") + m + (d < 10 ? "0" : "") + d;
}

/** YYYY-MM-DD of a day number. */
export function isoDate(day: number): string {
  const c = compactDate(day);
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}`;
}

export const REFERENCE_DAY = dayNumber(2025, 1, 1)!;

interface Band {
  first: number;
  count: number;
  stride: number;
}

function band(fromYear: number, toYear: number, stride: number): Band {
  const first = dayNumber(fromYear, 1, 1)!;
  const last = dayNumber(toYear, 12, 31)!;
  return { first, count: Math.floor((last - first) / stride) + 1, stride };
}

export class BirthDateSpace {
  readonly size: number;
  /** Positions [0, adultCoreSize) are adults aged about 18–60 at the reference date (the first band). */
  readonly adultCoreSize: number;
  private readonly bands: Band[];
  private readonly starts: number[];

  private constructor(bands: Band[]) {
    this.bands = bands;
    this.starts = [];
    let n = 0;
    for (const b of bands) {
      this.starts.push(n);
      n += b.count;
    }
    this.size = n;
    this.adultCoreSize = bands[0].count;
  }

  /**
   * Birth dates for ID numbers with a current district code: born 1965–2006 every day (adults 18–60), 1955–1964
   * every 2nd day, 1945–1954 every 3rd day (60–80), 2007–2023 every 4th day (minors, ≈8% of people).
   */
  static current(): BirthDateSpace {
    return new BirthDateSpace([band(1965, 2006, 1), band(1955, 1964, 2), band(1945, 1954, 3), band(2007, 2023, 4)]);
  }

  /**
   * Birth dates for ID numbers with a historical Shantou code (facts §6.4): those codes went out of use in 2003
   * (达濠区/金园区/升平区 merged, 潮阳市/澄海市 became districts), so holders were born before then; we keep ≤ 1992.
   */
  static historical(): BirthDateSpace {
    return new BirthDateSpace([band(1965, 1992, 1), band(1955, 1964, 2), band(1945, 1954, 3)]);
  }

  dayAt(pos: number): number {
    for (let k = this.bands.length - 1; k >= 0; k--) {
      if (pos >= this.starts[k]) return this.bands[k].first + (pos - this.starts[k]) * this.bands[k].stride;
    }
    throw new RangeError(`position ${pos} outside the birth-date space`);
  }

  /** Position of a day, or undefined when no ID number generated here can carry that birth date. */
  positionOf(day: number): number | undefined {
    for (let k = 0; k < this.bands.length; k++) {
      const b = this.bands[k];
      const off = day - b.first;
      if (off >= 0 && off < b.count * b.stride && off % b.stride === 0) return this.starts[k] + off / b.stride;
    }
    return undefined;
  }
}
