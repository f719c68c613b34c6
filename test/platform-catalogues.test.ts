// Every error catalogue (the gateway's and each platform's errors.ts, built with mocks/shared/error-catalogue.ts) says
// the same as its contract's code table and its docs: each code the platform can answer is in the table with its HTTP
// status and in the docs, and the table lists no code the catalogue lacks (fastify's errors-test habit).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DATASHARE_ERRORS } from "../mocks/datashare/errors.js";
import { ELICENCE_ERRORS } from "../mocks/elicence/errors.js";
import { ESEAL_ERRORS } from "../mocks/eseal/errors.js";
import { GATEWAY_ERRORS } from "../mocks/gateway/errors.js";
import { IDENTITY_ERRORS, oauthEnvelope, tyrzEnvelope } from "../mocks/identity/errors.js";
import { defineCatalogue, type ErrorEntry } from "../mocks/shared/error-catalogue.js";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const readme = read("README.md");

interface Row {
  code: number;
  cells: string[];
}
/** The rows `| 40920 | 409 | … |` of a markdown table (a contract's description, the README). */
function rows(text: string): Row[] {
  return [...text.matchAll(/^\s*\| (\d+)\*? \|(.*)\|\s*$/gm)].map((m) => ({
    code: Number(m[1]),
    cells: m[2].split("|").map((c) => c.trim()),
  }));
}

const CATALOGUES: { name: string; catalogue: Record<string, ErrorEntry>; table: string; docs: string }[] = [
  {
    name: "gateway",
    catalogue: GATEWAY_ERRORS,
    table: readme.slice(readme.indexOf("Gateway errcodes"), readme.indexOf("## Tenants, virtual clocks")),
    docs: readme,
  },
  {
    name: "identity",
    catalogue: IDENTITY_ERRORS,
    table: read("contracts/identity.yaml"),
    docs: read("docs/identity.md"),
  },
  { name: "eseal", catalogue: ESEAL_ERRORS, table: read("contracts/eseal.yaml"), docs: read("docs/eseal.md") },
  {
    name: "elicence",
    catalogue: ELICENCE_ERRORS,
    table: read("contracts/elicence.yaml"),
    docs: read("docs/elicence.md"),
  },
  {
    name: "datashare",
    catalogue: DATASHARE_ERRORS,
    table: read("contracts/datashare.yaml"),
    docs: read("docs/datashare.md"),
  },
];

describe.each(CATALOGUES)("the $name error catalogue", ({ catalogue, table, docs }) => {
  const listed = rows(table);
  const entries = Object.entries(catalogue).filter(([key]) => key !== "ok" && key !== "success");

  it("has a code table to compare", () => {
    expect(listed.length).toBeGreaterThanOrEqual(entries.length);
  });

  it("lists every entry with its HTTP status, and nothing else", () => {
    for (const [key, e] of entries) {
      const row = listed.find((r) => r.code === e.code);
      expect(row, `${key} (${e.code}) is not in the table`).toBeDefined();
      expect(row!.cells, `${key} (${e.code})`).toContain(String(e.status));
    }
    const codes = new Set(Object.values(catalogue).map((e) => e.code));
    for (const r of listed)
      expect(codes.has(r.code), `the table lists ${r.code}, the catalogue has no such code`).toBe(true);
  });

  it("is documented code by code", () => {
    for (const [key, e] of entries) expect(docs, `${key} (${e.code})`).toMatch(new RegExp(`(^|\\D)${e.code}(\\D|$)`));
  });

  it("says every entry in zh-CN and English, and every hint in both", () => {
    for (const [key, e] of Object.entries(catalogue)) {
      expect(e.zh, key).toMatch(/[\u3400-\u9fff]/);
      expect(e.en, key).toMatch(/[a-z]/i);
      expect(e.en, key).not.toMatch(/[\u3400-\u9fff]/);
      if (e.hint) expect(e.hint, key).toMatch(/[\u3400-\u9fff].*\/.*[a-z]/);
    }
  });
});

describe("the gateway's code rules (facts §8.1)", () => {
  it("derives the HTTP status from the first three digits of every errcode, ascending in the README", () => {
    const listed = rows(CATALOGUES[0].table);
    for (const r of listed) expect(r.cells[0]).toBe(String(Math.floor(r.code / 100)));
    expect(listed.map((r) => r.code)).toEqual([...listed.map((r) => r.code)].sort((a, b) => a - b));
  });
});

describe("defineCatalogue", () => {
  it("refuses a key that is not camelCase, a code given twice, and an entry without zh-CN", () => {
    const e = (code: number, zh = "错误") => ({ code, status: 400, zh, en: "error" });
    expect(() => defineCatalogue({ NOT_CAMEL: e(1) })).toThrow(/camelCase/);
    expect(() => defineCatalogue({ one: e(1), two: e(1) })).toThrow(/repeats code 1 of one/);
    expect(() => defineCatalogue({ one: e(1, "error") })).toThrow(/zh-CN/);
    expect(defineCatalogue({ one: e(1) }).one.code).toBe(1);
  });
});

describe("identity's two faces of one refusal", () => {
  const problem = (code: number | string, status: number) => ({ code, status, zh: "拒绝", en: "refused" });

  it("renders its own entries with their OAuth error and tyrz errcode", () => {
    const p = problem(IDENTITY_ERRORS.redirectUriMismatch.code, 400);
    expect(oauthEnvelope(p, { traceId: "t" }).error).toBe("invalid_request");
    expect(tyrzEnvelope(p, { traceId: "t" }).errcode).toBe(10010);
  });

  it("derives the OAuth error of another platform's or the gateway's refusal from its status", () => {
    expect(oauthEnvelope(problem(GATEWAY_ERRORS.tokenInvalid.code, 401), { traceId: "t" }).error).toBe("invalid_token");
    expect(oauthEnvelope(problem(GATEWAY_ERRORS.adminForbidden.code, 403), { traceId: "t" }).error).toBe(
      "access_denied",
    );
    expect(oauthEnvelope(problem(GATEWAY_ERRORS.contractViolation.code, 400), { traceId: "t" }).error).toBe(
      "invalid_request",
    );
    expect(oauthEnvelope(problem(GATEWAY_ERRORS.upstreamTimeout.code, 504), { traceId: "t" }).error).toBe(
      "temporarily_unavailable",
    );
    expect(oauthEnvelope(problem(59999, 500), { traceId: "t" }).error).toBe("server_error");
    expect(tyrzEnvelope(problem(GATEWAY_ERRORS.contractViolation.code, 400), { traceId: "t" }).errcode).toBe(40005);
  });
});
