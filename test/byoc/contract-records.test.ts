// An unchanged contract starts from its records (checks passed, parsed form kept: contract-file.ts); anything changed
// is parsed and checked again, and problems still name file, pointer and line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContractError } from "../../gateway/byoc/contract-file.js";
import { loadUserContracts } from "../../gateway/byoc/user-contracts.js";
import { validateResponse } from "../../gateway/validation.js";

const dir = mkdtempSync(join(tmpdir(), "gatesim-byoc-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const MAIN = join(dir, "main.yaml");

const main = (schema: string) =>
  `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /things:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: ${schema}\n              example: { n: 3, far: .inf }\n`;

async function problemsOf() {
  try {
    await loadUserContracts([{ file: MAIN }]);
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    return (e as ContractError).problems;
  }
  throw new Error("the contract was accepted");
}

describe("contract records", () => {
  it("an unchanged contract loads the same from its records; what changes is checked again", async () => {
    write("main.yaml", main(`{ $ref: "./parts.yaml#/Thing" }`));
    write("parts.yaml", `Thing:\n  type: object\n  properties:\n    n: { type: integer, maximum: 9 }\n`);
    const [first] = await loadUserContracts([{ file: MAIN }]);
    const [again] = await loadUserContracts([{ file: MAIN }]);
    expect(again.operations).toEqual(first.operations);
    expect(again.document.dereferenced).toEqual(first.document.dereferenced);
    // a value JSON cannot hold is not recorded as null
    expect(again.document.source.paths["/things"].get.responses["200"].content["application/json"].example).toEqual({
      n: 3,
      far: Infinity,
    });

    // the sibling changed: the unchanged main file's $ref is reported at its line
    write("parts.yaml", `Other: { type: object }\n`);
    expect((await problemsOf()).map((p) => [p.file, p.pointer, p.line])).toEqual([
      [MAIN, "/paths/~1things/get/responses/200/content/application~1json/schema/$ref", 11],
    ]);

    // a schema that no longer compiles is refused although the previous version had passed
    write("main.yaml", main(`{ type: stringg }`));
    const [p] = await problemsOf();
    expect(p).toMatchObject({ file: MAIN, line: 11 });
    expect(p.message).toContain("cannot be compiled");

    // and so is a meta-schema violation
    write("main.yaml", main(`{ type: object }`).replace("version: '1'", "versio: '1'"));
    expect((await problemsOf())[0]).toMatchObject({ pointer: "/info", line: 2 });
  });

  it("a recorded contract still compiles its schemas on first use and refuses a bad request", async () => {
    write("main.yaml", main(`{ type: object, properties: { n: { type: integer, maximum: 9 } } }`));
    await loadUserContracts([{ file: MAIN }]);
    const [c] = await loadUserContracts([{ file: MAIN }]); // from the records: nothing compiled at load
    const op = c.operations[0];
    const bad = validateResponse(op, 200, "application/json", { n: 10 });
    expect(bad.map((d) => d.location)).toEqual(["/response/body/n"]);
    expect(validateResponse(op, 200, "application/json", { n: 9 })).toEqual([]);
  });
});
