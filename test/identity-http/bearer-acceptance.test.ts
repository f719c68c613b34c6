// Tokens issued by the identity platform are accepted by other platforms' `security: bearer` operations — through the
// gateway's own verifier step (pipeline/authenticate → IdentityApi.verifyAccessToken) — and forged, expired, revoked,
// logged-out, foreign-issuer and other-tenant tokens are refused there, each with the check that failed.
// No other platform has a bearer operation with a handler yet, so a tiny test-only platform module and two
// operations are added to the operation table of a listening simulator (contracts of other platforms untouched).
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContracts, type Operation, type OperationTable, type Security } from "../../contracts/loader.js";
import { defaultPlatforms } from "../../gateway/platforms.js";
import type { PlatformModule } from "../../mocks/shared/types.js";
import {
  advanceClock,
  basic,
  clientsOf,
  locationParams,
  OTHER_PAASID,
  PAASID,
  personasOf,
  pick,
  startSim,
  type IdentityClientView,
  type PersonaView,
  type Sim,
} from "./http-helpers.js";

const REDIRECT = "http://127.0.0.1:3000/callback";

function probeOp(operationId: string, path: string, security: Security[]): Operation {
  return {
    operationId,
    document: "bearer-probe",
    platform: "probe",
    method: "GET",
    openapiPath: path,
    path,
    security,
    summary: "test-only bearer probe",
    parameters: [],
    responses: {
      "200": { description: "who called", content: { "application/json": { schema: { type: "object" } } } },
    },
  };
}

/** The contracts' table plus two test-only operations: bearer alone, and x-tif signature or bearer (as e-seal's). */
function probeTable(): OperationTable {
  const base = loadContracts();
  const extra = [
    probeOp("probeBearer", "/_probe/bearer", ["bearer"]),
    probeOp("probeTifOrBearer", "/_probe/tif-or-bearer", ["tif", "bearer"]),
  ];
  return {
    documents: base.documents,
    operations: [...base.operations, ...extra],
    byId: new Map([...base.byId, ...extra.map((o) => [o.operationId, o] as const)]),
  };
}

/** Answers with what the gateway established: the tenant and the principal. */
const probe: PlatformModule = {
  name: "probe",
  handlers: {
    probeBearer: (input) => ({ status: 200, body: { tenant: input.tenant.paasid, principal: input.principal } }),
    probeTifOrBearer: (input) => ({ status: 200, body: { tenant: input.tenant.paasid, principal: input.principal } }),
  },
};

let sim: Sim;
let foreign: Sim;
let personas: PersonaView[];
let ci: IdentityClientView;

beforeAll(async () => {
  const opts = {
    table: probeTable(),
    platforms: (seed: Parameters<typeof defaultPlatforms>[0], config: Parameters<typeof defaultPlatforms>[1]) => [
      ...defaultPlatforms(seed, config),
      probe,
    ],
  };
  sim = await startSim({}, opts);
  foreign = await startSim(); // same seed, so the same signing keys, but another issuer URL
  personas = await personasOf(sim);
  ci = (await clientsOf(sim)).find((c) => c.clientId === `tyrz_${PAASID}_ci`)!;
});
afterAll(async () => {
  await sim?.close();
  await foreign?.close();
});

async function userTokens(
  s: Sim,
  personaId: string,
  client = ci,
): Promise<{ access_token: string; id_token: string; refresh_token: string }> {
  const r = await s.get(
    `/oidc/authorize?${new URLSearchParams({ client_id: client.clientId, response_type: "code", scope: "openid profile", redirect_uri: REDIRECT, login_hint: personaId })}`,
  );
  const code = (await locationParams(r)).get("code")!;
  const t = await s.form(
    "/oidc/token",
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
    { authorization: basic(client.clientId, client.secret!) },
  );
  expect(t.status).toBe(200);
  return (await t.json()) as any;
}

const callProbe = (token: string, headers: Record<string, string> = {}, path = "/_probe/bearer") =>
  sim.get(path, { headers: { authorization: `Bearer ${token}`, ...headers } });

/** A refusal by the gateway's bearer step: 401, gateway envelope 40102, trace id, and the failed check as the rule. */
async function refused(r: Response, rule: string): Promise<any> {
  const body = (await r.json()) as any;
  expect(r.status, JSON.stringify(body)).toBe(401);
  expect(body.errcode).toBe(40102);
  expect(body.data).toBeNull();
  expect(body._trace_id).toBe(r.headers.get("x-gatesim-trace-id"));
  expect(body._diagnostics[0].rule).toBe(rule);
  expect(body._diagnostics[0].location).toBe("/headers/authorization");
  return body._diagnostics[0];
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("identity tokens at another platform's bearer operation (gateway verifier)", () => {
  it("accepts a user token and hands the handler the persona, level and client as the principal", async () => {
    const who = pick(personas, "L3", "operator");
    const { access_token } = await userTokens(sim, who.id);
    const r = await callProbe(access_token);
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body.tenant).toBe(PAASID);
    expect(body.principal).toMatchObject({
      kind: "user",
      clientId: ci.clientId,
      scope: ["openid", "profile"],
      claims: { persona: who.id, level: "L3", paasid: PAASID, iss: sim.url, aud: "gatesim" },
    });
  });

  // Regression: a bearer-only call to a non-identity platform must run as the token's tenant, not the default one.
  it("takes the tenant of a bearer-only call from the token: another tenant's token runs as that tenant", async () => {
    const otherCi = (await clientsOf(sim, OTHER_PAASID)).find((c) => c.clientId.endsWith("_ci"))!;
    const { access_token } = await userTokens(sim, pick(personas, "L2").id, otherCi);
    const r = await callProbe(access_token);
    const body = (await r.json()) as any;
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body.tenant).toBe(OTHER_PAASID);
  });

  it("accepts a client_credentials token (the client itself is the subject)", async () => {
    const t = await sim.form(
      "/oidc/token",
      { grant_type: "client_credentials", scope: "all" },
      { authorization: basic(ci.clientId, ci.secret!) },
    );
    const r = await callProbe(((await t.json()) as any).access_token);
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).principal).toMatchObject({
      kind: "user",
      sub: ci.clientId,
      clientId: ci.clientId,
    });
  });

  it("refuses forged tokens, each naming the check: alg none, HMAC keyed with the public key, foreign key, tampering, embedded key", async () => {
    const { access_token } = await userTokens(sim, pick(personas, "L1").id);
    const header = decodeProtectedHeader(access_token);
    const claims = decodeJwt(access_token);
    const raised = { ...claims, level: "L3" };

    expect(
      (
        await refused(
          await callProbe(`${b64({ alg: "none", typ: "at+jwt", kid: header.kid })}.${b64(raised)}.`),
          "jwt-alg",
        )
      ).message,
    ).toMatch(/alg "none"/);

    const jwks = (await (await sim.get("/oidc/jwks")).json()) as { keys: Record<string, string>[] };
    const hmac = await new SignJWT(raised)
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: header.kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    expect((await refused(await callProbe(hmac), "jwt-alg")).message).toMatch(/symmetric algorithm HS256/);

    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const otherKey = await new SignJWT(raised)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: header.kid })
      .sign(privateKey);
    await refused(await callProbe(otherKey), "jwt-signature");

    const [h, , s] = access_token.split(".");
    await refused(await callProbe(`${h}.${b64(raised)}.${s}`), "jwt-signature");

    const embedded = await new SignJWT(raised)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    await refused(await callProbe(embedded), "jwt-embedded-key");

    await refused(await callProbe("not.a.jwt-at-all"), "jwt-format");

    // a signature re-encoded with different unused trailing bits decodes to the same bytes: still refused (canonical form)
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = s.slice(0, -1) + ALPHABET[ALPHABET.indexOf(s.at(-1)!) ^ 1];
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(s, "base64url"))).toBe(true);
    await refused(await callProbe(`${h}.${access_token.split(".")[1]}.${twin}`), "jwt-signature");
    expect((await callProbe(access_token)).status).toBe(200);

    const crit = `${b64({ alg: "ES256", typ: "at+jwt", kid: header.kid, crit: ["b64"], b64: false })}.${b64(claims)}.${s}`;
    await refused(await callProbe(crit), "jwt-crit");
  });

  it("refuses an ID token presented as an access token", async () => {
    const { id_token } = await userTokens(sim, pick(personas, "L2").id);
    expect((await refused(await callProbe(id_token), "jwt-typ")).message).toMatch(/an ID token, not an access token/);
  });

  it("refuses a token of another gatesim (same keys, other issuer)", async () => {
    const theirs = await userTokens(
      foreign,
      pick(personas, "L2").id,
      (await clientsOf(foreign)).find((c) => c.clientId.endsWith("_ci"))!,
    );
    const d = await refused(await callProbe(theirs.access_token), "jwt-iss");
    expect(d.message).toBe(
      `签发者 ${foreign.url} 不是本平台 ${sim.url} / issuer ${foreign.url} is not this platform (${sim.url})`,
    );
  });

  it("refuses an expired token by the tenant's virtual clock, and accepts it again when the clock goes back", async () => {
    const { access_token } = await userTokens(sim, pick(personas, "L2").id);
    await advanceClock(sim, 7201_000);
    try {
      expect((await refused(await callProbe(access_token), "jwt-exp")).message).toMatch(
        /token expired at .*tenant's virtual clock/,
      );
    } finally {
      await advanceClock(sim, -7201_000);
    }
    expect((await callProbe(access_token)).status).toBe(200);
  });

  it("refuses a token of another tenant's client on a call signed as this tenant", async () => {
    const { access_token } = await userTokens(sim, pick(personas, "L2").id); // tenant PAASID's client
    const other = sim.apps.find((a) => a.paasid === OTHER_PAASID)!;
    const r = await callProbe(access_token, other.sign(), "/_probe/tif-or-bearer");
    const d = await refused(r, "jwt-tenant");
    expect(d.message).toBe(
      `令牌属于租户 ${PAASID} 的客户端 ${ci.clientId}，不能用于租户 ${OTHER_PAASID} / token belongs to client ${ci.clientId} of tenant ${PAASID}, not usable by tenant ${OTHER_PAASID}`,
    );
    // the same signed call with its own tenant's token passes both checks
    const mine = sim.apps.find((a) => a.paasid === PAASID)!;
    const ok = await callProbe(access_token, mine.sign(), "/_probe/tif-or-bearer");
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).principal.kind).toBe("user");
  });

  it("refuses revoked tokens and tokens of a logged-out session", async () => {
    const a = await userTokens(sim, pick(personas, "L2").id);
    const rev = await sim.form(
      "/oidc/revoke",
      { token: a.access_token },
      { authorization: basic(ci.clientId, ci.secret!) },
    );
    expect(rev.status).toBe(200);
    await refused(await callProbe(a.access_token), "token-revoked");

    const b = await userTokens(sim, pick(personas, "L3").id);
    expect((await callProbe(b.access_token)).status).toBe(200);
    const out = await sim.get(`/oidc/logout?id_token_hint=${b.id_token}`);
    expect(out.status).toBe(200);
    await refused(await callProbe(b.access_token), "session-ended");
  });

  it("refuses a missing token with a hint to log in", async () => {
    const r = await sim.get("/_probe/bearer");
    const body = (await r.json()) as any;
    expect(r.status).toBe(401);
    expect(body._diagnostics[0]).toMatchObject({ rule: "bearer.required" });
  });
});

describe("the identity platform's own bearer endpoint (userinfo) refuses the same attacks with RFC 6750 challenges", () => {
  it("answers alg none and a foreign issuer with 401 invalid_token and WWW-Authenticate", async () => {
    const { access_token } = await userTokens(sim, pick(personas, "L2").id);
    const none = `${b64({ alg: "none", typ: "at+jwt" })}.${b64(decodeJwt(access_token))}.`;
    const r1 = await sim.get("/oidc/userinfo", { headers: { authorization: `Bearer ${none}` } });
    expect(r1.status).toBe(401);
    expect(r1.headers.get("www-authenticate")).toMatch(
      /^Bearer error="invalid_token", error_description="token uses alg 'none'/,
    );
    const theirs = await userTokens(
      foreign,
      pick(personas, "L2").id,
      (await clientsOf(foreign)).find((c) => c.clientId.endsWith("_ci"))!,
    );
    const r2 = await sim.get("/oidc/userinfo", { headers: { authorization: `Bearer ${theirs.access_token}` } });
    expect(r2.status).toBe(401);
    expect(((await r2.json()) as any).error_description).toContain(`is not this platform (${sim.url})`);
    const r3 = await sim.get("/oidc/userinfo");
    expect(r3.status).toBe(401);
    expect(r3.headers.get("www-authenticate")).toBe('Bearer realm="gatesim"');
  });
});
