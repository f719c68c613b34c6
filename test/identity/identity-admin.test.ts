// Admin operations (clients per tenant, personas), default clients, personas from the seed, and tenant resolution
// for requests without x-tif headers.
import { describe, expect, it } from "vitest";
import { checkIdNumber, checkUscc } from "../../mocks/shared/ids.js";
import { basic, makeWorld, REDIRECT, redirectParams } from "./identity-helpers.js";

describe("clients", () => {
  it("gives every tenant deterministic default clients", () => {
    const a = makeWorld().idp.api.defaultClientsFor("stdemo");
    const b = makeWorld().idp.api.defaultClientsFor("stdemo");
    expect(a).toEqual(b);
    expect(a.map((c) => [c.clientId, c.public, c.autoApprove, c.requiredLevel])).toEqual([
      ["tyrz_stdemo_web", false, false, "L2"],
      ["tyrz_stdemo_spa", true, false, "L1"],
      ["tyrz_stdemo_ci", false, true, "L0"],
    ]);
    for (const c of a)
      expect(c.redirectUris).toEqual(["http://127.0.0.1:3000/callback", "http://localhost:3000/callback"]);
    expect(a[2].grants).toContain("client_credentials");
    expect(a[1].secret).toBeUndefined();
    expect(a[0].secret).not.toBe(makeWorld().idp.api.defaultClientsFor("other")[0].secret);
  });

  it("creates, reads, changes and deletes clients through the admin API", async () => {
    const w = makeWorld();
    const params = { paasid: "stdemo" };
    const created = await w.call("identityAdminCreateClient", {
      params,
      body: {
        clientId: "tyrz_demo_portal",
        name: "门户",
        redirectUris: ["https://portal.example.com/cb"],
        requiredLevel: "L3",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      clientId: "tyrz_demo_portal",
      public: false,
      requiredLevel: "L3",
      autoApprove: false,
    });
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const list = await w.call("identityAdminListClients", { params });
    expect(list.body.clients.map((c: any) => c.clientId)).toContain("tyrz_demo_portal");
    const patched = await w.call("identityAdminUpdateClient", {
      params: { ...params, clientId: "tyrz_demo_portal" },
      body: { autoApprove: true, clientId: "renamed" },
    });
    expect(patched.body).toMatchObject({
      clientId: "tyrz_demo_portal",
      autoApprove: true,
      secret: created.body.secret,
    });
    // the new client works right away, with its own rules
    const r = await w.call("identityOidcAuthorize", {
      query: {
        client_id: "tyrz_demo_portal",
        redirect_uri: "https://portal.example.com/cb",
        response_type: "code",
        scope: "openid",
        login_hint: w.idp.api.personas().find((p) => p.level === "L2")!.id,
      },
    });
    expect(redirectParams(r).get("error_description")).toContain("below the L3 that client tyrz_demo_portal requires");
    expect(
      (await w.call("identityAdminDeleteClient", { params: { ...params, clientId: "tyrz_demo_portal" } })).status,
    ).toBe(204);
    const gone = await w.call("identityAdminGetClient", { params: { ...params, clientId: "tyrz_demo_portal" } });
    expect([gone.status, gone.body.errcode]).toEqual([404, 40401]);
  });

  it("refuses a client_id taken by another tenant, bad redirect URIs and secret-less public client_credentials", async () => {
    const w = makeWorld();
    const taken = await w.call("identityAdminCreateClient", {
      params: { paasid: "stdemo" },
      body: { clientId: "tyrz_other_web", redirectUris: [REDIRECT] },
    });
    expect([taken.status, taken.body.errcode]).toEqual([409, 40901]);
    expect(taken.body.errmsg).toContain("already used by another tenant");
    const frag = await w.call("identityAdminCreateClient", {
      params: { paasid: "stdemo" },
      body: { clientId: "x1", redirectUris: ["https://a.example/cb#frag"] },
    });
    expect(frag.body.errmsg).toContain("must not contain a fragment");
    const pub = await w.call("identityAdminCreateClient", {
      params: { paasid: "stdemo" },
      body: { clientId: "x2", public: true, redirectUris: [REDIRECT], grants: ["client_credentials"] },
    });
    expect(pub.body.errmsg).toContain("a public client cannot use client_credentials");
  });

  it("resets a tenant to its defaults", () => {
    const w = makeWorld();
    w.idp.api.registerClient("stdemo", { clientId: "extra", redirectUris: [REDIRECT] });
    w.idp.api.updateClient("stdemo", w.web.id, { autoApprove: true });
    const after = w.idp.api.resetTenant("stdemo");
    expect(after.map((c) => c.clientId)).toEqual(["tyrz_stdemo_web", "tyrz_stdemo_spa", "tyrz_stdemo_ci"]);
    expect(after[0].autoApprove).toBe(false);
  });
});

describe("personas", () => {
  it("takes at least 50 persons and 20 enterprise operators from the shared seed, all identifiers valid", () => {
    const w = makeWorld();
    const ps = w.idp.api.personas();
    const persons = ps.filter((p) => p.kind === "person");
    const operators = ps.filter((p) => p.kind === "operator");
    expect(persons.length).toBeGreaterThanOrEqual(50);
    expect(new Set(operators.map((p) => p.enterprise!.uscc)).size).toBeGreaterThanOrEqual(20);
    for (const p of ps) expect(checkIdNumber(p.person.idNumber), p.id).toBeNull();
    for (const p of operators) expect(checkUscc(p.enterprise!.uscc), p.id).toBeNull();
    expect(new Set(persons.map((p) => p.level))).toEqual(new Set(["L0", "L1", "L2", "L3"]));
    expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
  });

  it("adds personas through the admin API and validates their identifiers", async () => {
    const w = makeWorld();
    const ent = w.idp.api.personas().find((p) => p.kind === "operator")!.enterprise!;
    const added = await w.call("identityAdminAddPersona", {
      body: { name: "林经办", idNumber: "440507198505120025", level: "L3", enterpriseUscc: ent.uscc },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      kind: "operator",
      level: "L3",
      source: "admin",
      enterprise: { uscc: ent.uscc },
    });
    const bad = await w.call("identityAdminAddPersona", {
      body: { name: "错", idNumber: "440507198505120026", level: "L1" },
    });
    expect([bad.status, bad.body.errcode]).toEqual([400, 10001]);
    expect(bad.body.errmsg).toContain("check character should be 5, got 6");
    const dup = await w.call("identityAdminAddPersona", {
      body: {
        id: added.body.id,
        name: "林经办",
        idNumber: "440507198505120025",
        level: "L3",
        enterpriseUscc: ent.uscc,
      },
    });
    expect(dup.status).toBe(409);
    const listed = await w.call("identityAdminListPersonas");
    expect(listed.body.personas.at(-1).id).toBe(added.body.id);
    // usable for login at once; sex and birth date come from the ID number
    const p = w.idp.api.persona(added.body.id)!;
    expect([p.person.sex, p.person.birthDate]).toEqual([2, "1985-05-12"]);
    const r = await w.call("identityTyrzAuthorize", {
      query: { client_id: w.ci.id, redirect_uri: REDIRECT, response_type: "code", scope: "all", login_hint: p.id },
    });
    expect(redirectParams(r).get("code")).toBeTruthy();
  });
});

describe("resolveTenant", () => {
  it("finds the tenant from client_id, Basic auth, a bearer token, id_token_hint and the SSO cookie", async () => {
    const w = makeWorld();
    const rt = w.idp.resolveTenant!;
    const other = w.idp.api.listClients("other")[2];
    expect(rt({ query: { client_id: w.web.id }, body: undefined, headers: {} })).toBe("stdemo");
    expect(rt({ query: {}, body: { client_id: other.clientId }, headers: {} })).toBe("other");
    expect(rt({ query: {}, body: {}, headers: { authorization: basic(other.clientId, "x") } })).toBe("other");
    const tok = await w.call(
      "identityOidcToken",
      { body: { grant_type: "client_credentials" }, headers: { authorization: basic(other.clientId, other.secret!) } },
      w.otherCtx,
    );
    expect(rt({ query: {}, body: undefined, headers: { authorization: `Bearer ${tok.body.access_token}` } })).toBe(
      "other",
    );
    expect(rt({ query: { access_token: tok.body.access_token }, body: undefined, headers: {} })).toBe("other");
    expect(rt({ query: {}, body: undefined, headers: { cookie: "a=b; gatesim_sso=other.abc123" } })).toBe("other");
    expect(rt({ query: {}, body: undefined, headers: {} })).toBeUndefined();
    expect(rt({ query: { client_id: "nobody" }, body: undefined, headers: {} })).toBeUndefined();
  });
});
