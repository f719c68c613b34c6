// The OIDC face over real HTTP, driven by openid-client v6 as a real relying party: discovery → code + PKCE (the
// persona page's form POSTed as a browser would) → token → userinfo → refresh (rotation) → introspection → revocation
// → RP-initiated logout with a back-channel logout token received by a test RP and recorded in the tenant journal.
import * as oidc from "openid-client";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cookieOf,
  formValue,
  journalOf,
  locationParams,
  OTHER_PAASID,
  PAASID,
  personasOf,
  pick,
  registerClient,
  startRp,
  startSim,
  type PersonaView,
  type Sim,
  type TestRp,
} from "./http-helpers.js";

let sim: Sim;
let rp: TestRp;
let config: oidc.Configuration;
let publicConfig: oidc.Configuration;
let personas: PersonaView[];
const CLIENT_ID = "rp_oidc_http";
const SPA_ID = "rp_spa_http";

beforeAll(async () => {
  sim = await startSim();
  rp = await startRp();
  const c = await registerClient(sim, {
    clientId: CLIENT_ID,
    name: "openid-client 测试应用 / openid-client RP",
    redirectUris: [rp.callback],
    postLogoutRedirectUris: [`${rp.url}/signed-out`],
    backchannelLogoutUri: rp.backchannel,
    grants: ["authorization_code", "refresh_token"],
    requiredLevel: "L1",
  });
  await registerClient(sim, {
    clientId: SPA_ID,
    public: true,
    redirectUris: [rp.callback],
    postLogoutRedirectUris: [`${rp.url}/signed-out`],
    requiredLevel: "L1",
  });
  // openid-client refuses plain http unless told; the simulator is on the loopback interface.
  const opts = { execute: [oidc.allowInsecureRequests] };
  config = await oidc.discovery(
    new URL(sim.url),
    CLIENT_ID,
    { redirect_uris: [rp.callback] },
    oidc.ClientSecretBasic(c.secret!),
    opts,
  );
  publicConfig = await oidc.discovery(new URL(sim.url), SPA_ID, { redirect_uris: [rp.callback] }, oidc.None(), opts);
  personas = await personasOf(sim);
});

afterAll(async () => {
  await rp?.close();
  await sim?.close();
});

/** Authorization request → persona page → form POST like a browser → the RP's callback URL (code, state). */
async function browserLogin(
  cfg: oidc.Configuration,
  personaId: string,
  scope = "openid profile email phone offline_access",
  cookie?: string,
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(cfg, {
    redirect_uri: rp.callback,
    scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  const page = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  const html = await page.text();
  const submit = await sim.form("/sso/login", {
    interaction: formValue(html, "interaction"),
    client_id: formValue(html, "client_id"),
    persona: personaId,
  });
  const back = await locationParams(submit);
  expect(back.url.origin + back.url.pathname).toBe(rp.callback);
  return { callback: back.url, verifier, state, nonce, cookie: cookieOf(submit) };
}

describe("OIDC relying party (openid-client) against the listening simulator", () => {
  it("discovers the issuer at the simulator's own URL with the endpoints it serves", () => {
    const m = config.serverMetadata();
    expect(m.issuer).toBe(sim.url);
    expect(m.token_endpoint).toBe(`${sim.url}/oidc/token`);
    expect(m.code_challenge_methods_supported).toEqual(["S256"]);
    expect(m.backchannel_logout_supported).toBe(true);
    expect(m.end_session_endpoint).toBe(`${sim.url}/oidc/logout`);
  });

  it("runs code + PKCE → tokens → userinfo → refresh with rotation → introspection → revocation", async () => {
    const who = pick(personas, "L2");
    const login = await browserLogin(config, who.id);
    const tokens = await oidc.authorizationCodeGrant(config, login.callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBe(7200);
    const id = tokens.claims()!;
    expect(id.iss).toBe(sim.url);
    expect(id.aud).toBe(CLIENT_ID);
    expect(id.nonce).toBe(login.nonce);
    expect(id.acr).toBe("L2");
    expect(id.name).toBe(who.name);

    const info = await oidc.fetchUserInfo(config, tokens.access_token, id.sub);
    expect(info).toMatchObject({ sub: id.sub, name: who.name, idcardnumber: who.idNumber, level: "L2" });
    // RFC 6750 §2.2: the token may also travel in a form body
    const posted = await sim.form("/oidc/userinfo", { access_token: tokens.access_token });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { sub: string }).sub).toBe(id.sub);

    // refresh with rotation: a new refresh token each time; the old one is spent
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    // introspection (RFC 7662) of the new access and refresh tokens and of the spent refresh token
    const at = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(at).toMatchObject({
      active: true,
      client_id: CLIENT_ID,
      sub: id.sub,
      persona: who.id,
      level: "L2",
      paasid: PAASID,
    });
    expect(
      (await oidc.tokenIntrospection(config, refreshed.refresh_token!, { token_type_hint: "refresh_token" })).active,
    ).toBe(true);
    expect(
      (await oidc.tokenIntrospection(config, tokens.refresh_token!, { token_type_hint: "refresh_token" })).active,
    ).toBe(false);

    // revocation (RFC 7009): the access token is refused afterwards, by introspection and by userinfo
    await oidc.tokenRevocation(config, refreshed.access_token, { token_type_hint: "access_token" });
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    const ui = await fetch(`${sim.url}/oidc/userinfo`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(ui.status).toBe(401);
    expect(ui.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    expect(((await ui.json()) as { error: string }).error).toBe("invalid_token");

    // reusing the spent refresh token is replay: refused, and the whole family (the live refresh token too) is revoked
    const reuse = await oidc.refreshTokenGrant(config, tokens.refresh_token!).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(reuse).toBeInstanceOf(oidc.ResponseBodyError);
    expect((reuse as oidc.ResponseBodyError).error).toBe("invalid_grant");
    expect((reuse as oidc.ResponseBodyError).error_description).toMatch(/reuse detected/);
    expect(
      (await oidc.tokenIntrospection(config, refreshed.refresh_token!, { token_type_hint: "refresh_token" })).active,
    ).toBe(false);
  });

  it("lets a public client use PKCE without a secret, and refuses a token request without the verifier", async () => {
    const login = await browserLogin(publicConfig, pick(personas, "L1").id, "openid profile");
    const noVerifier = await oidc
      .authorizationCodeGrant(publicConfig, login.callback, { expectedState: login.state, expectedNonce: login.nonce })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((noVerifier as oidc.ResponseBodyError).error).toBe("invalid_grant");
    expect((noVerifier as oidc.ResponseBodyError).error_description).toMatch(/code_verifier is missing/);
    // the failed attempt did not spend the code: the right verifier still redeems it
    const tokens = await oidc.authorizationCodeGrant(publicConfig, login.callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
    expect(tokens.claims()!.aud).toBe(SPA_ID);
  });

  it("logs out (RP-initiated): redirect with state, back-channel logout token to the RP, journal event, tokens refused", async () => {
    const who = pick(personas, "L3");
    const login = await browserLogin(config, who.id);
    const tokens = await oidc.authorizationCodeGrant(config, login.callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
    const idToken = tokens.id_token!;
    const sid = tokens.claims()!.sid as string;

    const endUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${rp.url}/signed-out`,
      state: "bye-42",
    });
    // a browser sends its SSO cookie along; the id_token_hint alone already names the tenant and the session
    const out = await fetch(endUrl, { redirect: "manual" });
    const back = await locationParams(out);
    expect(back.url.origin + back.url.pathname).toBe(`${rp.url}/signed-out`);
    expect(back.get("state")).toBe("bye-42");
    expect(out.headers.getSetCookie().join(";")).toMatch(/gatesim_sso=;.*Max-Age=0/);

    // OIDC Back-Channel Logout 1.0 §2.5: a form POST with logout_token, a JWT the RP verifies against the JWKS
    const bc = await rp.next("/backchannel-logout");
    expect(bc.method).toBe("POST");
    expect(bc.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const logoutToken = new URLSearchParams(bc.body).get("logout_token")!;
    const { payload, protectedHeader } = await jwtVerify(
      logoutToken,
      createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)),
      { issuer: sim.url, audience: CLIENT_ID, typ: "logout+jwt" },
    );
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.sid).toBe(sid);
    expect(payload.sub).toBe(tokens.claims()!.sub);
    expect(payload.events).toEqual({ "http://schemas.openid.net/event/backchannel-logout": {} });
    expect(payload).not.toHaveProperty("nonce");

    // the journal of the tenant records the logout and the delivery as events
    const events = (await journalOf(sim)).filter((e) => e.event);
    const delivery = events.find((e) => e.event === "identity.backchannel-logout" && e.response?.body?.sid === sid);
    expect(delivery?.response?.body).toMatchObject({ clientId: CLIENT_ID, uri: rp.backchannel, ok: true, status: 200 });
    expect(events.some((e) => e.event === "identity.logout" && e.response?.body?.sid === sid)).toBe(true);

    // everything issued in the session is refused afterwards
    const ui = await fetch(`${sim.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(ui.status).toBe(401);
    expect(((await ui.json()) as { error_description: string }).error_description).toMatch(
      /session .*has ended|revoked/,
    );
    const refresh = await oidc.refreshTokenGrant(config, tokens.refresh_token!).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refresh as oidc.ResponseBodyError).error).toBe("invalid_grant");
    expect(decodeJwt(tokens.access_token).sid).toBe(sid);
  });

  it("reuses the browser's SSO session for a second client and logs both out through the cookie alone", async () => {
    const who = pick(personas, "L2");
    const first = await browserLogin(config, who.id);
    await oidc.authorizationCodeGrant(config, first.callback, {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
      expectedNonce: first.nonce,
    });
    // the second client's authorize request with the cookie skips the persona page (single sign-on)
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(publicConfig, {
      redirect_uri: rp.callback,
      scope: "openid",
      state: "sso",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const sso = await fetch(url, { redirect: "manual", headers: { cookie: first.cookie } });
    const q = await locationParams(sso);
    const spaTokens = await oidc.authorizationCodeGrant(publicConfig, q.url, {
      pkceCodeVerifier: verifier,
      expectedState: "sso",
    });
    expect(spaTokens.claims()!.sub).toBe(
      (await oidc.fetchUserInfo(publicConfig, spaTokens.access_token, oidc.skipSubjectCheck)).sub,
    );

    // logout with nothing but the cookie (no id_token_hint, no client_id): the tenant comes from the cookie
    const before = rp.requests.filter((r) => r.url === "/backchannel-logout").length;
    const out = await fetch(`${sim.url}/oidc/logout`, { redirect: "manual", headers: { cookie: first.cookie } });
    expect(out.status).toBe(200);
    expect(await out.text()).toContain("您已退出统一身份认证");
    expect(rp.requests.filter((r) => r.url === "/backchannel-logout").length).toBe(before + 1); // only the confidential RP registered one
    const ui = await fetch(`${sim.url}/oidc/userinfo`, {
      headers: { authorization: `Bearer ${spaTokens.access_token}` },
    });
    expect(ui.status).toBe(401);
  });

  it("finds the second tenant's session from id_token_hint alone (no cookie, no client_id) and notifies its RP", async () => {
    // the first tenant is the fallback for requests naming none, so only a second tenant shows the hint is used
    const c = await registerClient(
      sim,
      {
        clientId: "rp_other_tenant",
        redirectUris: [rp.callback],
        postLogoutRedirectUris: [`${rp.url}/signed-out`],
        backchannelLogoutUri: `${rp.url}/bc-other`,
        requiredLevel: "L1",
      },
      OTHER_PAASID,
    );
    const cfg = await oidc.discovery(
      new URL(sim.url),
      c.clientId,
      { redirect_uris: [rp.callback] },
      oidc.ClientSecretPost(c.secret!),
      { execute: [oidc.allowInsecureRequests] },
    );
    const login = await browserLogin(cfg, pick(personas, "L2").id, "openid");
    expect(login.cookie).toContain(encodeURIComponent(`${OTHER_PAASID}.`));
    const tokens = await oidc.authorizationCodeGrant(cfg, login.callback, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
    const out = await fetch(
      oidc.buildEndSessionUrl(cfg, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: `${rp.url}/signed-out`,
      }),
      { redirect: "manual" },
    );
    expect(out.status).toBe(302);
    const bc = await rp.next("/bc-other");
    expect(decodeJwt(new URLSearchParams(bc.body).get("logout_token")!).aud).toBe(c.clientId);
    const events = (await journalOf(sim, OTHER_PAASID)).filter((e) => e.event === "identity.backchannel-logout");
    expect(events.map((e) => e.response?.body?.clientId)).toContain(c.clientId);
    expect(
      (await fetch(`${sim.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status,
    ).toBe(401);
  });

  it("issues client_credentials tokens to the CI client, verifiable against the JWKS", async () => {
    const ci = (
      (await (await sim.admin("GET", `/_gatesim/identity/tenants/${PAASID}/clients`)).json()) as {
        clients: { clientId: string; secret?: string }[];
      }
    ).clients.find((c) => c.clientId.endsWith("_ci"))!;
    const cc = await oidc.discovery(new URL(sim.url), ci.clientId, undefined, oidc.ClientSecretPost(ci.secret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const t = await oidc.clientCredentialsGrant(cc, { scope: "all" });
    const { payload, protectedHeader } = await jwtVerify(
      t.access_token,
      createRemoteJWKSet(new URL(cc.serverMetadata().jwks_uri!)),
      { issuer: sim.url, audience: "gatesim", typ: "at+jwt" },
    );
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({ client_id: ci.clientId, sub: ci.clientId, paasid: PAASID, scope: "all" });
    expect(t.refresh_token).toBeUndefined();
  });
});
