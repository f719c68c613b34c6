// The headless login_hint flow for CI and each refusal of issue 3 item 7, as an HTTP client sees them: status,
// Location (or its absence), the native envelope with its zh-CN / English explanation, and the trace id header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  advanceClock,
  basic,
  clientsOf,
  locationParams,
  OTHER_PAASID,
  PAASID,
  personasOf,
  pick,
  pkce,
  registerClient,
  startSim,
  type IdentityClientView,
  type PersonaView,
  type Sim,
} from "./http-helpers.js";

const REDIRECT = "http://127.0.0.1:3000/callback";
let sim: Sim;
let personas: PersonaView[];
let web: IdentityClientView;
let ci: IdentityClientView;
let spa: IdentityClientView;
let strictCi: IdentityClientView;

beforeAll(async () => {
  sim = await startSim();
  personas = await personasOf(sim);
  const clients = await clientsOf(sim);
  const bySuffix = (s: string) => clients.find((c) => c.clientId === `tyrz_${PAASID}_${s}`)!;
  [web, ci, spa] = [bySuffix("web"), bySuffix("ci"), bySuffix("spa")];
  // an auto-approving CI client that demands L3, to see the level refusal without a browser
  strictCi = await registerClient(sim, {
    clientId: "ci_requires_l3",
    redirectUris: [REDIRECT],
    autoApprove: true,
    requiredLevel: "L3",
    grants: ["authorization_code", "client_credentials"],
  });
});
afterAll(() => sim?.close());

const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();
const authorizeUrl = (path: string, o: Record<string, string>) =>
  `${path}?${qs({ response_type: "code", redirect_uri: REDIRECT, ...o })}`;

/** A refusal answered in a body (not a redirect): status, trace id header = the body's _trace_id, no Location. */
async function refusalOf(r: Response, status: number): Promise<any> {
  const body = (await r.json()) as any;
  expect(r.status, JSON.stringify(body)).toBe(status);
  expect(r.headers.get("location")).toBeNull();
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  const trace = r.headers.get("x-gatesim-trace-id");
  expect(trace).toMatch(/\S/);
  expect(body._trace_id).toBe(trace);
  return body;
}

/** A headless code for a persona through the CI client (login_hint + auto-approve). */
async function ciCode(personaId: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await sim.get(
    authorizeUrl("/oidc/authorize", { client_id: ci.clientId, scope: "openid all", login_hint: personaId, ...extra }),
  );
  return (await locationParams(r)).get("code")!;
}

const oidcToken = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  sim.form("/oidc/token", fields, headers);

describe("the headless login_hint flow for CI", () => {
  it("goes from authorize to the callback in one 302, with no page and an SSO cookie, and the code redeems", async () => {
    const who = pick(personas, "L1");
    const r = await sim.get(
      authorizeUrl("/oidc/authorize", {
        client_id: ci.clientId,
        scope: "openid profile",
        login_hint: who.id,
        state: "ci-run-7",
        nonce: "n7",
      }),
    );
    expect(r.status).toBe(302);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("x-gatesim-trace-id")).toBeTruthy();
    expect(r.headers.getSetCookie()[0]).toMatch(/^gatesim_sso=.*; HttpOnly; SameSite=Lax/);
    const q = await locationParams(r);
    expect(q.get("state")).toBe("ci-run-7");
    const tok = await oidcToken(
      { grant_type: "authorization_code", code: q.get("code")!, redirect_uri: REDIRECT },
      { authorization: basic(ci.clientId, ci.secret!) },
    );
    expect(tok.status).toBe(200);
    const body = (await tok.json()) as any;
    expect(Object.keys(body).sort()).toEqual([
      "access_token",
      "expires_in",
      "id_token",
      "refresh_token",
      "scope",
      "token_type",
    ]);
    const ui = await sim.get("/oidc/userinfo", { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(((await ui.json()) as any).persona).toBe(who.id);
  });

  it("shows the persona page with the hinted persona preselected when the client does not auto-approve", async () => {
    const who = pick(personas, "L2");
    const r = await sim.get(
      authorizeUrl("/tif/sso/connect/page/oauth2/authorize", {
        client_id: web.clientId,
        scope: "all",
        login_hint: who.id,
      }),
    );
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(`value="${who.id}" class="hint" autofocus`);
  });

  it("redirects back with invalid_request when login_hint names no persona", async () => {
    const r = await sim.get(
      authorizeUrl("/oidc/authorize", {
        client_id: ci.clientId,
        scope: "openid",
        login_hint: "nobody-here",
        state: "s1",
      }),
    );
    const q = await locationParams(r);
    expect(q.get("error")).toBe("invalid_request");
    expect(q.get("error_description")).toContain("login_hint names no persona: nobody-here");
    expect(q.get("state")).toBe("s1");
  });
});

describe("refusals of issue 3 item 7 over HTTP", () => {
  it("code reuse: the second exchange fails and revokes the tokens of the first", async () => {
    const code = await ciCode(pick(personas, "L2").id);
    const auth = { authorization: basic(ci.clientId, ci.secret!) };
    const first = await oidcToken({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }, auth);
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as any;
    expect(
      (await sim.get("/oidc/userinfo", { headers: { authorization: `Bearer ${tokens.access_token}` } })).status,
    ).toBe(200);

    const second = await refusalOf(
      await oidcToken({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }, auth),
      400,
    );
    expect(second.error).toBe("invalid_grant");
    expect(second.error_description).toMatch(
      /^授权码已于 .*只能使用一次.* \/ authorization code was already used at .* single-use; the tokens issued on its first use are now revoked$/,
    );
    expect(second._diagnostics[0]).toMatchObject({ location: "/body/code", rule: "identity.code-single-use" });

    const ui = await sim.get("/oidc/userinfo", { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(ui.status).toBe(401);
    expect(ui.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", error_description="token has been revoked"',
    );
    const refresh = await refusalOf(
      await oidcToken({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }, auth),
      400,
    );
    expect(refresh.error_description).toContain("token family of this refresh_token has been revoked");
    // the journal keeps the revocation as an event
    const j = (await (await sim.admin("GET", `/_gatesim/tenants/${PAASID}/journal?limit=50`)).json()) as {
      entries: { event?: string; response?: { body?: any } }[];
    };
    const revoked = j.entries.find(
      (e) => e.event === "identity.tokens-revoked" && e.response?.body?.reason === "authorization code reused",
    );
    expect(revoked?.response?.body).toMatchObject({ clientId: ci.clientId, revokedJwts: 1 });
  });

  it("code TTL: 300 s on the tenant's virtual clock, moved through the control plane", async () => {
    const code = await ciCode(pick(personas, "L0").id);
    await advanceClock(sim, 301_000);
    try {
      const r = await refusalOf(
        await sim.get(
          `/tif/sso/connect/page/oauth2/access_token?${qs({ client_id: ci.clientId, client_secret: ci.secret!, code, redirect_uri: REDIRECT, grant_type: "authorization_code" })}`,
        ),
        400,
      );
      expect(r.errcode).toBe(10003);
      expect(r.errmsg).toContain("TTL 300 s, tenant's virtual clock");
    } finally {
      await advanceClock(sim, -301_000);
    }
  });

  it("exact redirect_uri: an unregistered one gets no redirect at all, and a different one at the token endpoint is refused", async () => {
    for (const [path, field, expected] of [
      ["/oidc/authorize", "error", "invalid_request"],
      ["/pscp/sso/connect/page/oauth2/authorize/", "errcode", 10010],
    ] as const) {
      for (const uri of [
        `${REDIRECT}/`,
        "http://127.0.0.1:3001/callback",
        `${REDIRECT}?next=/`,
        "https://evil.example/callback",
      ]) {
        const body = await refusalOf(
          await sim.get(
            `${path}?${qs({ client_id: ci.clientId, response_type: "code", scope: "openid", redirect_uri: uri, login_hint: pick(personas, "L1").id })}`,
          ),
          400,
        );
        expect(body[field]).toBe(expected);
        const text = body.error_description ?? body.errmsg;
        expect(text).toMatch(
          /^redirect_uri 与客户端 .* \/ redirect_uri does not exactly match any URI registered for /,
        );
        expect(body._diagnostics[0]).toMatchObject({
          location: "/query/redirect_uri",
          rule: "oauth.redirect_uri-exact",
          seen: uri,
        });
        expect(body._diagnostics[0].hint).toContain(REDIRECT);
      }
    }
    const code = await ciCode(pick(personas, "L1").id);
    const r = await refusalOf(
      await oidcToken(
        { grant_type: "authorization_code", code, redirect_uri: "http://localhost:3000/callback" },
        { authorization: basic(ci.clientId, ci.secret!) },
      ),
      400,
    );
    expect(r.error).toBe("invalid_grant");
    expect(r.error_description).toContain("redirect_uri differs from the one in the authorization request");
  });

  it("state comes back untouched on success and on every redirected refusal", async () => {
    const state = "a+b %2F c/é?&=#x";
    const ok = await locationParams(
      await sim.get(
        authorizeUrl("/tif/sso/connect/page/oauth2/authorize", {
          client_id: ci.clientId,
          scope: "all",
          login_hint: pick(personas, "L0").id,
          state,
        }),
      ),
    );
    expect(ok.get("state")).toBe(state);
    const refused = await locationParams(
      await sim.get(authorizeUrl("/oidc/authorize", { client_id: spa.clientId, scope: "openid", state })),
    );
    expect(refused.get("error")).toBe("invalid_request"); // public client without PKCE
    expect(refused.get("error_description")).toContain("must use PKCE");
    expect(refused.get("state")).toBe(state);
  });

  it("level too low: redirected back with access_denied explaining persona level and required level", async () => {
    const low = pick(personas, "L2");
    const r = await sim.get(
      authorizeUrl("/oidc/authorize", {
        client_id: strictCi.clientId,
        scope: "openid",
        login_hint: low.id,
        state: "lvl",
      }),
    );
    const q = await locationParams(r);
    expect(`${q.url.origin}${q.url.pathname}`).toBe(REDIRECT);
    expect(q.get("error")).toBe("access_denied");
    expect(q.get("error_description")).toBe(
      `人员 ${low.id} 的实名等级 L2 低于应用 ci_requires_l3 要求的 L3 / persona ${low.id} has real-name level L2, below the L3 that client ci_requires_l3 requires`,
    );
    expect(q.get("state")).toBe("lvl");
    expect(q.has("code")).toBe(false);
    // the persona page (browser form) refuses the same way
    const page = await sim.get(
      authorizeUrl("/tif/sso/connect/page/oauth2/authorize", { client_id: web.clientId, scope: "all", state: "lvl2" }),
    );
    const html = await page.text();
    const interaction = /name="interaction" value="([^"]+)"/.exec(html)![1];
    const l0 = pick(personas, "L0");
    const submit = await locationParams(
      await sim.form("/sso/login", { interaction, client_id: web.clientId, persona: l0.id }),
    );
    expect(submit.get("error")).toBe("access_denied");
    expect(submit.get("error_description")).toContain(`below the L2 that client ${web.clientId} requires`);
    expect(submit.get("state")).toBe("lvl2");
  });

  it("invalid_client says which check failed, with a Basic challenge when Basic was tried", async () => {
    const code = await ciCode(pick(personas, "L1").id);
    const base = { grant_type: "authorization_code", code, redirect_uri: REDIRECT };
    const other = (await clientsOf(sim, OTHER_PAASID)).find((c) => c.clientId.endsWith("_ci"))!;
    const cases: {
      name: string;
      fields: Record<string, string>;
      headers?: Record<string, string>;
      says: RegExp;
      challenge: boolean;
    }[] = [
      {
        name: "wrong secret (Basic)",
        fields: base,
        headers: { authorization: basic(ci.clientId, "wrong") },
        says: /client_secret does not match the one registered for tyrz_/,
        challenge: true,
      },
      {
        name: "wrong secret (post)",
        fields: { ...base, client_id: ci.clientId, client_secret: "wrong" },
        says: /client_secret does not match/,
        challenge: false,
      },
      {
        name: "no secret",
        fields: { ...base, client_id: ci.clientId },
        says: /confidential client .* sent no client_secret/,
        challenge: false,
      },
      {
        name: "unknown client",
        fields: { ...base, client_id: "nobody", client_secret: "x" },
        says: /client_id nobody is not registered/,
        challenge: false,
      },
      {
        name: "both methods",
        fields: { ...base, client_secret: ci.secret! },
        headers: { authorization: basic(ci.clientId, ci.secret!) },
        says: /both Basic auth and a client_secret parameter were sent/,
        challenge: true,
      },
      {
        name: "ids disagree",
        fields: { ...base, client_id: web.clientId },
        headers: { authorization: basic(ci.clientId, ci.secret!) },
        says: /client_id parameter .* differs from the one in Basic auth/,
        challenge: true,
      },
      {
        name: "malformed Basic",
        fields: base,
        headers: { authorization: "Basic bm9jb2xvbg==" },
        says: /malformed Authorization: Basic header/,
        challenge: true,
      },
      {
        name: "public client with a secret",
        fields: { ...base, client_id: spa.clientId, client_secret: "x" },
        says: /is a public client and has no client_secret/,
        challenge: false,
      },
    ];
    for (const c of cases) {
      const r = await oidcToken(c.fields, c.headers);
      const body = await refusalOf(r, 401);
      expect(body.error, c.name).toBe("invalid_client");
      expect(body.error_description, c.name).toMatch(c.says);
      expect(body.error_description, c.name).toMatch(/^[^/]*[\u4e00-\u9fff]/); // zh-CN first
      expect(JSON.stringify(body), c.name).not.toContain(ci.secret!);
      expect(r.headers.get("www-authenticate"), c.name).toBe(
        c.challenge ? 'Basic realm="gatesim", charset="UTF-8"' : null,
      );
    }
    // a client of another tenant: the tenant is resolved from the client, so the code (of this tenant) is unknown there
    const cross = await refusalOf(
      await oidcToken({ ...base, client_id: other.clientId, client_secret: other.secret! }),
      400,
    );
    expect(cross.error_description).toMatch(/authorization code is unknown/);
    // the tyrz face answers the same check with errcode 10002
    const tyrz = await refusalOf(
      await sim.get(
        `/pscp/sso/connect/page/oauth2/access_token?${qs({ ...base, client_id: ci.clientId, client_secret: "wrong" })}`,
      ),
      401,
    );
    expect(tyrz).toMatchObject({ errcode: 10002 });
    expect(tyrz.errmsg).toContain("client_secret does not match");
  });

  it("answers a stale persona form with interaction_expired, and the cancel button with access_denied", async () => {
    const stale = await refusalOf(
      await sim.form("/sso/login", { interaction: "gone", client_id: web.clientId, persona: pick(personas, "L2").id }),
      400,
    );
    expect(stale.error).toBe("invalid_request");
    expect(stale.error_description).toContain("login request unknown or older than 10 minutes");
    const page = await (
      await sim.get(authorizeUrl("/oidc/authorize", { client_id: web.clientId, scope: "openid", state: "c" }))
    ).text();
    const interaction = /name="interaction" value="([^"]+)"/.exec(page)![1];
    const q = await locationParams(
      await sim.form("/sso/login", { interaction, client_id: web.clientId, action: "cancel" }),
    );
    expect([q.get("error"), q.get("state")]).toEqual(["access_denied", "c"]);
  });

  it("PKCE: public clients must send S256; a wrong verifier is refused at the token endpoint", async () => {
    const plain = await locationParams(
      await sim.get(
        authorizeUrl("/oidc/authorize", {
          client_id: spa.clientId,
          scope: "openid",
          code_challenge: "x".repeat(43),
          code_challenge_method: "plain",
        }),
      ),
    );
    expect(plain.get("error_description")).toContain("code_challenge_method must be S256");
    const { challenge } = pkce();
    const page = await (
      await sim.get(
        authorizeUrl("/oidc/authorize", {
          client_id: spa.clientId,
          scope: "openid",
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      )
    ).text();
    const interaction = /name="interaction" value="([^"]+)"/.exec(page)![1];
    const code = (
      await locationParams(
        await sim.form("/sso/login", { interaction, client_id: spa.clientId, persona: pick(personas, "L2").id }),
      )
    ).get("code")!;
    const r = await refusalOf(
      await oidcToken({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id: spa.clientId,
        code_verifier: pkce().verifier,
      }),
      400,
    );
    expect(r.error).toBe("invalid_grant");
    expect(r._diagnostics[0]).toMatchObject({ location: "/body/code_verifier", rule: "pkce.s256" });
  });

  it("domain scenarios answer in the face's own format (x-gatesim-scenario)", async () => {
    const down = await refusalOf(
      await sim.get(`/tif/sso/connect/page/oauth2/tokeninfo?access_token=x`, {
        headers: { "x-gatesim-scenario": "identity.unavailable" },
      }),
      503,
    );
    expect(down.errcode).toBe(50301);
    // a forced login refusal goes back to the relying party as an OAuth error redirect, state untouched
    const locked = await locationParams(
      await sim.get(
        authorizeUrl("/oidc/authorize", {
          client_id: ci.clientId,
          scope: "openid",
          login_hint: pick(personas, "L1").id,
          state: "keep-me",
        }),
        { headers: { "x-gatesim-scenario": "identity.account-locked" } },
      ),
    );
    expect(locked.get("error")).toBe("access_denied");
    expect(locked.get("state")).toBe("keep-me");
    expect(locked.get("error_description")).toContain("locked");
  });
});
