// The OpenID Connect face: discovery, JWKS, code + PKCE, ID token, userinfo, refresh rotation, introspection,
// revocation, SSO, RP-initiated logout with back-channel logout tokens received by a test relying party.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testTenant } from "../../mocks/shared/test-context.js";
import {
  basic,
  cookieFrom,
  formValue,
  ISSUER,
  makeWorld,
  personaWith,
  pkce,
  REDIRECT,
  redirectParams,
  type World,
} from "./identity-helpers.js";

async function spaLogin(
  w: World,
  personaId: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const { verifier, challenge } = pkce();
  const nonce = "n-" + Math.random().toString(36).slice(2);
  const page = await w.call("identityOidcAuthorize", {
    query: {
      client_id: w.spa.id,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "openid profile email phone",
      state: "st8",
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...extra,
    },
    headers,
  });
  expect(page.status).toBe(200);
  const html = String(page.body);
  const r = await w.call("identityLoginSubmit", {
    body: { interaction: formValue(html, "interaction"), client_id: w.spa.id, persona: personaId },
  });
  const q = redirectParams(r);
  expect(q.get("state")).toBe("st8");
  return { code: q.get("code")!, verifier, nonce, cookie: cookieFrom(r) };
}

const form = (o: Record<string, string>) => o; // bodies arrive parsed; form and JSON look the same to handlers

describe("OIDC face", () => {
  it("publishes discovery metadata and a JWKS with the ES256 key", async () => {
    const w = makeWorld();
    const d = (await w.call("identityOidcDiscovery")).body;
    expect(d.issuer).toBe(ISSUER);
    expect(d.authorization_endpoint).toBe(`${ISSUER}/oidc/authorize`);
    expect(d.jwks_uri).toBe(`${ISSUER}/oidc/jwks`);
    expect(d.code_challenge_methods_supported).toEqual(["S256"]);
    expect(d.id_token_signing_alg_values_supported).toEqual(["ES256"]);
    expect(d.backchannel_logout_supported).toBe(true);
    const jwks = (await w.call("identityOidcJwks")).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("derives the keys from the seed: same seed same kid, another key seed another kid", async () => {
    const a = makeWorld();
    const b = makeWorld();
    expect(a.idp.api.jwks().keys[0].kid).toBe(b.idp.api.jwks().keys[0].kid);
    const { createIdentityPlatform } = await import("../../mocks/identity/platform.js");
    const { seed } = await import("./identity-helpers.js");
    const c = createIdentityPlatform({ seed, issuer: ISSUER, keySeed: "other" });
    expect(c.api.jwks().keys[0].kid).not.toBe(a.idp.api.jwks().keys[0].kid);
  });

  it("runs code + PKCE → tokens → userinfo → refresh (rotation) → introspection → revocation", async () => {
    const w = makeWorld();
    const persona = personaWith(w, "L3");
    const { code, verifier, nonce } = await spaLogin(w, persona.id);
    const tok = await w.call("identityOidcToken", {
      body: form({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id: w.spa.id,
        code_verifier: verifier,
      }),
    });
    expect(tok.status).toBe(200);
    expect(tok.headers!["cache-control"]).toBe("no-store");
    expect(tok.body).toMatchObject({ token_type: "Bearer", expires_in: 7200, scope: "openid profile email phone" });

    // ID token: verifiable against the published JWKS, nonce echoed, audience the client
    const jwks = createLocalJWKSet(w.idp.api.jwks(w.clock.now()));
    const { payload: id } = await jwtVerify(tok.body.id_token, jwks, {
      issuer: ISSUER,
      audience: w.spa.id,
      currentDate: new Date(w.clock.now()),
    });
    expect(id.nonce).toBe(nonce);
    expect(id.acr).toBe("L3");
    expect(id.name).toBe(persona.person.name);
    expect(typeof id.sid).toBe("string");
    expect(typeof id.at_hash).toBe("string");
    expect(decodeProtectedHeader(tok.body.access_token)).toMatchObject({ alg: "ES256", typ: "at+jwt" });

    // the access token is accepted offline by the shared verifier, with persona and level
    const v = await w.idp.api.verifyAccessToken(tok.body.access_token, {
      clock: w.clock,
      expectedTenant: testTenant.paasid,
    });
    expect(v.ok).toBe(true);
    if (v.ok)
      expect(v.claims).toMatchObject({
        iss: ISSUER,
        aud: "gatesim",
        client_id: w.spa.id,
        persona: persona.id,
        level: "L3",
        paasid: "stdemo",
      });

    const ui = await w.call("identityOidcUserinfo", { headers: { authorization: `Bearer ${tok.body.access_token}` } });
    expect(ui.status).toBe(200);
    expect(ui.body).toMatchObject({
      sub: id.sub,
      name: persona.person.name,
      idcardnumber: persona.person.idNumber,
      level: "L3",
      phone_number: persona.person.phone,
      email: persona.person.email,
    });

    // refresh: a new refresh token each time
    const r1 = await w.call("identityOidcToken", {
      body: form({ grant_type: "refresh_token", refresh_token: tok.body.refresh_token, client_id: w.spa.id }),
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(tok.body.refresh_token);
    expect(r1.body.access_token).not.toBe(tok.body.access_token);
    const { payload: id2 } = await jwtVerify(r1.body.id_token, jwks, {
      issuer: ISSUER,
      audience: w.spa.id,
      currentDate: new Date(w.clock.now()),
    });
    expect(id2.sub).toBe(id.sub);
    expect(id2.nonce).toBeUndefined();

    // introspection (confidential client) of the current tokens
    const auth = { authorization: basic(w.web.id, w.web.secret) };
    const ia = await w.call("identityOidcIntrospect", { body: { token: r1.body.access_token }, headers: auth });
    expect(ia.body).toMatchObject({
      active: true,
      client_id: w.spa.id,
      token_type: "Bearer",
      persona: persona.id,
      level: "L3",
      iss: ISSUER,
    });
    const ir = await w.call("identityOidcIntrospect", {
      body: { token: r1.body.refresh_token, token_type_hint: "refresh_token" },
      headers: auth,
    });
    expect(ir.body).toMatchObject({ active: true, token_type: "refresh_token", client_id: w.spa.id });
    const iold = await w.call("identityOidcIntrospect", { body: { token: tok.body.refresh_token }, headers: auth });
    expect(iold.body).toEqual({ active: false });

    // revoke the access token: verifier, userinfo and introspection all refuse it; the refresh token still works
    const rv = await w.call("identityOidcRevoke", { body: { token: r1.body.access_token, client_id: w.spa.id } });
    expect(rv.status).toBe(200);
    expect(
      (await w.call("identityOidcIntrospect", { body: { token: r1.body.access_token }, headers: auth })).body,
    ).toEqual({ active: false });
    const ui2 = await w.call("identityOidcUserinfo", { headers: { authorization: `Bearer ${r1.body.access_token}` } });
    expect(ui2.status).toBe(401);
    expect(ui2.headers!["www-authenticate"]).toBe(
      'Bearer error="invalid_token", error_description="token has been revoked"',
    );
    const r2 = await w.call("identityOidcToken", {
      body: form({ grant_type: "refresh_token", refresh_token: r1.body.refresh_token, client_id: w.spa.id }),
    });
    expect(r2.status).toBe(200);

    // revoke the refresh token: its whole family goes, access tokens included
    await w.call("identityOidcRevoke", {
      body: { token: r2.body.refresh_token, token_type_hint: "refresh_token", client_id: w.spa.id },
    });
    const v2 = await w.idp.api.verifyAccessToken(r2.body.access_token, { clock: w.clock });
    expect(v2.ok).toBe(false);
    const r3 = await w.call("identityOidcToken", {
      body: form({ grant_type: "refresh_token", refresh_token: r2.body.refresh_token, client_id: w.spa.id }),
    });
    expect(r3.body.error).toBe("invalid_grant");
    // unknown tokens: 200 (RFC 7009 §2.2)
    expect((await w.call("identityOidcRevoke", { body: { token: "nothing", client_id: w.spa.id } })).status).toBe(200);
  });

  it("detects refresh-token reuse and revokes the family", async () => {
    const w = makeWorld();
    const { code, verifier } = await spaLogin(w, personaWith(w, "L2").id);
    const tok = await w.call("identityOidcToken", {
      body: {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id: w.spa.id,
        code_verifier: verifier,
      },
    });
    const r1 = await w.call("identityOidcToken", {
      body: { grant_type: "refresh_token", refresh_token: tok.body.refresh_token, client_id: w.spa.id },
    });
    const reuse = await w.call("identityOidcToken", {
      body: { grant_type: "refresh_token", refresh_token: tok.body.refresh_token, client_id: w.spa.id },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe("invalid_grant");
    expect(reuse.body.error_description).toMatch(
      /已.*使用过.*令牌族已全部撤销 \/ refresh_token was already used .*reuse detected, the whole token family is revoked/,
    );
    // the legitimate holder's newer tokens die too
    expect(
      (
        await w.call("identityOidcToken", {
          body: { grant_type: "refresh_token", refresh_token: r1.body.refresh_token, client_id: w.spa.id },
        })
      ).status,
    ).toBe(400);
    const v = await w.idp.api.verifyAccessToken(r1.body.access_token, { clock: w.clock });
    expect(v.ok ? "accepted" : v.problem.en).toBe("token has been revoked");
    expect(
      w.ctx.events.some((e) => e.event === "identity.tokens-revoked" && e.data.reason === "refresh token reused"),
    ).toBe(true);
  });

  it("issues client_credentials tokens without a user", async () => {
    const w = makeWorld();
    const r = await w.call("identityOidcToken", {
      body: { grant_type: "client_credentials", scope: "all" },
      headers: { authorization: basic(w.ci.id, w.ci.secret) },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["access_token", "expires_in", "scope", "token_type"]);
    const v = await w.idp.api.verifyAccessToken(r.body.access_token, { clock: w.clock, expectedTenant: "stdemo" });
    expect(v.ok && v.principal).toMatchObject({ kind: "user", sub: w.ci.id, clientId: w.ci.id, scope: ["all"] });
    const ui = await w.call("identityOidcUserinfo", { headers: { authorization: `Bearer ${r.body.access_token}` } });
    expect(ui.status).toBe(403); // no openid scope
    const oidc = await w.call("identityOidcToken", {
      body: { grant_type: "client_credentials", scope: "openid" },
      headers: { authorization: basic(w.ci.id, w.ci.secret) },
    });
    expect(oidc.body.error).toBe("invalid_scope");
  });

  it("lets CI log in headlessly with login_hint on an auto-approve client", async () => {
    const w = makeWorld();
    const p = personaWith(w, "L1");
    const r = await w.call("identityOidcAuthorize", {
      query: {
        client_id: w.ci.id,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "openid",
        state: "ci",
        login_hint: p.id,
      },
    });
    const q = redirectParams(r);
    expect(q.get("state")).toBe("ci");
    const tok = await w.call("identityOidcToken", {
      body: {
        grant_type: "authorization_code",
        code: q.get("code")!,
        redirect_uri: REDIRECT,
        client_id: w.ci.id,
        client_secret: w.ci.secret,
      },
    });
    expect(tok.status).toBe(200);
    expect(((await w.idp.api.verifyAccessToken(tok.body.access_token, { clock: w.clock })) as any).claims.persona).toBe(
      p.id,
    );
    // without auto-approve, login_hint only preselects the persona on the page
    const page = await w.call("identityOidcAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", login_hint: p.id },
    });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain(`value="${p.id}" class="hint" autofocus`);
  });

  it("reuses the browser's SSO session for the next client (one login, many systems)", async () => {
    const w = makeWorld();
    const p = personaWith(w, "L2");
    const { cookie } = await spaLogin(w, p.id);
    const r = await w.call("identityTyrzAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "all", state: "x" },
      headers: { cookie },
    });
    expect(redirectParams(r).get("code")).toBeTruthy();
    expect(w.ctx.events.filter((e) => e.event === "identity.login").map((e) => e.data.sso)).toEqual([false, true]);
    // prompt=login asks again
    const again = await w.call("identityOidcAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid", prompt: "login" },
      headers: { cookie },
    });
    expect(again.status).toBe(200);
    // prompt=none without a session
    const none = await w.call("identityOidcAuthorize", {
      query: {
        client_id: w.web.id,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "openid",
        prompt: "none",
        state: "z",
      },
    });
    expect(redirectParams(none).get("error")).toBe("login_required");
    expect(redirectParams(none).get("state")).toBe("z");
  });

  describe("logout", () => {
    let server: Server;
    let rpUri = "";
    const received: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let data = "";
        req.on("data", (c) => (data += c));
        req.on("end", () => {
          received.push(new URLSearchParams(data).get("logout_token") ?? "");
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
      rpUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`;
    });
    afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

    it("ends the session at /oidc/logout and POSTs a logout token to each RP of the session", async () => {
      const w = makeWorld();
      w.idp.api.updateClient("stdemo", w.spa.id, { backchannelLogoutUri: rpUri });
      w.idp.api.updateClient("stdemo", w.web.id, { backchannelLogoutUri: rpUri + "?rp=web" });
      const p = personaWith(w, "L2");
      const { code, verifier, cookie } = await spaLogin(w, p.id);
      const tok = await w.call("identityOidcToken", {
        body: {
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
          client_id: w.spa.id,
          code_verifier: verifier,
        },
      });
      // the same browser logs in to the web client through SSO
      await w.call("identityOidcAuthorize", {
        query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid" },
        headers: { cookie },
      });
      received.length = 0;
      const out = await w.call("identityOidcEndSession", {
        query: { id_token_hint: tok.body.id_token, post_logout_redirect_uri: "http://127.0.0.1:3000/", state: "bye" },
      });
      expect(out.status).toBe(302);
      expect(out.headers!.location).toBe("http://127.0.0.1:3000/?state=bye");
      expect(received).toHaveLength(2);
      const jwks = createLocalJWKSet(w.idp.api.jwks(w.clock.now()));
      const auds: unknown[] = [];
      for (const t of received) {
        const { payload, protectedHeader } = await jwtVerify(t, jwks, {
          issuer: ISSUER,
          currentDate: new Date(w.clock.now()),
        });
        expect(protectedHeader.typ).toBe("logout+jwt");
        expect(payload.events).toEqual({ "http://schemas.openid.net/event/backchannel-logout": {} });
        expect(payload.sid).toBeTruthy();
        expect(payload).not.toHaveProperty("nonce");
        auds.push(payload.aud);
      }
      expect(auds.sort()).toEqual([w.spa.id, w.web.id].sort());
      const journal = w.ctx.events.filter((e) => e.event === "identity.backchannel-logout");
      expect(journal.map((e) => [e.data.clientId, e.data.ok, e.data.status])).toEqual(
        expect.arrayContaining([
          [w.spa.id, true, 200],
          [w.web.id, true, 200],
        ]),
      );
      const v = await w.idp.api.verifyAccessToken(tok.body.access_token, { clock: w.clock });
      expect(v.ok ? "accepted" : v.problem.en).toContain("session this token belongs to has ended");
    });

    it("records a failed back-channel delivery without failing the logout", async () => {
      const w = makeWorld();
      w.idp.api.updateClient("stdemo", w.spa.id, { backchannelLogoutUri: "http://127.0.0.1:9/unreachable" });
      const { code, verifier } = await spaLogin(w, personaWith(w, "L2").id);
      const tok = await w.call("identityOidcToken", {
        body: {
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
          client_id: w.spa.id,
          code_verifier: verifier,
        },
      });
      const out = await w.call("identityOidcEndSession", { query: { id_token_hint: tok.body.id_token } });
      expect(out.status).toBe(200);
      const e = w.ctx.events.find((x) => x.event === "identity.backchannel-logout")!;
      expect(e.data).toMatchObject({ clientId: w.spa.id, ok: false });
      expect(typeof e.data.error).toBe("string");
    });

    it("refuses an unregistered post_logout_redirect_uri and a post-logout redirect without a client", async () => {
      const w = makeWorld();
      const { code, verifier } = await spaLogin(w, personaWith(w, "L2").id);
      const tok = await w.call("identityOidcToken", {
        body: {
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
          client_id: w.spa.id,
          code_verifier: verifier,
        },
      });
      const bad = await w.call("identityOidcEndSession", {
        query: { id_token_hint: tok.body.id_token, post_logout_redirect_uri: "https://evil.example/" },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error_description).toContain("post_logout_redirect_uri does not exactly match");
      const anon = await w.call("identityOidcEndSession", {
        query: { post_logout_redirect_uri: "http://127.0.0.1:3000/" },
      });
      expect(anon.status).toBe(400);
      const forged = await w.call("identityOidcEndSession", {
        query: { id_token_hint: tok.body.id_token.slice(0, -4) + "AAAA" },
      });
      expect(forged.status).toBe(400);
    });
  });
});
