// One skeleton for the four platforms: a newcomer who knows one finds the same file in the other three — platform.ts
// (wiring), errors.ts (the catalogue), scenarios.ts, types.ts (the contract's operation table) and handlers/<group>.ts
// exporting named handler groups that, together, answer every operation of the platform's contract.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadContracts } from "../contracts/loader.js";

const PLATFORMS = [
  { name: "identity", type: "Identity" },
  { name: "eseal", type: "Eseal" },
  { name: "elicence", type: "Elicence" },
  { name: "datashare", type: "Datashare" },
];
const SKELETON = ["platform.ts", "errors.ts", "scenarios.ts", "types.ts"];
const table = loadContracts();
const folder = (p: string) => new URL(`../mocks/${p}/`, import.meta.url);
/** A platform's module by its path in the folder (the names are the skeleton's, not literals vite can see). */
const load = (p: string, file: string) => import(/* @vite-ignore */ new URL(file, folder(p)).href);

describe.each(PLATFORMS)("mocks/$name", ({ name, type }) => {
  it("has the skeleton's files", () => {
    for (const f of SKELETON) expect(existsSync(new URL(f, folder(name))), `mocks/${name}/${f}`).toBe(true);
  });

  it("exports its catalogue, its scenarios and its contract's operation table under the same names", async () => {
    const errors = await load(name, "errors.ts");
    const upper = name.toUpperCase();
    expect(Object.isFrozen(errors[`${upper}_ERRORS`]), `${upper}_ERRORS from defineCatalogue`).toBe(true);
    const scenarios = await load(name, "scenarios.ts");
    expect(scenarios[`${upper}_SCENARIOS`]?.length, `${upper}_SCENARIOS`).toBeGreaterThan(0);
    const types = readFileSync(new URL("types.ts", folder(name)), "utf8");
    expect(types).toContain(`export type ${type}Operations = operations;`);
    expect(types).toContain(`export type ${type}Handlers = OperationHandlers<${type}Operations, ${type}Deps>;`);
  });

  it("answers every operation of its contract from handlers/<group>.ts, each handler in one group", async () => {
    const groups = readdirSync(new URL("handlers/", folder(name))).filter(
      (f) => f.endsWith(".ts") && f !== "common.ts",
    );
    expect(groups.length).toBeGreaterThan(1);
    const owner = new Map<string, string>();
    for (const g of groups) {
      const mod = await load(name, `handlers/${g}`);
      const exported = Object.entries(mod).filter(([k]) => /Handlers$/.test(k));
      expect(exported.length, `handlers/${g} exports a …Handlers group`).toBeGreaterThan(0);
      for (const [, group] of exported)
        for (const id of Object.keys(group as object)) {
          expect(owner.get(id), `${id} is in handlers/${owner.get(id)} and handlers/${g}`).toBeUndefined();
          owner.set(id, g);
        }
    }
    const ops = table.operations.filter((o) => o.platform === name).map((o) => o.operationId);
    expect([...owner.keys()].sort()).toEqual([...ops].sort());
  });

  it("keeps platform.ts to wiring: no handler written there", () => {
    const src = readFileSync(new URL("platform.ts", folder(name)), "utf8");
    for (const id of table.operations.filter((o) => o.platform === name).map((o) => o.operationId))
      expect(src, `${id} in platform.ts`).not.toMatch(new RegExp(`\\b${id}\\b`));
  });
});
