#!/usr/bin/env node
// A longer hostile-input run than the test suite's: `npm run fuzz -- --requests 20000 --seed my-seed`.
// Runs test/fuzz (both thread modes) with FUZZ_REQUESTS / FUZZ_SEED set; a failure prints the seed and the requests
// that broke a promise, so the same run can be repeated.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { requests: { type: "string", default: "20000" }, seed: { type: "string", default: `fuzz-${Date.now()}` } },
});
console.log(`fuzz: ${values.requests} requests per thread mode, seed ${values.seed}`);
const r = spawnSync("npx", ["vitest", "run", "test/fuzz"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_REQUESTS: values.requests, FUZZ_SEED: values.seed },
});
process.exit(r.status ?? 1);
