// The gateway's error catalogue and the README's errcode table say the same thing: every code gatesim can answer is
// documented with its HTTP status, and the README lists no code the gateway does not have.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("Gateway errcodes"), readme.indexOf("## Tenants, virtual clocks"));
const rows = [...section.matchAll(/^\| (\d{5})(\*?) \| (\d{3}) \|/gm)].map((m) => ({
  code: Number(m[1]),
  extension: m[2] === "*",
  status: Number(m[3]),
}));

describe("gateway error catalogue vs README", () => {
  it("the README table has rows to compare", () => {
    expect(rows.length).toBeGreaterThan(20);
  });

  it("every catalogue entry is in the README with its HTTP status", () => {
    for (const e of Object.values(GATEWAY_ERRORS))
      expect(
        rows.find((r) => r.code === e.code),
        `${e.code} ${e.en}`,
      ).toMatchObject({ status: e.status });
  });

  it("the README lists no code the catalogue lacks, in ascending order", () => {
    const codes = new Set(Object.values(GATEWAY_ERRORS).map((e) => e.code));
    for (const r of rows) expect(codes.has(r.code), `README lists ${r.code}`).toBe(true);
    expect(rows.map((r) => r.code)).toEqual([...rows.map((r) => r.code)].sort((a, b) => a - b));
  });

  it("HTTP status is the first three digits of every errcode (facts §8.1)", () => {
    for (const r of rows) expect(r.status).toBe(Math.floor(r.code / 100));
  });
});
