// Calendar checks without Date objects: isRealDate agrees with the Date-based definition on every day of 1880–2100
// (and rejects what is not a day), and the data-sharing query timestamps keep their meaning (wall clock = UTC+8).
import { describe, expect, it } from "vitest";
import { checkIdNumber, idCheck, isRealDate } from "../../mocks/shared/ids.js";
import { parseQueryTimestamp } from "../../mocks/datashare/audit-info.js";

const byDate = (y: number, m: number, d: number) => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

describe("isRealDate", () => {
  it("agrees with Date on every y-m-d of 1880–2100, months 0–13, days 0–32", () => {
    let disagreements = 0,
      real = 0;
    for (let y = 1880; y <= 2100; y++)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const v = isRealDate(y, m, d);
          if (v !== byDate(y, m, d)) disagreements++;
          if (v) real++;
        }
    expect(disagreements).toBe(0);
    expect(real).toBe(Date.UTC(2101, 0, 1) / 86_400_000 - Date.UTC(1880, 0, 1) / 86_400_000);
  });

  it("leap years: 2000-02-29 and 2024-02-29 are days, 1900-02-29 and 2100-02-29 are not", () => {
    expect([
      isRealDate(2000, 2, 29),
      isRealDate(2024, 2, 29),
      isRealDate(1900, 2, 29),
      isRealDate(2100, 2, 29),
    ]).toEqual([true, true, false, false]);
  });

  it("non-integers and NaN are not days", () => {
    expect([
      isRealDate(NaN, 1, 1),
      isRealDate(2020, NaN, 1),
      isRealDate(2020, 1, 1.5),
      isRealDate(2020, 1, Infinity),
    ]).toEqual([false, false, false, false]);
  });

  it("an ID number with 19900230 as birth date is refused; with 19920229 it is accepted", () => {
    const bad = "44050719900230123",
      good = "44050719920229123";
    expect(checkIdNumber(bad + idCheck(bad))).toMatch(/birth date 19900230/);
    expect(checkIdNumber(good + idCheck(good))).toBeNull();
    expect(checkIdNumber(good + idCheck(good), Date.UTC(1990, 0, 1))).toMatch(/real past date/);
  });
});

describe("parseQueryTimestamp", () => {
  it("reads wall-clock forms as China Standard Time and refuses impossible ones", () => {
    const t = Date.UTC(2025, 0, 6, 2, 0, 0); // 10:00 in UTC+8
    expect(parseQueryTimestamp("20250106100000")).toBe(t);
    expect(parseQueryTimestamp("2025-01-06 10:00:00")).toBe(t);
    expect(parseQueryTimestamp("2025-01-06T10:00:00")).toBe(t);
    expect(parseQueryTimestamp("20250101000000")).toBe(Date.UTC(2024, 11, 31, 16));
    for (const bad of [
      "20250230100000",
      "20250106240000",
      "20250106106000",
      "20250106100060",
      "2025-13-01 00:00:00",
      "00500106100000",
    ])
      expect(parseQueryTimestamp(bad), bad).toBeNull();
  });

  it("reads epoch seconds, milliseconds and zoned ISO 8601", () => {
    expect(parseQueryTimestamp("1736128800")).toBe(1736128800_000);
    expect(parseQueryTimestamp("1736128800123")).toBe(1736128800123);
    expect(parseQueryTimestamp("2025-01-06T02:00:00Z")).toBe(Date.UTC(2025, 0, 6, 2));
  });
});
