// Bad contracts never reach a running server: every problem at start with file, JSON pointer and line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ContractError } from "../../gateway/byoc/contract-file.js";
import { loadUserContracts } from "../../gateway/byoc/user-contracts.js";
import { runMock } from "../../gateway/byoc/mock-command.js";
import { main } from "../../gateway/cli.js";

const dir = mkdtempSync(join(tmpdir(), "gatesim-byoc-bad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

async function problemsOf(path: string) {
  try {
    await loadUserContracts([{ file: path }]);
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    return (e as ContractError).problems;
  }
  throw new Error("the contract was accepted");
}

const HEAD = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\n";

describe("bad contracts", () => {
  it("a YAML syntax error names the line", async () => {
    const p = await problemsOf(file("syntax.yaml", `${HEAD}paths:\n  /a:\n    get: [unclosed\n`));
    expect(p[0]).toMatchObject({ file: join(dir, "syntax.yaml") });
    expect(p[0].line).toBeGreaterThanOrEqual(5);
    expect(p[0].message).toContain("cannot be parsed");
  });

  it("every OpenAPI schema violation, with its pointer and line", async () => {
    const text = `openapi: 3.0.3\ninfo:\n  title: t\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n          descriptio: ok\n`;
    const p = await problemsOf(file("meta.yaml", text));
    expect(p).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: "/info", line: 3, message: expect.stringContaining("version") }),
        expect.objectContaining({ pointer: "/paths/~1a/get/responses/200", line: 9 }),
      ]),
    );
  });

  it("an unresolvable $ref (missing sibling file, missing target) is reported where it is written", async () => {
    const text = `${HEAD}paths:\n  /a:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "./nowhere.yaml#/X" }\n        "404":\n          description: no\n          content:\n            application/json:\n              schema: { $ref: "#/components/schemas/Missing" }\n`;
    const p = await problemsOf(file("refs.yaml", text));
    expect(p.map((x) => [x.pointer, x.line])).toEqual([
      ["/paths/~1a/get/responses/200/content/application~1json/schema/$ref", 11],
      ["/paths/~1a/get/responses/404/content/application~1json/schema/$ref", 16],
    ]);
    expect(p[0].message).toContain("nowhere.yaml");
  });

  it("a pattern that is no regular expression", async () => {
    const text = `${HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - { name: q, in: query, schema: { type: string, pattern: "([a-z" } }\n      responses:\n        "200": { description: ok }\n`;
    const p = await problemsOf(file("pattern.yaml", text));
    expect(p[0]).toMatchObject({ pointer: "/paths/~1a/get/parameters/0/schema/pattern", line: 7 });
  });

  it("Swagger 2.0 is refused with the version named", async () => {
    const p = await problemsOf(file("swagger.json", JSON.stringify({ swagger: "2.0", info: {}, paths: {} })));
    expect(p[0].message).toContain("OpenAPI 3.0");
  });

  it("the commands refuse to start, printing every problem with file:line", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const bad = join(dir, "meta.yaml");
      expect(await runMock([bad, "--port", "0"])).toBe(2);
      expect(await main(["start", "--contract", `${bad}:dept`, "--port", "0", "--single-thread"])).toBe(2);
      const out = err.mock.calls.map((c) => String(c[0])).join("");
      expect(out).toContain(`${bad}:3 /info`);
      expect(out).toContain(`${bad}:9 /paths/~1a/get/responses/200`);
    } finally {
      err.mockRestore();
    }
  });
});
