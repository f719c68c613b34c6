// The records of checked contracts (contract-file.ts) live in the OS temp folder: they are used only from a folder this
// user owns and nobody else may write to — a parsed form planted by another account would be served unchecked.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const before = process.env.TMPDIR;
const temp = mkdtempSync(join(tmpdir(), "gatesim-records-folder-"));
process.env.TMPDIR = temp; // read when contract-file.ts loads (this file's own module registry)
const { loadUserContracts } = await import("../../gateway/byoc/user-contracts.js");
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  if (before === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = before;
});

const MAIN = join(temp, "api.yaml");
writeFileSync(
  MAIN,
  `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              example: { from: text }\n`,
);
const exampleOf = async () => {
  const [c] = await loadUserContracts([{ file: MAIN }]);
  return c.document.source.paths["/a"].get.responses["200"].content["application/json"].example;
};

describe("where contract records are trusted", () => {
  it("uses the records from its own folder, and none from a folder others may write to", async () => {
    const folder = join(temp, "gatesim-contract-checks");
    expect(await exampleOf()).toEqual({ from: "text" });
    const [record] = readdirSync(folder).filter((f) => f.startsWith("parsed-"));
    const planted = JSON.parse(readFileSync(join(folder, record), "utf8"));
    planted.paths["/a"].get.responses["200"].content["application/json"].example = { from: "record" };
    writeFileSync(join(folder, record), JSON.stringify(planted));
    expect(await exampleOf()).toEqual({ from: "record" }); // the record is what an unchanged file starts from

    chmodSync(folder, 0o777);
    expect(await exampleOf()).toEqual({ from: "text" });
  });
});
