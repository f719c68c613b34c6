// Test helpers for the identity platform: a platform over a small seed, per-tenant contexts, and `call`, which runs
// a handler the way the gateway will (a thrown ProblemError rendered in the operation's x-gatesim-envelope, with
// the headers it carries).
import { createHash, randomBytes } from "node:crypto";
import { loadContracts } from "../../contracts/loader.js";
import { validateResponse } from "../../gateway/validation.js";
import { Clock } from "../../mocks/shared/clock.js";
import { ProblemError } from "../../mocks/shared/problem.js";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { makeInput, makeTestContext, testTenant, type TestContext } from "../../mocks/shared/test-context.js";
import type { HandlerInput, HandlerResult, Tenant } from "../../mocks/shared/types.js";
import { createIdentityPlatform, type IdentityPlatform } from "../../mocks/identity/platform.js";

export const ISSUER = "http://127.0.0.1:8080";
export const seed = createSeed("identity-test", { persons: 3000, enterprises: 300 });
const table = loadContracts();

export const otherTenant: Tenant = {
  ...testTenant,
  paasid: "other",
  paasToken: "fedcba9876543210fedcba9876543210",
  name: "其他部门 Other",
  controlToken: "ctl-other",
};

export interface World {
  idp: IdentityPlatform;
  ctx: TestContext;
  otherCtx: TestContext;
  clock: Clock;
  /** Call an operation as tenant stdemo (or `tenant`). */
  call(operationId: string, partial?: Partial<HandlerInput>, ctx?: TestContext): Promise<HandlerResult & { body: any }>;
  web: { id: string; secret: string };
  spa: { id: string };
  ci: { id: string; secret: string };
}

export function makeWorld(): World {
  const idp = createIdentityPlatform({ seed, issuer: ISSUER });
  idp.api.ensureTenant(testTenant.paasid);
  idp.api.ensureTenant(otherTenant.paasid);
  const clock = new Clock();
  clock.freeze(Date.UTC(2025, 5, 1, 2, 0, 0));
  const ctx = makeTestContext({ seed, clock });
  const otherCtx = makeTestContext({ seed, clock: new Clock(() => Date.UTC(2025, 5, 1, 2, 0, 0)) });
  const clients = idp.api.listClients(testTenant.paasid);
  const find = (suffix: string) => clients.find((c) => c.clientId.endsWith(suffix))!;
  const call: World["call"] = async (operationId, partial = {}, c = ctx) => {
    const op = table.byId.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the contract`);
    const input = makeInput({
      operationId,
      method: op.method,
      path: op.path,
      tenant: c === otherCtx ? otherTenant : testTenant,
      principal: { kind: "anonymous" },
      ...partial,
    });
    let result: HandlerResult & { body: any };
    try {
      result = (await idp.handlers[operationId](input, c)) as HandlerResult & { body: any };
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      const envelope = op.envelope ? idp.envelopes[op.envelope as "oauth" | "tyrz"] : idp.envelope;
      result = {
        status: e.problem.status,
        body: envelope(e.problem, { traceId: input.traceId }) as any,
        ...(e.problem.headers ? { headers: e.problem.headers } : {}),
      };
    }
    // Every answer in these tests must also satisfy the contract, as the gateway's response validation will demand.
    const violations = validateResponse(op, result.status, result.contentType ?? "application/json", result.body);
    if (violations.length)
      throw new Error(`${operationId} answered outside its contract: ${JSON.stringify(violations)}`);
    return result;
  };
  return {
    idp,
    ctx,
    otherCtx,
    clock,
    call,
    web: { id: find("_web").clientId, secret: find("_web").secret! },
    spa: { id: find("_spa").clientId },
    ci: { id: find("_ci").clientId, secret: find("_ci").secret! },
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export const basic = (id: string, secret: string): string =>
  "Basic " + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64");

/** Query parameters of a redirect's Location. */
export function redirectParams(r: HandlerResult): URLSearchParams {
  if (r.status !== 302 || !r.headers?.location)
    throw new Error(`expected a redirect, got ${r.status} ${JSON.stringify((r as any).body)}`);
  return new URL(r.headers.location).searchParams;
}

/** The cookie header a browser would send back after this response. */
export function cookieFrom(r: HandlerResult): string {
  const sc = r.headers?.["set-cookie"];
  if (!sc) throw new Error("no set-cookie");
  return sc.split(";")[0];
}

/** Hidden form value on the persona page. */
export function formValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
  if (!m) throw new Error(`no ${name} in page`);
  return m[1];
}

/** A persona of the seed with a given level and kind. */
export function personaWith(w: World, level: string, kind: "person" | "operator" = "person") {
  const p = w.idp.api.personas().find((x) => x.level === level && x.kind === kind);
  if (!p) throw new Error(`no ${kind} persona at ${level}`);
  return p;
}

export const REDIRECT = "http://127.0.0.1:3000/callback";
