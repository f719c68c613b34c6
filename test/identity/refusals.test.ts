// Rules and refusals of issue 3 item 7: code TTL and single use, exact redirect_uri, untouched state, level too low,
// locked account, cancel, and invalid_client saying which check failed — each in the face's native format.
import { describe, expect, it } from "vitest";
import {
  basic,
  formValue,
  makeWorld,
  personaWith,
  pkce,
  REDIRECT,
  redirectParams,
  type World,
} from "./identity-helpers.js";

async function webCode(w: World, personaId: string, state?: string) {
  const page = await w.call("identityTyrzAuthorize", {
    query: {
      client_id: w.web.id,
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "all",
      ...(state !== undefined ? { state } : {}),
    },
  });
  const html = String(page.body);
  return w.call("identityLoginSubmit", {
    body: { interaction: formValue(html, "interaction"), client_id: w.web.id, persona: personaId },
  });
}

const exchange = (w: World, code: string, extra: Record<string, string> = {}) =>
  w.call("identityTyrzAccessToken", {
    query: {
      client_id: w.web.id,
      client_secret: w.web.secret,
      code,
      redirect_uri: REDIRECT,
      grant_type: "authorization_code",
      ...extra,
    },
  });

describe("authorization code rules", () => {
  it("expires a code after 300 s on the tenant's virtual clock", async () => {
    const w = makeWorld();
    const code = redirectParams(await webCode(w, personaWith(w, "L2").id)).get("code")!;
    w.clock.advance(301_000);
    const r = await exchange(w, code);
    expect(r.status).toBe(400);
    expect(r.body.errcode).toBe(10003);
    expect(r.body.errmsg).toMatch(
      /授权码已于 .* 过期（有效期 300 秒.*authorization code expired at .*TTL 300 s, tenant's virtual clock/,
    );
  });

  it("accepts a code at 299 s", async () => {
    const w = makeWorld();
    const code = redirectParams(await webCode(w, personaWith(w, "L2").id)).get("code")!;
    w.clock.advance(299_000);
    expect((await exchange(w, code)).status).toBe(200);
  });

  it("refuses a second use and revokes everything the first use issued", async () => {
    const w = makeWorld();
    const code = redirectParams(await webCode(w, personaWith(w, "L2").id)).get("code")!;
    const first = await exchange(w, code);
    expect(first.status).toBe(200);
    expect((await w.idp.api.verifyAccessToken(first.body.access_token, { clock: w.clock })).ok).toBe(true);
    const second = await exchange(w, code);
    expect(second.status).toBe(400);
    expect(second.body.errmsg).toContain("single-use; the tokens issued on its first use are now revoked");
    const v = await w.idp.api.verifyAccessToken(first.body.access_token, { clock: w.clock });
    expect(v.ok ? "accepted" : v.problem.en).toBe("token has been revoked");
    const refresh = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: w.web.secret,
        refresh_token: first.body.refresh_token,
        grant_type: "refresh_token",
      },
    });
    expect(refresh.body.errcode).toBe(10003);
  });

  it("refuses a code issued to another client", async () => {
    const w = makeWorld();
    const code = redirectParams(await webCode(w, personaWith(w, "L2").id)).get("code")!;
    const r = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.ci.id,
        client_secret: w.ci.secret,
        code,
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    });
    expect(r.body.errmsg).toContain(`authorization code was issued to client ${w.web.id}, not ${w.ci.id}`);
  });
});

describe("redirect_uri and state", () => {
  it("requires an exact redirect_uri match at authorize and never redirects to an unregistered one", async () => {
    const w = makeWorld();
    for (const uri of [
      REDIRECT + "/",
      "http://127.0.0.1:3001/callback",
      "HTTP://127.0.0.1:3000/callback",
      REDIRECT + "?x=1",
      "https://evil.example/callback",
    ]) {
      const r = await w.call("identityTyrzAuthorize", {
        query: { client_id: w.web.id, redirect_uri: uri, response_type: "code", scope: "all" },
      });
      expect(r.status, uri).toBe(400);
      expect(r.headers?.location).toBeUndefined();
      expect(r.body.errcode).toBe(10010);
      expect(r.body.errmsg).toContain("redirect_uri does not exactly match");
      expect(r.body._diagnostics[0]).toMatchObject({ location: "/query/redirect_uri", seen: uri });
      expect(r.body._diagnostics[0].hint).toContain(REDIRECT);
    }
    const oidc = await w.call("identityOidcAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT + "/", response_type: "code", scope: "openid" },
    });
    expect(oidc.body.error).toBe("invalid_request");
  });

  it("requires the same redirect_uri at the token endpoint", async () => {
    const w = makeWorld();
    const code = redirectParams(await webCode(w, personaWith(w, "L2").id)).get("code")!;
    const r = await exchange(w, code, { redirect_uri: "http://localhost:3000/callback" });
    expect(r.body.errcode).toBe(10003);
    expect(r.body.errmsg).toContain("redirect_uri differs from the one in the authorization request");
  });

  it("returns state byte for byte, including on errors", async () => {
    const w = makeWorld();
    const state = '中文 + %20 &amp; "q" ~!*\'()';
    expect(redirectParams(await webCode(w, personaWith(w, "L2").id, state)).get("state")).toBe(state);
    const err = await w.call("identityOidcAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "token", scope: "openid", state },
    });
    expect(redirectParams(err).get("state")).toBe(state);
    expect(redirectParams(err).get("error")).toBe("unsupported_response_type");
  });
});

describe("login refusals", () => {
  it("refuses a persona below the client's required level, with an explanation", async () => {
    const w = makeWorld();
    const low = personaWith(w, "L1");
    const q = redirectParams(await webCode(w, low.id, "s1"));
    expect(q.get("code")).toBeNull();
    expect(q.get("error")).toBe("access_denied");
    expect(q.get("error_description")).toBe(
      `人员 ${low.id} 的实名等级 L1 低于应用 ${w.web.id} 要求的 L2 / persona ${low.id} has real-name level L1, below the L2 that client ${w.web.id} requires`,
    );
    expect(q.get("state")).toBe("s1");
  });

  it("refuses a locked account and reports a cancelled login", async () => {
    const w = makeWorld();
    const locked = w.idp.api.addPersona({
      name: "锁定测试",
      idNumber: "440507199001011233",
      level: "L3",
      locked: true,
    });
    expect(redirectParams(await webCode(w, locked.id)).get("error_description")).toContain(
      `account ${locked.id} is locked`,
    );
    const page = await w.call("identityTyrzAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "all", state: "c" },
    });
    const cancel = await w.call("identityLoginSubmit", {
      body: { interaction: formValue(String(page.body), "interaction"), client_id: w.web.id, action: "cancel" },
    });
    const q = redirectParams(cancel);
    expect([q.get("error"), q.get("error_description"), q.get("state")]).toEqual([
      "access_denied",
      "用户取消了登录 / the user cancelled the login",
      "c",
    ]);
  });

  it("re-shows the page when no persona was chosen, and refuses an unknown or replayed login form", async () => {
    const w = makeWorld();
    const page = await w.call("identityTyrzAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "all" },
    });
    const interaction = formValue(String(page.body), "interaction");
    const none = await w.call("identityLoginSubmit", { body: { interaction, client_id: w.web.id } });
    expect(none.status).toBe(400);
    expect(String(none.body)).toContain("请选择一个人员 / choose a persona");
    expect(
      (
        await w.call("identityLoginSubmit", {
          body: { interaction, client_id: w.web.id, persona: personaWith(w, "L2").id },
        })
      ).status,
    ).toBe(302);
    const replay = await w.call("identityLoginSubmit", {
      body: { interaction, client_id: w.web.id, persona: personaWith(w, "L2").id },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error_description).toContain("login request unknown or older than 10 minutes");
  });

  it("requires PKCE S256 for public clients", async () => {
    const w = makeWorld();
    const base = { client_id: w.spa.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid" };
    const none = redirectParams(await w.call("identityOidcAuthorize", { query: base }));
    expect(none.get("error_description")).toContain("must use PKCE");
    const plain = redirectParams(
      await w.call("identityOidcAuthorize", {
        query: { ...base, code_challenge: pkce().verifier, code_challenge_method: "plain" },
      }),
    );
    expect(plain.get("error_description")).toContain("code_challenge_method must be S256, got plain");
  });

  it("refuses a wrong code_verifier", async () => {
    const w = makeWorld();
    const { challenge } = pkce();
    const r = await w.call("identityOidcAuthorize", {
      query: {
        client_id: w.ci.id,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "openid",
        login_hint: personaWith(w, "L2").id,
        code_challenge: challenge,
        code_challenge_method: "S256",
      },
    });
    const code = redirectParams(r).get("code")!;
    const t = await w.call("identityOidcToken", {
      body: { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pkce().verifier },
      headers: { authorization: basic(w.ci.id, w.ci.secret) },
    });
    expect(t.body.error).toBe("invalid_grant");
    expect(t.body.error_description).toContain("code_verifier does not match code_challenge");
  });

  it("refuses scopes the client may not ask for and unknown response types", async () => {
    const w = makeWorld();
    w.idp.api.updateClient("stdemo", w.web.id, { scopes: ["openid"] });
    const r = redirectParams(
      await w.call("identityOidcAuthorize", {
        query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "openid phone" },
      }),
    );
    expect([r.get("error"), r.get("error_description")]).toEqual([
      "invalid_scope",
      `客户端 ${w.web.id} 不能申请 scope phone / client ${w.web.id} may not request scope phone`,
    ]);
  });
});

describe("invalid_client says which check failed", () => {
  const cases: [
    string,
    (w: World) => { query?: Record<string, string>; body?: Record<string, string>; headers?: Record<string, string> },
    string,
  ][] = [
    ["missing client_id", () => ({ body: { grant_type: "client_credentials" } }), "client_id is missing"],
    [
      "unknown client",
      () => ({ body: { grant_type: "client_credentials", client_id: "nobody", client_secret: "x" } }),
      "client_id nobody is not registered",
    ],
    [
      "missing secret",
      (w) => ({ body: { grant_type: "client_credentials", client_id: w.ci.id } }),
      `confidential client ${"CI"} sent no client_secret`,
    ],
    [
      "wrong secret (post)",
      (w) => ({ body: { grant_type: "client_credentials", client_id: w.ci.id, client_secret: "wrong" } }),
      "client_secret does not match the one registered",
    ],
    [
      "wrong secret (basic)",
      (w) => ({ body: { grant_type: "client_credentials" }, headers: { authorization: basic(w.ci.id, "wrong") } }),
      "client_secret does not match the one registered",
    ],
    [
      "malformed basic",
      () => ({
        body: { grant_type: "client_credentials" },
        headers: { authorization: "Basic " + Buffer.from("no-colon").toString("base64") },
      }),
      "malformed Authorization: Basic header",
    ],
    [
      "two methods",
      (w) => ({
        body: { grant_type: "client_credentials", client_secret: w.ci.secret },
        headers: { authorization: basic(w.ci.id, w.ci.secret) },
      }),
      "both Basic auth and a client_secret parameter were sent",
    ],
    [
      "id mismatch",
      (w) => ({
        body: { grant_type: "client_credentials", client_id: w.web.id },
        headers: { authorization: basic(w.ci.id, w.ci.secret) },
      }),
      "differs from the one in Basic auth",
    ],
    [
      "public client with secret",
      (w) => ({ body: { grant_type: "refresh_token", client_id: w.spa.id, client_secret: "x", refresh_token: "r" } }),
      "is a public client and has no client_secret",
    ],
  ];
  for (const [name, make, en] of cases) {
    it(name, async () => {
      const w = makeWorld();
      const r = await w.call("identityOidcToken", make(w));
      expect(r.status).toBe(401);
      expect(r.body.error).toBe("invalid_client");
      expect(r.body.error_description).toContain(en.replace("CI", w.ci.id));
      expect(r.body.error_description).toMatch(/^[^/]*[\u4e00-\u9fff][^]* \/ [A-Za-z]/); // zh-CN first, English after " / "
      expect(JSON.stringify(r.body)).not.toContain(w.ci.secret);
      expect(r.body._diagnostics[0].rule).toBe("client-authentication");
    });
  }

  it("refuses a client of another tenant", async () => {
    const w = makeWorld();
    const other = w.idp.api.listClients("other").find((c) => c.clientId.endsWith("_ci"))!;
    const r = await w.call("identityOidcToken", {
      body: { grant_type: "client_credentials" },
      headers: { authorization: basic(other.clientId, other.secret!) },
    });
    expect(r.body.error_description).toContain(
      `client ${other.clientId} belongs to tenant other, not to the calling tenant stdemo`,
    );
  });

  it("answers the tyrz face with errcode 10002", async () => {
    const w = makeWorld();
    const r = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: "nope",
        code: "c",
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ errcode: 10002 });
    expect(r.body.errmsg).toMatch(/^client_secret 与客户端 .* 登记的不符 \/ client_secret does not match/);
  });

  it("refuses grants a client may not use and unknown grant types", async () => {
    const w = makeWorld();
    const cc = await w.call("identityOidcToken", {
      body: { grant_type: "client_credentials" },
      headers: { authorization: basic(w.web.id, w.web.secret) },
    });
    expect([cc.status, cc.body.error]).toEqual([400, "unauthorized_client"]);
    const pw = await w.call("identityOidcToken", {
      body: { grant_type: "password" },
      headers: { authorization: basic(w.web.id, w.web.secret) },
    });
    expect(pw.body.error).toBe("unsupported_grant_type");
    // the diagnostic, too, says it in zh-CN first, English alongside
    expect(pw.body._diagnostics[0].message).toBe("不支持的 grant_type：password / grant_type password");
    expect(cc.body._diagnostics[0].message).toMatch(
      /^客户端 .* 未获准使用 client_credentials \/ client_credentials not allowed$/,
    );
    const rep = await w.call("identityOidcToken", {
      body: { grant_type: ["client_credentials", "client_credentials"] } as any,
      headers: { authorization: basic(w.ci.id, w.ci.secret) },
    });
    expect(rep.body.error_description).toContain("sent more than once");
  });
});
