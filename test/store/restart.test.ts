// Durable state (issue 14): a simulator on a data dir, closed and built again on the same dir, has everything it was
// told before — a tenant registered through the control plane (its secrets too), a used nonce, a seal, an issued and
// sealed licence, an approved application and its grant, a webhook subscription, a logged-in persona whose refresh
// token still rotates, each tenant's clock and rules. And a store reset clears exactly that tenant's state.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../gateway/app.js";
import { DEFAULTS, loadConfig } from "../../gateway/config.js";
import { testRedis } from "../redis-server.js";
import type { IdentityPlatform } from "../../mocks/identity/platform.js";
import type { DatasharePlatform } from "../../mocks/datashare/platform.js";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";
import { admin, makeSim, tif } from "../helpers.js";
import { foodInspectionEntry, ITEM_CODE } from "../datashare-http/helpers.js";
import {
  A,
  B,
  DRIVING,
  ENTITY_SID,
  applyForEntity,
  call,
  drivingLicence,
  entityQuery,
  usccQuery,
  type Sim,
} from "./helpers.js";

const REDIRECT = "http://127.0.0.1:3000/callback";

const dir = mkdtempSync(join(tmpdir(), "gatesim-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let redis: { url: string; prefix: string };

/** The same state, opened again: a data dir, or one Redis under one key prefix. */
const BACKENDS: { name: string; store: () => Promise<Record<string, unknown>> }[] = [
  { name: "sqlite", store: async () => ({ sqlite: dir }) },
  {
    name: "redis",
    store: async () => {
      redis ??= await testRedis();
      return { redis: redis.url, redisPrefix: redis.prefix };
    },
  },
];

const gw = (sim: Sim, serviceId: string, body: unknown, as = A) =>
  call(sim, "POST", "/GatewayMsg/http/api/proxy/invoke", { headers: tif(sim.tenant(as), { serviceId }), body });

async function ciClient(sim: Sim) {
  const r = await call(sim, "GET", `/_gatesim/identity/tenants/${A}/clients`, { headers: admin });
  return r.json.clients.find((c: { clientId: string }) => c.clientId.endsWith("_ci"));
}
async function token(sim: Sim, form: Record<string, string>, client: { clientId: string; secret: string }) {
  const r = await sim.app.inject({
    method: "POST",
    url: "/oidc/token",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString("base64")}`,
    },
    payload: new URLSearchParams(form).toString(),
  });
  return { status: r.statusCode, json: r.json() };
}

describe.each(BACKENDS)("on $name", ({ store }) => {
  const open = async () => {
    const overrides = { store: await store() };
    const backend = await openStore(loadConfig({ env: {}, overrides }));
    return makeSim({ overrides, backend });
  };
  const before: Record<string, any> = {};

  beforeAll(async () => {
    const sim = await open();
    try {
      // a tenant registered at run time
      const reg = await call(sim, "POST", "/_gatesim/tenants", {
        headers: admin,
        body: { paasid: "ci-job-durable", name: "持久化测试 / durable" },
      });
      expect(reg.status).toBe(201);
      before.registered = reg.json;
      // a nonce used
      before.nonce = `durable-${Date.now()}`;
      expect(
        (await call(sim, "GET", "/ebus/gatesim/ping", { headers: tif(sim.tenant(A), { nonce: before.nonce }) })).status,
      ).toBe(200);
      // a seal made
      const org = sim.tenant(A).tenant.orgCode!;
      const seal = await call(sim, "POST", "/ebus/eseal/v1/seals", {
        body: { orgUscc: org, type: "04", validTo: new Date(Date.now() + 300 * 86_400_000).toISOString() },
      });
      expect(seal.status, JSON.stringify(seal.json)).toBe(201);
      before.seal = seal.json.data;
      // a licence issued and sealed, for a logged-in persona
      const identity = sim.runtime.platforms.get("identity")!.api as IdentityPlatform["api"];
      const p = identity.personas().find((x) => x.kind === "person" && !x.locked && x.level !== "L0")!;
      before.holder = p.person;
      const issued = await gw(sim, "D1597131569652", drivingLicence(p.person!));
      expect(issued.json.ack_code, JSON.stringify(issued.json)).toBe("SUCCESS");
      before.licenceId = issued.json.data.ZZBS;
      // the persona logs in (code flow on the tenant's CI client)
      const ci = await ciClient(sim);
      before.ci = ci;
      const auth = await sim.app.inject({
        method: "GET",
        url: `/oidc/authorize?${new URLSearchParams({ client_id: ci.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "s", login_hint: p.id })}`,
      });
      const code = new URL(String(auth.headers.location)).searchParams.get("code")!;
      const t = await token(sim, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, ci);
      expect(t.status).toBe(200);
      before.refresh = t.json.refresh_token;
      before.access = t.json.access_token;
      // a department's own OIDC client, a persona added through the admin API, a revoked access token
      const client = await call(sim, "POST", `/_gatesim/identity/tenants/${A}/clients`, {
        headers: admin,
        body: { clientId: "durable_rp", name: "持久化 RP", redirectUris: [REDIRECT], requiredLevel: "L1" },
      });
      expect(client.status, JSON.stringify(client.json)).toBe(201);
      before.client = client.json;
      const persona = await call(sim, "POST", "/_gatesim/identity/personas", {
        headers: admin,
        body: { name: "陈持久", idNumber: "440507199001011233", level: "L2" },
      });
      expect(persona.status, JSON.stringify(persona.json)).toBe(201);
      before.persona = persona.json;
      const rev = await sim.app.inject({
        method: "POST",
        url: "/oidc/revoke",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`${ci.clientId}:${ci.secret}`).toString("base64")}`,
        },
        payload: new URLSearchParams({ token: before.access }).toString(),
      });
      expect(rev.statusCode).toBe(200);
      // a department's own catalogue resource, compiled by A
      const compiled = await call(sim, "POST", "/ebus/datashare/v1/catalogue", { body: foodInspectionEntry() });
      expect(compiled.status, JSON.stringify(compiled.json)).toBe(201);
      before.compiledSid = compiled.json.data.serviceId;
      // A subscribes to changes of its own resource (granted at once: 无条件共享)
      const own = await call(sim, "POST", "/ebus/datashare/v1/applications", {
        body: {
          serviceId: before.compiledSid,
          fields: ["TYSHXYDM", "JL"],
          purpose: "接收变更通知",
          itemCode: ITEM_CODE,
        },
      });
      expect(own.status, JSON.stringify(own.json)).toBe(201);
      const ownSub = await call(sim, "POST", "/ebus/datashare/v1/subscriptions", {
        body: { serviceId: before.compiledSid, webhookUrl: "http://127.0.0.1:9/hook" },
      });
      expect(ownSub.status, JSON.stringify(ownSub.json)).toBe(201);
      before.ownSubscription = ownSub.json.data;
      // an application approved at once with its grant, and a webhook subscription on it
      const applied = await applyForEntity(sim);
      expect(applied.status, JSON.stringify(applied.json)).toBe(201);
      before.grant = applied.json.data.grant;
      const sub = await call(sim, "POST", "/ebus/datashare/v1/subscriptions", {
        body: { serviceId: ENTITY_SID, webhookUrl: "http://127.0.0.1:9/hook" },
      });
      expect(sub.status, JSON.stringify(sub.json)).toBe(201);
      before.subscription = sub.json.data;
      // a query (its audit entry), and an application for a conditional resource, pending review
      const q = await entityQuery(sim);
      expect(q.status, JSON.stringify(q.json)).toBe(200);
      before.auditId = q.json.data.metadata.request_id;
      const pending = await call(sim, "POST", "/ebus/datashare/v1/applications", {
        body: {
          resourceCode: "101001/000001",
          fields: ["XM", "SFZH"],
          purpose: "办理户籍迁入时核验申请人身份",
          legalBasis: "《中华人民共和国户口登记条例》第十条",
          itemCode: "11440100696927671X3442011817001",
        },
      });
      expect(pending.json.data?.application?.status, JSON.stringify(pending.json)).toBe("pending");
      before.pending = pending.json.data.application.id;
      // the clock and a rule
      expect(
        (
          await call(sim, "POST", `/_gatesim/tenants/${B}/clock`, {
            headers: admin,
            body: { action: "advance", ms: 86_400_000 },
          })
        ).status,
      ).toBe(200);
      const rule = await call(sim, "POST", `/_gatesim/tenants/${B}/rules`, {
        headers: admin,
        body: { match: { pathPrefix: "/ebus/gatesim/echo" }, action: { errcode: 50201 } },
      });
      expect(rule.status, JSON.stringify(rule.json)).toBe(201);
      before.rule = rule.json;
    } finally {
      await sim.app.close();
    }
  }, 60_000);

  describe("after a restart on the same store", () => {
    let sim: Sim;
    beforeAll(async () => {
      sim = await open();
    });
    afterAll(async () => {
      await sim?.app.close();
    });

    it("the registered tenant is there, and its paasToken still signs", async () => {
      const reg = before.registered;
      const t = sim.runtime.tenants.get(reg.paasid)!;
      expect(t).toBeDefined();
      expect(t.tenant.paasToken).toBe(reg.paasToken);
      const r = await call(sim, "GET", "/ebus/gatesim/ping", { headers: signedHeaders(reg.paasid, reg.paasToken, {}) });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const ctl = await call(sim, "GET", `/_gatesim/tenants/${reg.paasid}/clock`, {
        headers: { authorization: `Bearer ${reg.controlToken}` },
      });
      expect(ctl.status).toBe(200);
    });

    it("a nonce used before the restart is still refused (40003) inside its window", async () => {
      const r = await call(sim, "GET", "/ebus/gatesim/ping", { headers: tif(sim.tenant(A), { nonce: before.nonce }) });
      expect(r.status).toBe(400);
      expect(r.json.errcode).toBe(40003);
    });

    it("a resource compiled before the restart is still routed: applied for and queried by its serviceId", async () => {
      const sid = before.compiledSid;
      const applied = await call(sim, "POST", "/ebus/datashare/v1/applications", {
        as: B,
        body: { serviceId: sid, fields: ["TYSHXYDM", "JL"], purpose: "核查抽检结果", itemCode: ITEM_CODE },
      });
      expect(applied.status, JSON.stringify(applied.json)).toBe(201);
      const q = await usccQuery(sim, sid, { as: B, enterprise: 3 });
      expect(q.status, JSON.stringify(q.json)).toBe(200);
      expect(q.json).toMatchObject({ errcode: 0, data: { metadata: { service_id: sid, total: 0 } } });
    });

    it("the seal is there; the next seal gets the next code, not the same one", async () => {
      const r = await call(sim, "GET", `/ebus/eseal/v1/seals/${before.seal.sealCode}`);
      expect(r.status).toBe(200);
      expect(r.json.data).toMatchObject({ sealCode: before.seal.sealCode, status: "active", name: before.seal.name });
      const org = sim.tenant(A).tenant.orgCode!;
      const next = await call(sim, "POST", "/ebus/eseal/v1/seals", {
        body: { orgUscc: org, type: "04", validTo: new Date(Date.now() + 300 * 86_400_000).toISOString() },
      });
      expect(next.status).toBe(201);
      expect(Number(next.json.data.sealCode.slice(-7))).toBe(Number(before.seal.sealCode.slice(-7)) + 1);
    });

    it("the issued licence is found by its holder", async () => {
      const q = await call(sim, "POST", "/ebus/elicence/v1/licences/query-by-holder", {
        body: {
          holderCode: before.holder.idNumber,
          holderTypeCode: "111",
          certTypeCode: DRIVING,
          useCause: "持久化核验",
        },
      });
      expect(q.json.head.status, JSON.stringify(q.json)).toBe(0);
      expect(q.json.data.licences.map((l: any) => l.certIdentifier)).toContain(before.licenceId);
    });

    it("the persona's refresh token still rotates, and the new access token works", async () => {
      const t = await token(sim, { grant_type: "refresh_token", refresh_token: before.refresh }, before.ci);
      expect(t.status, JSON.stringify(t.json)).toBe(200);
      expect(t.json.refresh_token).not.toBe(before.refresh);
      const info = await sim.app.inject({
        method: "GET",
        url: "/oidc/userinfo",
        headers: { authorization: `Bearer ${t.json.access_token}` },
      });
      expect(info.statusCode, info.body).toBe(200);
      expect(info.json().sub).toBeTruthy();
      // the old one was used: rotation, not reuse (and reuse revokes the family, as before the restart)
      const again = await token(sim, { grant_type: "refresh_token", refresh_token: before.refresh }, before.ci);
      expect(again.status).toBe(400);
    });

    it("the department's OIDC client and the added persona are there; a revoked token stays revoked", async () => {
      const clients = await call(sim, "GET", `/_gatesim/identity/tenants/${A}/clients`, { headers: admin });
      const rp = clients.json.clients.find((c: any) => c.clientId === "durable_rp");
      expect(rp).toMatchObject({ clientId: "durable_rp", secret: before.client.secret, redirectUris: [REDIRECT] });
      const personas = await call(sim, "GET", "/_gatesim/identity/personas", { headers: admin });
      expect(personas.json.personas.map((p: any) => p.id)).toContain(before.persona.id);
      const info = await sim.app.inject({
        method: "GET",
        url: "/oidc/userinfo",
        headers: { authorization: `Bearer ${before.access}` },
      });
      expect(info.statusCode).toBe(401);
      expect(info.json()._diagnostics[0].rule).toBe("token-revoked");
    });

    it("the grant is there and the query works; the subscription is listed", async () => {
      const q = await entityQuery(sim);
      expect(q.status, JSON.stringify(q.json)).toBe(200);
      expect(Object.keys(q.json.data.data[0])).toEqual(["TYSHXYDM", "JGMC"]);
      const subs = await call(sim, "GET", "/ebus/datashare/v1/subscriptions");
      expect(subs.json.data.items.map((s: any) => s.id)).toContain(before.subscription.id);
      // and its deliveries are run again: the subscriber is watched without subscribing anew
      const ds = sim.runtime.platforms.get("datashare") as unknown as DatasharePlatform;
      expect(ds.webhookSubscribers()).toContain(A);
      // a change to a resource subscribed before the restart is delivered (attempted: the receiver is not there)
      const uscc = sim.runtime.seed.enterprises.at(3)!.uscc;
      const rows = await call(sim, "PUT", `/ebus/datashare/v1/catalogue/${before.compiledSid}/rows`, {
        body: { rows: [{ TYSHXYDM: uscc, CJRQ: "2025-01-06", JL: "合格" }] },
      });
      expect(rows.status, JSON.stringify(rows.json)).toBe(200);
      const attempted = await ds.runDeliveries();
      expect(attempted.map((d) => d.subscriptionId)).toContain(before.ownSubscription.id);
      const log = await call(sim, "GET", `/ebus/datashare/v1/deliveries?subscriptionId=${before.ownSubscription.id}`);
      expect(log.json.data.items).toMatchObject([{ event: "data.changed", attempts: [{ ok: false }] }]);
    });

    it("the audit log keeps the query from before and numbers on after it; the pending review is still queued", async () => {
      const q = await entityQuery(sim);
      const after = q.json.data.metadata.request_id;
      expect(after).not.toBe(before.auditId);
      const audit = await call(sim, "GET", "/ebus/datashare/v1/audit/consumer");
      expect(audit.status, JSON.stringify(audit.json)).toBe(200);
      const ids = audit.json.data.items.map((e: any) => e.id);
      expect(ids).toEqual(expect.arrayContaining([before.auditId, after]));
      const reviews = await call(sim, "GET", "/_gatesim/datashare/reviews", { headers: admin });
      expect(reviews.json.data.items.map((t: any) => t.applicationId)).toContain(before.pending);
      const ok = await call(sim, "POST", `/_gatesim/datashare/applications/${before.pending}/approve`, {
        headers: admin,
        body: {},
      });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    });

    it("B's clock is still a day ahead and its rule still applies", async () => {
      const c = await call(sim, "GET", `/_gatesim/tenants/${B}/clock`, { headers: admin });
      expect(c.json.offsetMs).toBeGreaterThan(86_400_000 - 60_000);
      expect(c.json.offsetMs).toBeLessThanOrEqual(86_400_000);
      const rules = await call(sim, "GET", `/_gatesim/tenants/${B}/rules`, { headers: admin });
      expect(rules.json.rules.map((r: any) => r.id)).toEqual([before.rule.id]);
      const echo = await call(sim, "POST", "/ebus/gatesim/echo", { as: B, body: {} });
      expect(echo.json.errcode).toBe(50201);
    });

    it("reset clears exactly that tenant's stored state, in the store too", async () => {
      expect((await call(sim, "POST", `/_gatesim/tenants/${B}/reset`, { headers: admin })).status).toBe(200);
      await sim.app.close();
      sim = await open();
      const c = await call(sim, "GET", `/_gatesim/tenants/${B}/clock`, { headers: admin });
      expect(Math.abs(c.json.offsetMs)).toBeLessThan(1000);
      expect((await call(sim, "GET", `/_gatesim/tenants/${B}/rules`, { headers: admin })).json.rules).toEqual([]);
      // A's state is untouched
      expect((await call(sim, "GET", `/ebus/eseal/v1/seals/${before.seal.sealCode}`)).status).toBe(200);
    });
  });
});

// the default config is untouched by these tests
it("memory is still the default backend", () => {
  expect(DEFAULTS.store).toEqual({});
});
