// The tyrz-compatible face over plain HTTP, as a department's existing login code calls it (facts §2.1–2.2): authorize
// on both path families → persona page → callback → access_token → tokeninfo, field names byte for byte, and
// /_tif_sso_logout_/ ending the browser's session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkIdNumber, checkUscc } from "../../mocks/shared/ids.js";
import {
  clientsOf,
  cookieOf,
  formValue,
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

const REDIRECT = "http://127.0.0.1:3000/callback"; // registered for every tenant's default clients

/** Field names of facts §2.1 step 3 (ProvinceTokenDto). */
const TOKEN_FIELDS = ["access_token", "expires_in", "refresh_token", "scope", "token_type"];
/** Field names of facts §2.2 for a natural person's `userobj`. */
const PERSON_USEROBJ = [
  "anon_flag",
  "authloc",
  "cn",
  "createtime",
  "creditable_level_of_account",
  "creditable_level_of_account_way",
  "extproperties",
  "idcardnumber",
  "idcardtype",
  "isreal",
  "link_person_name",
  "mail",
  "realtype",
  "sex",
  "telephonenumber",
  "tokenid",
  "uid",
  "useridcode",
  "usertype",
];
/** An operator's `userobj` adds the parent legal-person account id. */
const OPERATOR_USEROBJ = [...PERSON_USEROBJ, "parent_uidcode"].sort();
/** The legal person in `pareobj`: the common fields plus the legal-person extras of facts §2.2. */
const PAREOBJ = [
  "address",
  "anon_flag",
  "area",
  "authloc",
  "cn",
  "createtime",
  "creditable_level_of_account",
  "creditable_level_of_account_way",
  "extproperties",
  "idcardnumber",
  "idcardtype",
  "isreal",
  "legal_code",
  "legal_id_type",
  "legal_person",
  "link_person_code",
  "link_person_name",
  "link_person_type",
  "mail",
  "realtype",
  "telephonenumber",
  "tokenid",
  "uid",
  "useridcode",
  "usertype",
];
const WAY_FIELDS = [
  "auth_identification",
  "auth_time",
  "credential_no",
  "identity_level",
  "uniqueid",
  "user_name",
  "way_code",
];

let sim: Sim;
let personas: PersonaView[];
let web: IdentityClientView;
let ci: IdentityClientView;

beforeAll(async () => {
  sim = await startSim();
  personas = await personasOf(sim);
  const clients = await clientsOf(sim);
  web = clients.find((c) => c.clientId === `tyrz_${PAASID}_web`)!;
  ci = clients.find((c) => c.clientId === `tyrz_${PAASID}_ci`)!;
});
afterAll(() => sim?.close());

const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();

/** The browser part on a tyrz path: GET the authorize URL, read the persona page, POST the choice; the callback URL. */
async function login(
  authorizePath: string,
  personaId: string,
  extra: Record<string, string> = {},
  clientId = web.clientId,
) {
  const page = await sim.get(
    `${authorizePath}?${qs({ client_id: clientId, service: "initService", scope: "all", redirect_uri: REDIRECT, response_type: "code", ...extra })}`,
  );
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(page.headers.get("x-gatesim-trace-id")).toBeTruthy();
  const html = await page.text();
  expect(html).toContain(clientId);
  const r = await sim.form("/sso/login", {
    interaction: formValue(html, "interaction"),
    client_id: formValue(html, "client_id"),
    persona: personaId,
  });
  return { callback: await locationParams(r), cookie: cookieOf(r) };
}

async function accessToken(family: "tif" | "pscp", code: string, how: "GET" | "POST" = "GET", client = web) {
  const fields = {
    client_id: client.clientId,
    client_secret: client.secret!,
    code,
    scope: "all",
    redirect_uri: REDIRECT,
    grant_type: "authorization_code",
  };
  const path = `/${family}/sso/connect/page/oauth2/access_token`;
  const r = how === "GET" ? await sim.get(`${path}?${qs(fields)}`) : await sim.form(path, fields);
  return { status: r.status, text: await r.text(), headers: r.headers };
}

describe("tyrz face over HTTP", () => {
  for (const family of ["tif", "pscp"] as const) {
    it(`/${family}/sso: authorize → callback with code and untouched state → access_token → tokeninfo (natural person)`, async () => {
      const who = pick(personas, "L2");
      const state = "中文 & spaces/?=";
      const { callback } = await login(
        `/${family}/sso/connect/page/oauth2/authorize${family === "pscp" ? "/" : ""}`,
        who.id,
        { state },
      );
      expect(`${callback.url.origin}${callback.url.pathname}`).toBe(REDIRECT);
      expect(callback.get("state")).toBe(state);
      const code = callback.get("code")!;

      const tok = await accessToken(family, code);
      expect(tok.status).toBe(200);
      expect(tok.headers.get("cache-control")).toBe("no-store");
      const body = JSON.parse(tok.text);
      expect(Object.keys(body).sort()).toEqual(TOKEN_FIELDS);
      expect(body).toMatchObject({ token_type: "bearer", expires_in: 7200, scope: "all" });

      const info = await sim.get(
        `/${family}/sso/connect/page/oauth2/tokeninfo?access_token=${encodeURIComponent(body.access_token)}`,
      );
      expect(info.status).toBe(200);
      const text = await info.text();
      const ti = JSON.parse(text);
      expect(Object.keys(ti).sort()).toEqual(["pareobj", "signdata", "user_creditable_level", "userobj"]);
      expect(Object.keys(ti.userobj).sort()).toEqual(PERSON_USEROBJ);
      expect(ti.pareobj).toEqual({});
      expect(Object.keys(ti.user_creditable_level).sort()).toEqual([
        "creditable_level_of_account",
        "creditable_level_of_account_way",
        "creditable_level_of_account_way_list",
      ]);
      for (const w of ti.user_creditable_level.creditable_level_of_account_way_list)
        expect(Object.keys(w).sort()).toEqual(WAY_FIELDS);
      // isreal travels as the JSON string "true", not a boolean (facts §2.6)
      expect(text).toContain('"isreal":"true"');
      expect(ti.userobj).toMatchObject({
        uid: who.uid,
        cn: who.name,
        usertype: "1",
        idcardtype: "10",
        idcardnumber: who.idNumber,
        creditable_level_of_account: "L2",
      });
      expect(checkIdNumber(ti.userobj.idcardnumber)).toBeNull();
      expect(
        ti.userobj.creditable_level_of_account_way.split("||").map((w: string) => w.split("@").slice(0, 2).join("@")),
      ).toEqual(["L2@YSS", "L1@ALV", "L0@IDV"]);
      for (const e of ti.userobj.extproperties) expect(e).toMatch(/^[a-z_]+=\S/);
    });
  }

  it("answers the same on /pscp/…/authorize without the trailing slash, and on both static login-page entries", async () => {
    const who = pick(personas, "L3");
    for (const path of [
      "/pscp/sso/connect/page/oauth2/authorize",
      "/pscp/sso/connect/page/oauth2/authorize/",
      "/tif/sso/static/",
      "/pscp/sso/static/",
    ]) {
      const { callback } = await login(path, who.id, { state: path });
      expect(callback.get("state")).toBe(path);
      expect(callback.get("code")).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    }
    // facts §2.1 1′: the /pscp/sso/static/ entry may carry only redirect_uri and client_id
    const bare = await sim.get(`/pscp/sso/static/?${qs({ redirect_uri: REDIRECT, client_id: web.clientId })}`);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toContain("<code>all</code>");
  });

  it("describes an operator with usertype 2 and the legal person in pareobj (POSTed access_token call)", async () => {
    const op = personas.find((p) => p.kind === "operator" && (p.level === "L2" || p.level === "L3") && !p.locked)!;
    const { callback } = await login("/tif/sso/connect/page/oauth2/authorize", op.id);
    const tok = await accessToken("tif", callback.get("code")!, "POST");
    expect(tok.status).toBe(200);
    expect(Object.keys(JSON.parse(tok.text)).sort()).toEqual(TOKEN_FIELDS);
    const info = await sim.get(
      `/pscp/sso/connect/page/oauth2/tokeninfo?access_token=${JSON.parse(tok.text).access_token}`,
    );
    const ti = (await info.json()) as any;
    expect(Object.keys(ti.userobj).sort()).toEqual(OPERATOR_USEROBJ);
    expect(Object.keys(ti.pareobj).sort()).toEqual(PAREOBJ);
    expect(ti.userobj).toMatchObject({ usertype: "2", cn: op.name, parent_uidcode: ti.pareobj.useridcode });
    expect(ti.pareobj).toMatchObject({
      usertype: "2",
      idcardtype: "49",
      idcardnumber: op.enterprise!.uscc,
      cn: op.enterprise!.name,
      isreal: "true",
      realtype: "IC",
    });
    expect(checkUscc(ti.pareobj.idcardnumber)).toBeNull();
  });

  it('runs headlessly for CI: login_hint + the auto-approve client, grant_type=code, L0 gets isreal "false"', async () => {
    const l0 = pick(personas, "L0");
    const r = await sim.get(
      `/pscp/sso/connect/page/oauth2/authorize/?${qs({ client_id: ci.clientId, service: "initService", scope: "all", redirect_uri: REDIRECT, response_type: "code", login_hint: l0.id, state: "ci" })}`,
    );
    const q = await locationParams(r);
    expect(q.get("state")).toBe("ci");
    const tok = await sim.get(
      `/tif/sso/connect/page/oauth2/access_token?${qs({ client_id: ci.clientId, client_secret: ci.secret!, code: q.get("code")!, redirect_uri: REDIRECT, grant_type: "code", service: "initService" })}`,
    );
    expect(tok.status).toBe(200);
    const info = await sim.get(
      `/tif/sso/connect/page/oauth2/tokeninfo?access_token=${((await tok.json()) as { access_token: string }).access_token}`,
    );
    const text = await info.text();
    expect(text).toContain('"isreal":"false"');
    expect(JSON.parse(text).userobj.creditable_level_of_account).toBe("L0");
  });

  it("answers failures with errcode/errmsg (zh-CN / English) and a trace id, never an OAuth error object", async () => {
    const bad = await sim.get("/tif/sso/connect/page/oauth2/tokeninfo?access_token=not-a-token");
    expect(bad.status).toBe(401);
    const traceId = bad.headers.get("x-gatesim-trace-id");
    expect(traceId).toBeTruthy();
    const body = (await bad.json()) as any;
    expect(body.errcode).toBe(10009);
    expect(body.errmsg).toMatch(/^[^/]*[\u4e00-\u9fff][^/]* \/ .*compact JWS/);
    expect(body._trace_id).toBe(traceId);
    expect(body).not.toHaveProperty("error");
    const wrongSecret = await sim.get(
      `/pscp/sso/connect/page/oauth2/access_token?${qs({ client_id: web.clientId, client_secret: "nope", code: "x", redirect_uri: REDIRECT, grant_type: "authorization_code" })}`,
    );
    expect(wrongSecret.status).toBe(401);
    expect(((await wrongSecret.json()) as any).errcode).toBe(10002);
  });

  it("/_tif_sso_logout_/ ends the browser's session (cookie), redirects, and the session's tokens are refused", async () => {
    const who = pick(personas, "L2");
    const { callback, cookie } = await login("/tif/sso/connect/page/oauth2/authorize", who.id);
    const tok = JSON.parse((await accessToken("tif", callback.get("code")!)).text);
    expect((await sim.get(`/tif/sso/connect/page/oauth2/tokeninfo?access_token=${tok.access_token}`)).status).toBe(200);

    // while the session lives, a second authorize with the cookie goes straight back with a code (single sign-on)
    const sso = await sim.get(
      `/tif/sso/connect/page/oauth2/authorize?${qs({ client_id: web.clientId, service: "initService", scope: "all", redirect_uri: REDIRECT, response_type: "code" })}`,
      { headers: { cookie } },
    );
    expect((await locationParams(sso)).get("code")).toBeTruthy();

    const out = await sim.get(`/_tif_sso_logout_/?redirect_uri=${encodeURIComponent("http://127.0.0.1:3000/")}`, {
      headers: { cookie },
    });
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("http://127.0.0.1:3000/");
    expect(out.headers.getSetCookie().join(";")).toMatch(/gatesim_sso=;.*Max-Age=0/);

    const after = await sim.get(`/tif/sso/connect/page/oauth2/tokeninfo?access_token=${tok.access_token}`);
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).errmsg).toMatch(/session .*has ended/);
    // and the browser sees the persona page again
    const again = await sim.get(
      `/tif/sso/connect/page/oauth2/authorize?${qs({ client_id: web.clientId, service: "initService", scope: "all", redirect_uri: REDIRECT, response_type: "code" })}`,
      { headers: { cookie } },
    );
    expect(again.status).toBe(200);
  });

  it("finds the right tenant for a logout from the cookie alone (two tenants share the default redirect origin)", async () => {
    const other = (await clientsOf(sim, OTHER_PAASID)).find((c) => c.clientId.endsWith("_web"))!;
    const who = pick(personas, "L3");
    const { callback, cookie } = await login("/tif/sso/connect/page/oauth2/authorize", who.id, {}, other.clientId);
    expect(cookie).toContain(encodeURIComponent(`${OTHER_PAASID}.`));
    const tok = JSON.parse((await accessToken("tif", callback.get("code")!, "GET", other)).text);
    const out = await sim.get(`/_tif_sso_logout_/?redirect_uri=${encodeURIComponent("http://127.0.0.1:3000/")}`, {
      headers: { cookie },
    });
    expect(out.status).toBe(302);
    const after = await sim.get(`/tif/sso/connect/page/oauth2/tokeninfo?access_token=${tok.access_token}`);
    expect(after.status).toBe(401);
    const j = (await sim
      .admin("GET", `/_gatesim/tenants/${OTHER_PAASID}/journal?operationId=identityTyrzLogout`)
      .then((r) => r.json())) as { entries: { status: number }[] };
    expect(j.entries.map((e) => e.status)).toContain(302);
  });

  it("shows a tenant its own clients and secrets with its control token, and not another tenant's", async () => {
    const me = sim.apps.find((a) => a.paasid === PAASID)!;
    const own = await sim.get(`/_gatesim/identity/tenants/${PAASID}/clients`, {
      headers: { authorization: `Bearer ${me.controlToken}` },
    });
    expect(own.status).toBe(200);
    const { clients } = (await own.json()) as { clients: IdentityClientView[] };
    expect(clients.find((c) => c.clientId === web.clientId)?.secret).toBe(web.secret);
    const theirs = await sim.get(`/_gatesim/identity/tenants/${OTHER_PAASID}/clients`, {
      headers: { authorization: `Bearer ${me.controlToken}` },
    });
    expect(theirs.status).toBe(403);
    expect(JSON.stringify(await theirs.json())).not.toContain("secret");
  });

  it("refuses a logout redirect to a site no client of the tenant registered (no open redirect)", async () => {
    const r = await sim.get(`/_tif_sso_logout_/?redirect_uri=${encodeURIComponent("https://evil.example/")}`);
    expect(r.status).toBe(400);
    expect(r.headers.get("location")).toBeNull();
    const body = (await r.json()) as any;
    expect(body.errcode).toBe(10010);
    expect(body._diagnostics[0]).toMatchObject({ location: "/query/redirect_uri", rule: "tyrz.logout-redirect" });
  });
});
