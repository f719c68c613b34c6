// Generates contracts/types/<name>.d.ts from the contracts with openapi-typescript. `--check` exits 1 on drift
// (the test suite runs the same comparison). Output is marked generated; do not edit it by hand.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderContractTypes } from "./contract-types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "contracts", "types");
const check = process.argv.includes("--check");
const rendered = await renderContractTypes();
let drift = 0;
mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(rendered)) {
  const file = join(outDir, `${name}.d.ts`);
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (current === text) continue;
  drift++;
  if (check) console.error(`drift: contracts/types/${name}.d.ts differs from its contract; run npm run gen:types`);
  else writeFileSync(file, text);
}
if (check && drift) process.exit(1);
console.log(check ? "contract types up to date" : `wrote ${Object.keys(rendered).length} files (${drift} changed)`);
