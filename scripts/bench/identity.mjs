// Benchmark: client_credentials token issuance per second, calling the identity handler directly (no HTTP), plus the
// shared verifier. Build first (npm run build); bounded to a few seconds per figure.
import { performance } from "node:perf_hooks";
import os from "node:os";
import { createIdentityPlatform } from "../../dist/mocks/identity/platform.js";
import { makeInput, makeTestContext, testTenant } from "../../dist/mocks/shared/test-context.js";
import { createSeed } from "../../dist/mocks/shared/seed/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const seed = createSeed("bench");
const idp = createIdentityPlatform({ seed, issuer: "http://127.0.0.1:8080" });
const ci = idp.api.ensureTenant(testTenant.paasid).find((c) => c.clientId.endsWith("_ci"));
const ctx = makeTestContext({ seed });
const input = makeInput({
  operationId: "identityOidcToken",
  method: "POST",
  path: "/oidc/token",
  headers: { authorization: "Basic " + Buffer.from(`${ci.clientId}:${ci.secret}`).toString("base64") },
  body: { grant_type: "client_credentials", scope: "all" },
  principal: { kind: "anonymous" },
});
const issue = async () => {
  const r = await idp.handlers.identityOidcToken(input, ctx);
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}`);
  return r.body.access_token;
};

/** Run `fn` with `concurrency` loops in flight for SECONDS; operations per second. */
async function measure(fn, concurrency) {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      await fn();
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return n / ((performance.now() - t0) / 1000);
}

await issue(); // warm up: key import, JIT
const token = await issue();
const verify = async () => {
  const v = await idp.api.verifyAccessToken(token, { clock: ctx.clock, expectedTenant: testTenant.paasid });
  if (!v.ok) throw new Error(v.problem.en);
};
console.log(
  `identity bench — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${SECONDS} s per figure`,
);
for (const c of [1, 16])
  console.log(
    `client_credentials tokens/s (handler, concurrency ${String(c).padStart(2)}): ${(await measure(issue, c)).toFixed(0)}`,
  );
for (const c of [1, 16])
  console.log(
    `verifyAccessToken/s        (concurrency ${String(c).padStart(2)}): ${(await measure(verify, c)).toFixed(0)}`,
  );
