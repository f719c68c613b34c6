// The shared verifier against forged, altered, expired, foreign and revoked tokens (issue 3 item 3; RFC 8725).
import { createHmac, generateKeyPairSync } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { createIdentityPlatform } from "../../mocks/identity/platform.js";
import { IDENTITY_ERRORS } from "../../mocks/identity/errors.js";
import { testTenant } from "../../mocks/shared/test-context.js";
import { basic, ISSUER, makeWorld, REDIRECT, redirectParams, seed, type World } from "./identity-helpers.js";

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

async function ccToken(w: World): Promise<string> {
  const r = await w.call("identityOidcToken", {
    body: { grant_type: "client_credentials" },
    headers: { authorization: basic(w.ci.id, w.ci.secret) },
  });
  return r.body.access_token;
}

async function userToken(w: World): Promise<{ access: string; id: string }> {
  const p = w.idp.api.personas().find((x) => x.level === "L2")!;
  const r = await w.call("identityOidcAuthorize", {
    query: { client_id: w.ci.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", login_hint: p.id },
  });
  const t = await w.call("identityOidcToken", {
    body: { grant_type: "authorization_code", code: redirectParams(r).get("code")!, redirect_uri: REDIRECT },
    headers: { authorization: basic(w.ci.id, w.ci.secret) },
  });
  return { access: t.body.access_token, id: t.body.id_token };
}

async function refusal(
  w: World,
  token: string,
  opts: { expectedTenant?: string } = {},
): Promise<{ en: string; zh: string; rule: string }> {
  const v = await w.idp.api.verifyAccessToken(token, { clock: w.clock, ...opts });
  if (v.ok) throw new Error("token was accepted");
  expect(v.problem.status).toBe(401);
  expect(v.problem.code).toBe(IDENTITY_ERRORS.invalidToken.code);
  return { en: v.problem.en, zh: v.problem.zh, rule: v.problem.diagnostics![0].rule };
}

describe("token attacks", () => {
  it("refuses alg none", async () => {
    const w = makeWorld();
    const [, payload] = (await ccToken(w)).split(".");
    for (const alg of ["none", "None", "NONE"]) {
      const forged = `${b64({ alg, typ: "at+jwt" })}.${payload}.`;
      const r = await refusal(w, forged);
      expect(r.rule).toBe("jwt-alg");
      expect(r.en).toContain('alg "none"');
      expect(r.zh).toContain("无签名令牌一律拒绝");
    }
  });

  it("refuses HS256 signed with the public key (key confusion)", async () => {
    const w = makeWorld();
    const [h, payload] = (await ccToken(w)).split(".");
    const jwk = w.idp.api.jwks().keys[0];
    const { createPublicKey } = await import("node:crypto");
    const pem = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    const header = { ...JSON.parse(Buffer.from(h, "base64url").toString()), alg: "HS256" };
    for (const secret of [String(pem), JSON.stringify(jwk)]) {
      const input = `${b64(header)}.${payload}`;
      const forged = `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
      const r = await refusal(w, forged);
      expect(r.rule).toBe("jwt-alg");
      expect(r.en).toContain("symmetric algorithm HS256");
    }
  });

  it("refuses other algorithms, embedded keys, unknown kids and a key of the attacker's own", async () => {
    const w = makeWorld();
    const claims = JSON.parse(Buffer.from((await ccToken(w)).split(".")[1], "base64url").toString());
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: w.idp.api.jwks().keys[0].kid })
      .sign(rsa.privateKey);
    expect((await refusal(w, rs)).en).toBe("algorithm RS256 is not accepted; only ES256");
    const attacker = await generateKeyPair("ES256", { extractable: true });
    const pub = await exportJWK(attacker.publicKey);
    const embedded = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", jwk: pub })
      .sign(attacker.privateKey);
    expect((await refusal(w, embedded)).rule).toBe("jwt-embedded-key");
    const jku = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "x", jku: "https://evil.example/jwks" })
      .sign(attacker.privateKey);
    expect((await refusal(w, jku)).en).toContain("(jku)");
    const unknown = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "attacker" })
      .sign(attacker.privateKey);
    expect((await refusal(w, unknown)).en).toBe("signing key attacker is not in this platform's JWKS");
    // the attacker claims our kid: the signature does not verify
    const ours = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: w.idp.api.jwks().keys[0].kid })
      .sign(attacker.privateKey);
    expect((await refusal(w, ours)).rule).toBe("jwt-signature");
    const nokid = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
      .sign(attacker.privateKey);
    expect((await refusal(w, nokid)).en).toBe("token header has no kid");
  });

  it("refuses a token whose payload was altered (level raised)", async () => {
    const w = makeWorld();
    const { access } = await userToken(w);
    const [h, p, s] = access.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const raised = `${h}.${b64({ ...claims, level: "L3" })}.${s}`;
    const r = await refusal(w, raised);
    expect(r.rule).toBe("jwt-signature");
    expect(r.en).toContain("signature is invalid");
    expect((await refusal(w, "a.b")).rule).toBe("jwt-format");
  });

  it("refuses a wrong issuer and a wrong audience (same keys, other platform settings)", async () => {
    const w = makeWorld();
    const elsewhere = createIdentityPlatform({ seed, issuer: "http://other.example:9090" });
    elsewhere.api.ensureTenant("stdemo");
    const ci = elsewhere.api.listClients("stdemo").find((c) => c.clientId.endsWith("_ci"))!;
    const r = (await elsewhere.handlers.identityOidcToken(
      {
        operationId: "identityOidcToken",
        method: "POST",
        path: "/oidc/token",
        params: {},
        query: {},
        headers: { authorization: basic(ci.clientId, ci.secret!) },
        body: { grant_type: "client_credentials" },
        ip: "127.0.0.1",
        tenant: testTenant,
        principal: { kind: "anonymous" },
        traceId: "t",
      },
      w.ctx,
    )) as any;
    const iss = await refusal(w, r.body.access_token);
    expect(iss.rule).toBe("jwt-iss");
    expect(iss.en).toBe(`issuer http://other.example:9090 is not this platform (${ISSUER})`);
    const token = await ccToken(w);
    const v = await w.idp.api.verifyAccessToken(token, { clock: w.clock, audience: "eseal-only" });
    expect(v.ok ? "accepted" : v.problem.en).toBe('token audience "gatesim" does not include eseal-only');
  });

  it("expires tokens by the verifying tenant's virtual clock", async () => {
    const w = makeWorld();
    const token = await ccToken(w);
    w.clock.advance(7199_000);
    expect((await w.idp.api.verifyAccessToken(token, { clock: w.clock })).ok).toBe(true);
    w.clock.advance(1_000);
    const r = await refusal(w, token);
    expect(r.rule).toBe("jwt-exp");
    expect(r.en).toMatch(
      /^token expired at 2025-06-01T04:00:00.000Z \(tenant's virtual clock now 2025-06-01T04:00:00.000Z\)$/,
    );
  });

  it("refuses another tenant's token", async () => {
    const w = makeWorld();
    const other = w.idp.api.listClients("other").find((c) => c.clientId.endsWith("_ci"))!;
    const r = await w.call(
      "identityOidcToken",
      { body: { grant_type: "client_credentials" }, headers: { authorization: basic(other.clientId, other.secret!) } },
      w.otherCtx,
    );
    const foreign = r.body.access_token;
    expect((await w.idp.api.verifyAccessToken(foreign, { clock: w.clock, expectedTenant: "other" })).ok).toBe(true);
    const x = await refusal(w, foreign, { expectedTenant: "stdemo" });
    expect(x.rule).toBe("jwt-tenant");
    expect(x.en).toBe(`token belongs to client ${other.clientId} of tenant other, not usable by tenant stdemo`);
    // the tyrz tokeninfo of stdemo refuses it too
    const info = await w.call("identityTyrzTokeninfo", { query: { access_token: foreign } });
    expect(info.body.errmsg).toContain("not usable by tenant stdemo");
  });

  it("refuses an ID token presented as an access token", async () => {
    const w = makeWorld();
    const { id } = await userToken(w);
    const r = await refusal(w, id);
    expect(r.rule).toBe("jwt-typ");
    expect(r.en).toBe("this is an ID token, not an access token (typ at+jwt, RFC 9068)");
  });

  it("keeps a rotated-out key in JWKS for the grace period, then refuses its tokens", async () => {
    const w = makeWorld();
    const before = await ccToken(w);
    const oldKid = w.idp.api.jwks().keys[0].kid;
    const rot = await w.call("identityAdminRotateKeys");
    expect(rot.body.retired).toEqual([oldKid]);
    expect(rot.body.kid).not.toBe(oldKid);
    const jwks = await w.call("identityOidcJwks");
    expect(jwks.body.keys.map((k: any) => k.kid)).toEqual([oldKid, rot.body.kid]);
    expect((await w.idp.api.verifyAccessToken(before, { clock: w.clock })).ok).toBe(true);
    const after = await ccToken(w);
    expect(JSON.parse(Buffer.from(after.split(".")[0], "base64url").toString()).kid).toBe(rot.body.kid);
    const keys = await w.call("identityAdminListKeys");
    expect(keys.body.keys.map((k: any) => k.status)).toEqual(["grace", "active"]);
    w.clock.advance(7200_000);
    expect((await w.call("identityOidcJwks")).body.keys.map((k: any) => k.kid)).toEqual([rot.body.kid]);
    const r = await refusal(w, before);
    expect(r.rule).toBe("jwt-kid");
    expect(r.en).toBe(`signing key ${oldKid} was rotated out and its grace period is over`);
  });
});
