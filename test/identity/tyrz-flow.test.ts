// The tyrz-compatible face, field by field (facts §2.1–2.2): authorize → persona page → code → access_token → tokeninfo
// → _tif_sso_logout_, on both path families.
import { describe, expect, it } from "vitest";
import { checkIdNumber, checkUscc } from "../../mocks/shared/ids.js";
import {
  cookieFrom,
  formValue,
  makeWorld,
  personaWith,
  REDIRECT,
  redirectParams,
  type World,
} from "./identity-helpers.js";

/** Browser part: authorize on a tyrz path, pick a persona on the page; returns the redirect. */
async function login(
  w: World,
  personaId: string,
  opts: { op?: string; clientId?: string; state?: string; query?: Record<string, string> } = {},
) {
  const query: Record<string, string> = {
    service: "initService",
    response_type: "code",
    client_id: opts.clientId ?? w.web.id,
    scope: "all",
    redirect_uri: REDIRECT,
    ...(opts.state !== undefined ? { state: opts.state } : {}),
    ...opts.query,
  };
  const page = await w.call(opts.op ?? "identityTyrzAuthorize", { query });
  expect(page.status).toBe(200);
  expect(page.contentType).toBe("text/html; charset=utf-8");
  const html = String(page.body);
  return w.call("identityLoginSubmit", {
    body: { interaction: formValue(html, "interaction"), client_id: formValue(html, "client_id"), persona: personaId },
  });
}

async function codeFor(w: World, personaId: string, opts: Parameters<typeof login>[2] = {}) {
  const r = await login(w, personaId, opts);
  return { r, code: redirectParams(r).get("code")! };
}

describe("tyrz face", () => {
  it("shows a zh-CN/English persona page naming the client, scope and required level", async () => {
    const w = makeWorld();
    const page = await w.call("identityTyrzAuthorize", {
      query: {
        service: "initService",
        response_type: "code",
        client_id: w.web.id,
        scope: "all",
        redirect_uri: REDIRECT,
      },
    });
    const html = String(page.body);
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain(w.web.id);
    expect(html).toContain("<code>all</code>");
    expect(html).toMatch(/要求的实名等级 \/ Required real-name level<\/dt><dd>L2/);
    expect(html).toContain("个人用户 · L3 / Natural persons (usertype 1) · L3");
    expect(html).toContain("法人用户（经办人）");
    // every persona can be picked, and those below L2 are marked as going to be refused
    for (const p of w.idp.api.personas()) expect(html).toContain(`value="${p.id}"`);
    expect(html).toContain("below L2, will be refused");
  });

  it("runs the code flow with the exact fields of facts §2.1–2.2 (natural person)", async () => {
    const w = makeWorld();
    const persona = personaWith(w, "L2");
    const state = "s t/ä&=?x";
    const { r, code } = await codeFor(w, persona.id, { state });
    const loc = new URL(r.headers!.location);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(redirectParams(r).get("state")).toBe(state); // untouched
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const tok = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: w.web.secret,
        code,
        scope: "all",
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    });
    expect(tok.status).toBe(200);
    expect(Object.keys(tok.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "scope",
      "token_type",
    ]);
    expect(tok.body).toMatchObject({ token_type: "bearer", expires_in: 7200, scope: "all" });

    const info = await w.call("identityTyrzTokeninfo", { query: { access_token: tok.body.access_token } });
    expect(info.status).toBe(200);
    expect(Object.keys(info.body).sort()).toEqual(["pareobj", "signdata", "user_creditable_level", "userobj"]);
    const u = info.body.userobj;
    const p = persona.person;
    expect(u).toMatchObject({
      uid: p.uid,
      cn: p.name,
      usertype: "1",
      idcardtype: "10",
      idcardnumber: p.idNumber,
      useridcode: p.useridcode,
      telephonenumber: p.phone,
      mail: p.email,
      isreal: "true",
      realtype: p.realtype,
      creditable_level_of_account: "L2",
      sex: String(p.sex),
    });
    expect(checkIdNumber(u.idcardnumber)).toBeNull();
    expect(u.useridcode).toMatch(/^[0-9a-f]{32}$/);
    expect(u.createtime).toMatch(/^\d{14}$/);
    expect(u.creditable_level_of_account_way).toMatch(/^L2@YSS@2088\d{12}\|\|L1@ALV@2088\d{12}\|\|L0@IDV@/);
    expect(typeof u.tokenid).toBe("string");
    for (const e of u.extproperties) expect(e).toMatch(/^[a-z_]+=.+$/);
    expect(u.extproperties).toContain(`accout_type=${p.loginMethod}`);
    expect(u.extproperties).toContain("area=shantou");
    expect(u.extproperties).toContain("origin=gdbs");
    expect(u.extproperties).toContain("landline=-1");
    expect(info.body.pareobj).toEqual({});
    const ucl = info.body.user_creditable_level;
    expect(ucl.creditable_level_of_account).toBe("L2");
    expect(ucl.creditable_level_of_account_way).toBe(u.creditable_level_of_account_way);
    expect(ucl.creditable_level_of_account_way_list.map((x: any) => `${x.identity_level}@${x.way_code}`)).toEqual([
      "L2@YSS",
      "L1@ALV",
      "L0@IDV",
    ]);
    for (const x of ucl.creditable_level_of_account_way_list)
      expect(Object.keys(x).sort()).toEqual([
        "auth_identification",
        "auth_time",
        "credential_no",
        "identity_level",
        "uniqueid",
        "user_name",
        "way_code",
      ]);
    expect(ucl.creditable_level_of_account_way_list[0].auth_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(ucl.creditable_level_of_account_way_list[2].auth_time).toBeNull();
    expect(typeof info.body.signdata).toBe("string");
  });

  it("describes an enterprise operator with usertype 2 and the legal person in pareobj", async () => {
    const w = makeWorld();
    const op = w.idp.api.personas().find((x) => x.kind === "operator" && (x.level === "L2" || x.level === "L3"))!;
    const { code } = await codeFor(w, op.id, { op: "identityPscpAuthorize" });
    const tok = await w.call("identityPscpAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: w.web.secret,
        code,
        scope: "all",
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    });
    const info = await w.call("identityPscpTokeninfo", { query: { access_token: tok.body.access_token } });
    const { userobj, pareobj } = info.body;
    expect(userobj).toMatchObject({
      usertype: "2",
      cn: op.person.name,
      idcardtype: "10",
      idcardnumber: op.person.idNumber,
      link_person_name: op.person.name,
    });
    expect(pareobj).toMatchObject({
      usertype: "2",
      cn: op.enterprise!.name,
      idcardtype: "49",
      idcardnumber: op.enterprise!.uscc,
      realtype: "IC",
      isreal: "true",
    });
    expect(checkUscc(pareobj.idcardnumber)).toBeNull();
    expect(userobj.parent_uidcode).toBe(pareobj.useridcode);
    expect(userobj.useridcode).not.toBe(op.person.useridcode); // the operator account is not the personal account
    expect(pareobj.extproperties).toContain(`legal_person=${op.enterprise!.legalRepresentative.name}`);
    expect(pareobj.extproperties).toContain(`tax_code=${op.enterprise!.uscc}`);
  });

  it('sends isreal as the string "false" for an L0 account (headless: login_hint + auto-approve)', async () => {
    const w = makeWorld();
    const l0 = personaWith(w, "L0");
    const r = await w.call("identityPscpAuthorizeSlash", {
      query: {
        client_id: w.ci.id,
        service: "initService",
        scope: "all",
        redirect_uri: REDIRECT,
        response_type: "code",
        login_hint: l0.id,
      },
    });
    const code = redirectParams(r).get("code")!;
    // facts §2.1 variant: grant_type=code with service=initService
    const tok = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.ci.id,
        client_secret: w.ci.secret,
        code,
        redirect_uri: REDIRECT,
        grant_type: "code",
        service: "initService",
      },
    });
    expect(tok.status).toBe(200);
    const info = await w.call("identityTyrzTokeninfo", { query: { access_token: tok.body.access_token } });
    expect(info.body.userobj.isreal).toBe("false");
    expect(info.body.userobj.creditable_level_of_account).toBe("L0");
    expect(info.body.userobj.realtype).toBe("");
    expect(info.body.userobj.creditable_level_of_account_way).toMatch(/^L0@IDV@\d{17}[\dX]$/);
  });

  it("opens the login page from the static entries, /pscp without response_type", async () => {
    const w = makeWorld();
    const a = await w.call("identityPscpStatic", { query: { redirect_uri: REDIRECT, client_id: w.web.id } });
    expect(a.status).toBe(200);
    expect(String(a.body)).toContain('name="interaction"');
    const b = await w.call("identityTyrzStatic", {
      query: {
        client_id: w.web.id,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "all",
        service: "initService",
      },
    });
    expect(b.status).toBe(200);
  });

  it("answers tokeninfo failures with errcode and a bilingual errmsg", async () => {
    const w = makeWorld();
    const r = await w.call("identityTyrzTokeninfo", { query: { access_token: "not-a-token" } });
    expect(r.status).toBe(401);
    expect(r.body.errcode).toBe(10009);
    expect(r.body.errmsg).toMatch(/令牌不是紧凑格式的 JWS.* \/ token is not a compact JWS/);
    expect(r.body._diagnostics[0].location).toBe("/query/access_token");
    const missing = await w.call("identityTyrzTokeninfo", { query: {} });
    expect(missing.body.errcode).toBe(10001);
  });

  it("logs out through /_tif_sso_logout_/: redirect, session gone, its tokens refused", async () => {
    const w = makeWorld();
    const { r, code } = await codeFor(w, personaWith(w, "L3").id);
    const cookie = cookieFrom(r);
    const tok = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: w.web.secret,
        code,
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    });
    const back = "http://127.0.0.1:3000/after-logout?x=1";
    const out = await w.call("identityTyrzLogout", { query: { redirect_uri: back }, headers: { cookie } });
    expect(out.status).toBe(302);
    expect(out.headers!.location).toBe(back);
    expect(out.headers!["set-cookie"]).toMatch(/gatesim_sso=;.*Max-Age=0/);
    const info = await w.call("identityTyrzTokeninfo", { query: { access_token: tok.body.access_token } });
    expect(info.status).toBe(401);
    expect(info.body.errmsg).toContain("the login session this token belongs to has ended");
    const refreshed = await w.call("identityTyrzAccessToken", {
      query: {
        client_id: w.web.id,
        client_secret: w.web.secret,
        refresh_token: tok.body.refresh_token,
        grant_type: "refresh_token",
      },
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.errcode).toBe(10003);
    // the browser is asked to log in again
    const again = await w.call("identityTyrzAuthorize", {
      query: { client_id: w.web.id, redirect_uri: REDIRECT, response_type: "code", scope: "all" },
      headers: { cookie },
    });
    expect(again.status).toBe(200);
  });

  it("refuses a logout redirect to a site no client registered", async () => {
    const w = makeWorld();
    const out = await w.call("identityTyrzLogout", { query: { redirect_uri: "https://evil.example/phish" } });
    expect(out.status).toBe(400);
    expect(out.body.errcode).toBe(10010);
    const page = await w.call("identityTyrzLogout", { query: {} });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("You have signed out");
  });
});
