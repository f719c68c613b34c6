// Handlers are typed from the contracts (mocks/shared/operations.ts over contracts/types/*.d.ts): tsc refuses a
// handler whose answer drifts from its operation's contract. Compiled here with `tsc --noEmit` over two files beside
// each other: one whose handlers answer as their contracts say (no error), one with a deliberate drift per line
// (an error on exactly those lines).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { testDir } from "./temp-dir.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const mocks = (p: string) => JSON.stringify(join(root, "mocks", p));

const header = `
import type { EsealHandlers } from ${mocks("eseal/types.js")};
import type { DatashareHandlers } from ${mocks("datashare/types.js")};
`;

const GOOD = `${header}
export const good = {
  esealGetSealStatus: () => ({
    status: 200,
    body: {
      errcode: 0,
      errmsg: "ok",
      data: {
        sealCode: "4405070000001",
        status: "active",
        effectiveStatus: "active",
        statusSince: "2026-01-01T00:00:00.000Z",
        validStart: "2026-01-01T00:00:00.000Z",
        validEnd: "2029-01-01T00:00:00.000Z",
      },
    },
  }),
  esealGetSealPicture: () => ({ status: 200, body: "<svg/>", contentType: "image/svg+xml" }),
} satisfies EsealHandlers;
export const alsoGood = {
  datashareSubscriptionDelete: (input) => ({
    status: 200,
    body: { errcode: 0, errmsg: "ok", data: { id: input.params.subscriptionId, deleted: true } },
  }),
} satisfies DatashareHandlers;
`;

// one drift per marked line: a wrong type, a status the contract does not list, a missing required member, a path
// parameter the operation does not have
const BAD = `${header}
export const bad = {
  esealGetSealStatus: () => ({ status: 200, body: { errcode: 0, errmsg: "ok", data: { sealCode: 4405070000001 } } }), // DRIFT
  esealListSealTypes: () => ({ status: 201, body: { errcode: 0, errmsg: "ok", data: [] } }), // DRIFT
  esealSign: () => ({ status: 200, body: { errcode: 0, errmsg: "ok", data: { sealCode: "4405070000001" } } }), // DRIFT
} satisfies EsealHandlers;
export const alsoBad = {
  datashareSubscriptionDelete: (input) => ({ status: 200, body: { errcode: 0, errmsg: "ok", data: { id: input.params.nope, deleted: true } } }), // DRIFT
} satisfies DatashareHandlers;
`;

describe("handlers typed from the contracts", () => {
  it("compile when they answer as the contract says, and fail on each drift", () => {
    const dir = testDir("gatesim-typed-");
    writeFileSync(join(dir, "good.ts"), GOOD);
    writeFileSync(join(dir, "bad.ts"), BAD);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "tsconfig.json"),
        compilerOptions: { noEmit: true, rootDir: "/", typeRoots: [join(root, "node_modules/@types")] },
        include: [],
        files: ["good.ts", "bad.ts"],
      }),
    );
    let out = "";
    let failed = false;
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], {
        encoding: "utf8",
      });
    } catch (e) {
      failed = true;
      out = String((e as { stdout?: string }).stdout ?? "");
    }
    expect(failed, "tsc accepted handlers that drift from their contracts").toBe(true);
    const errors = [...out.matchAll(/^(.*?)\((\d+),\d+\): error TS\d+/gm)].map((m) => ({
      file: m[1],
      line: Number(m[2]),
    }));
    expect(
      errors.filter((e) => !e.file.endsWith("bad.ts")),
      out,
    ).toEqual([]);
    const drifted = BAD.split("\n").flatMap((l, i) => (l.includes("// DRIFT") ? [i + 1] : []));
    expect(drifted).toHaveLength(4);
    expect([...new Set(errors.map((e) => e.line))].sort((a, b) => a - b)).toEqual(drifted);
  }, 120_000);
});
