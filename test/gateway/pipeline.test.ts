// The request path: scenarios and rules, request and response validation, near misses, ugly inputs, journal.
import { beforeEach, describe, expect, it } from "vitest";
import { admin, makeSim, tif } from "../helpers.js";
import { gatewayPlatform } from "../../mocks/gateway/handlers.js";
import type { PlatformModule } from "../../mocks/shared/types.js";

type Sim = Awaited<ReturnType<typeof makeSim>>;
let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});

const echo = (headers: Record<string, string>, payload: string | Buffer, contentType = "application/json") =>
  sim.app.inject({
    method: "POST",
    url: "/ebus/gatesim/echo",
    headers: { "content-type": contentType, ...headers },
    payload,
  });

describe("scenarios and faults", () => {
  it("x-gatesim-scenario forces a gateway outcome for one request", async () => {
    const t = sim.tenant();
    const res = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(t), "x-gatesim-scenario": "gateway.upstream-unavailable" },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({
      errcode: 50201,
      _diagnostics: [{ rule: "scenario", seen: "gateway.upstream-unavailable" }],
    });
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(t) })).statusCode).toBe(200);
    const timeout = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(t), "x-gatesim-scenario": "gateway.upstream-timeout" },
    });
    expect(timeout.json().errcode).toBe(50401);
    const rate = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(t), "x-gatesim-scenario": "gateway.rate-limited" },
    });
    expect([rate.statusCode, rate.json().errcode]).toEqual([429, 42901]);
  });

  it("an unknown scenario is refused with the list of those that apply", async () => {
    const res = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(sim.tenant()), "x-gatesim-scenario": "gateway.nope" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()._diagnostics[0].hint).toContain("gateway.upstream-unavailable");
  });

  it("a tenant rule forces an errcode on matching requests, `times` times, for that tenant only", async () => {
    const add = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants/C90-44050001/rules",
      headers: admin,
      payload: { match: { serviceId: "C0000000000001" }, action: { errcode: 50201 }, times: 2 },
    });
    expect(add.statusCode).toBe(201);
    const call = (paasid = "C90-44050001") =>
      sim.app.inject({
        method: "POST",
        url: "/GatewayMsg/http/api/proxy/invoke",
        headers: { "content-type": "application/json", ...tif(sim.tenant(paasid), { serviceId: "C0000000000001" }) },
        payload: "{}",
      });
    expect((await call("C90-44050002")).statusCode).toBe(200);
    expect((await call()).json().errcode).toBe(50201);
    expect((await call()).json().errcode).toBe(50201);
    expect((await call()).statusCode).toBe(200);
    const rules = await sim.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/rules", headers: admin });
    expect(rules.json().rules).toEqual([]);
  });

  it("latency rules delay one tenant without blocking another's requests", async () => {
    await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants/C90-44050001/rules",
      headers: admin,
      payload: { action: { latencyMs: 400 } },
    });
    const t0 = Date.now();
    const slow = sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(sim.tenant()) });
    const fast = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: tif(sim.tenant("C90-44050002")),
    });
    const fastDone = Date.now() - t0;
    expect(fast.statusCode).toBe(200);
    expect((await slow).statusCode).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(fastDone).toBeLessThan(390);
  });

  it("a reset rule drops the connection without an answer, and is journalled", async () => {
    const started = await import("../../gateway/index.js").then((m) =>
      m.startSimulator({ config: { adminToken: "x".repeat(20) } }),
    );
    try {
      const app = started.apps[0];
      await fetch(`${started.url}/_gatesim/tenants/${app.paasid}/rules`, {
        method: "POST",
        headers: { authorization: `Bearer ${"x".repeat(20)}`, "content-type": "application/json" },
        body: JSON.stringify({ action: { reset: true }, times: 1 }),
      });
      await expect(fetch(`${started.url}/ebus/gatesim/ping`, { headers: app.sign() })).rejects.toThrow();
      const ok = await fetch(`${started.url}/ebus/gatesim/ping`, { headers: app.sign() });
      expect(ok.status).toBe(200);
      const j = await fetch(`${started.url}/_gatesim/tenants/${app.paasid}/journal`, {
        headers: { authorization: `Bearer ${app.controlToken}` },
      }).then((r) => r.json());
      expect(j.entries.map((e: { status: number }) => e.status)).toEqual([200, 0]);
    } finally {
      await started.close();
    }
  });

  it("rule input is checked: exactly one action, known scenario", async () => {
    const two = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants/C90-44050001/rules",
      headers: admin,
      payload: { action: { errcode: 50201, latencyMs: 5 } },
    });
    expect(two.json()).toMatchObject({ errcode: 40005, _diagnostics: [{ rule: "admin.rule.one-action" }] });
    const unknown = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants/C90-44050001/rules",
      headers: admin,
      payload: { action: { scenario: "nope" } },
    });
    expect(unknown.json()._diagnostics[0].rule).toBe("admin.rule.scenario-known");
  });
});

describe("validation", () => {
  it("reports every contract violation, not the first", async () => {
    const res = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants/C90-44050001/clock",
      headers: admin,
      payload: { action: "warp", ms: "soon", extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const d = res.json()._diagnostics;
    expect(d.map((x: { location: string }) => x.location).sort()).toEqual(["/body/action", "/body/extra", "/body/ms"]);
    expect(d.find((x: { location: string }) => x.location === "/body/action").hint).toContain("freeze");
  });

  it("identifier formats explain what is wrong with the value", async () => {
    const res = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants",
      headers: admin,
      payload: { paasid: "orgapp", name: "x", orgCode: "91440507192781592C" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()._diagnostics[0]).toMatchObject({ location: "/body/orgCode", seen: "91440507192781592C" });
    expect(res.json()._diagnostics[0].message).toContain("check character should be B");
  });

  it("a handler answering outside its contract is caught (50001 + diagnostics), never passed silently", async () => {
    const broken: PlatformModule = {
      ...gatewayPlatform,
      handlers: {
        ...gatewayPlatform.handlers,
        gatewayEbusPing: () => ({ status: 200, body: { errcode: "zero", data: {} } }),
      },
    };
    const bad = await makeSim({ platforms: () => [broken] });
    const res = await bad.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(bad.tenant()) });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.errcode).toBe(50001);
    expect(body._diagnostics.map((d: { location: string }) => d.location)).toEqual(
      expect.arrayContaining(["/response/body/errcode", "/response/body/errmsg", "/response/body/data/paasid"]),
    );
    const undeclared = await makeSim({
      platforms: () => [
        {
          ...gatewayPlatform,
          handlers: { ...gatewayPlatform.handlers, gatewayEbusPing: () => ({ status: 418, body: {} }) },
        },
      ],
    });
    const r2 = await undeclared.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: tif(undeclared.tenant()),
    });
    expect(r2.json()._diagnostics[0]).toMatchObject({ location: "/response/status", seen: 418 });
  });

  it("operations without a handler answer from their contract example", async () => {
    const res = await sim.app.inject({ method: "GET", url: "/ebus/gatesim/notice", headers: tif(sim.tenant()) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      errcode: 0,
      errmsg: "ok",
      data: [{ id: "N2026001", title: "测试环境维护通知 / Test environment maintenance" }],
    });
  });
});

describe("ugly inputs get a clear 4xx in the gateway envelope", () => {
  it("empty body where one is required", async () => {
    const res = await echo(tif(sim.tenant()), "");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errcode: 40005,
      _diagnostics: [{ location: "/body", rule: "requestBody.required" }],
    });
  });

  it("malformed JSON, bad UTF-8, prototype poisoning", async () => {
    const t = sim.tenant();
    expect((await echo(tif(t), "{not json")).json()).toMatchObject({ errcode: 40006 });
    const badUtf8 = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await echo(tif(t), badUtf8);
    expect(r.statusCode).toBe(400);
    expect(r.json().errcode).toBe(40006);
    expect(r.json()._diagnostics[0].message).toContain("UTF-8");
    const poison = await echo(tif(t), '{"__proto__":{"admin":true}}');
    expect(poison.statusCode).toBe(400);
  });

  it("wrong types and wrong content type", async () => {
    const t = sim.tenant();
    expect((await echo(tif(t), "[1,2]")).json()).toMatchObject({
      errcode: 40005,
      _diagnostics: [{ location: "/body", rule: expect.stringContaining("type") }],
    });
    const xml = await echo(tif(t), "<a/>", "application/xml");
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ errcode: 41501, _diagnostics: [{ location: "/headers/content-type" }] });
  });

  it("a huge body → 41301, and the simulator keeps serving", async () => {
    const small = await makeSim({ overrides: { bodyLimitBytes: 2048 } });
    const res = await small.app.inject({
      method: "POST",
      url: "/ebus/gatesim/echo",
      headers: { "content-type": "application/json", ...tif(small.tenant()) },
      payload: JSON.stringify({ x: "a".repeat(5000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().errcode).toBe(41301);
    expect(
      (await small.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(small.tenant()) })).statusCode,
    ).toBe(200);
  });

  it("an unknown path gets 40401 with the nearest operation and why; a wrong method 40501", async () => {
    const res = await sim.app.inject({ method: "GET", url: "/ebus/gatesim/pnig" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ errcode: 40401, _diagnostics: [{ rule: "route.exists" }] });
    expect(res.json()._diagnostics[0].hint).toContain("GET /ebus/gatesim/ping (gatewayEbusPing)");
    const m = await sim.app.inject({ method: "DELETE", url: "/ebus/gatesim/ping" });
    expect(m.statusCode).toBe(405);
    expect(m.json()._diagnostics[0].message).toContain("GET");
    const un = await sim.app.inject({ method: "GET", url: "/_gatesim/unmatched", headers: admin });
    expect(un.json().entries[0]).toMatchObject({
      url: "/ebus/gatesim/ping",
      nearMiss: { operationId: "gatewayEbusPing" },
    });
  });
});

describe("journal", () => {
  it("records each exchange with operation, status, violations; secrets redacted; big bodies truncated", async () => {
    const t = sim.tenant();
    await echo(tif(t), JSON.stringify({ client_secret: "s3cr3t-value", note: "x".repeat(10000) }));
    await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(t), "x-tif-signature": "0".repeat(64) },
    });
    const j = await sim.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    const entries = j.json().entries;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      operationId: "gatewayEbusPing",
      status: 400,
      violations: [{ rule: "x-tif.signature" }],
    });
    expect(entries[1]).toMatchObject({ operationId: "gatewayEbusEcho", status: 200, tenant: "C90-44050001" });
    expect(JSON.stringify(entries)).not.toContain("s3cr3t-value");
    expect(JSON.stringify(entries)).not.toContain(t.tenant.paasToken);
    expect(entries[1].request.body).toMatchObject({ client_secret: "[REDACTED]" });
    expect(entries[1].request.body.note).toMatch(/…\[10000 chars\]$/);
    expect(entries[1].request.body.note.length).toBeLessThan(600);
    const onlyErrors = await sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/C90-44050001/journal?status=400",
      headers: admin,
    });
    expect(onlyErrors.json().total).toBe(1);
    const byOp = await sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/C90-44050001/journal?operationId=gatewayEbusEcho",
      headers: admin,
    });
    expect(byOp.json().entries.map((e: { operationId: string }) => e.operationId)).toEqual(["gatewayEbusEcho"]);
    const nd = await sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/C90-44050001/journal/export",
      headers: admin,
    });
    expect(nd.headers["content-type"]).toContain("application/x-ndjson");
    expect(
      nd.body
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).operationId),
    ).toEqual(["gatewayEbusEcho", "gatewayEbusPing"]);
  });

  it("shows a response as it was sent, even when the state it came from changes afterwards", async () => {
    // A handler that answers with a live object (as a store-backed handler may) and changes it after replying.
    const live = {
      errcode: 0,
      errmsg: "ok",
      data: { paasid: "C90-44050001", serverTime: 1, body: { state: "issued" } },
    };
    const mutating: PlatformModule = {
      ...gatewayPlatform,
      handlers: { ...gatewayPlatform.handlers, gatewayEbusPing: () => ({ status: 200, body: live }) },
    };
    const s = await makeSim({ platforms: () => [mutating] });
    const res = await s.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(s.tenant()) });
    expect(res.json().data.body.state).toBe("issued");
    live.data.body.state = "revoked";
    const j = await s.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    expect(j.json().entries[0].response.body).toEqual({
      errcode: 0,
      errmsg: "ok",
      data: { paasid: "C90-44050001", serverTime: 1, body: { state: "issued" } },
    });
  });

  it("shows a JSON request as it was received: not as a handler later changed it; a byte-order mark is no obstacle", async () => {
    const mutating: PlatformModule = {
      ...gatewayPlatform,
      handlers: {
        ...gatewayPlatform.handlers,
        gatewayEbusEcho: (input) => {
          (input.body as Record<string, unknown>).added = "by the handler";
          return { status: 200, body: { errcode: 0, errmsg: "ok", data: {} } };
        },
      },
    };
    const s = await makeSim({ platforms: () => [mutating], overrides: { validateResponses: false } });
    const t = s.tenant();
    const post = (payload: string | Buffer) =>
      s.app.inject({
        method: "POST",
        url: "/ebus/gatesim/echo",
        headers: { ...tif(t), "content-type": "application/json" },
        payload,
      });
    expect((await post(JSON.stringify({ 查询: "汕头", n: 1 }))).statusCode).toBe(200);
    expect(
      (await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ bom: true }))])))
        .statusCode,
    ).toBe(200);
    const j = await s.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    expect(j.json().entries.map((e: { request: { body: unknown } }) => e.request.body)).toEqual([
      { bom: true },
      { 查询: "汕头", n: 1 },
    ]);
  });

  it("summarises a body far over journal.maxBodyBytes when recorded, the same way as one read later", async () => {
    const t = sim.tenant();
    // 100 KB of JSON (over maxBodyBytes, so not kept as is) with a secret deep inside
    const big = {
      token: "tok-should-not-appear",
      rows: Array.from({ length: 1000 }, (_, i) => ({ i, text: "长".repeat(30) })),
    };
    const res = await echo(tif(t), JSON.stringify(big));
    expect(res.statusCode).toBe(200);
    const j = await sim.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    const e = j.json().entries[0];
    expect(e.request.body).toMatchObject({ truncated: true });
    expect(e.request.body.bytes).toBeGreaterThan(4096);
    expect(e.request.body.head.length).toBe(4096);
    expect(e.response.body).toMatchObject({ truncated: true });
    expect(JSON.stringify(e)).not.toContain("tok-should-not-appear");
  });

  it("is a bounded ring: the cap holds and evictions are counted", async () => {
    const small = await makeSim({ overrides: { journal: { cap: 3 } } });
    for (let i = 0; i < 5; i++)
      await small.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(small.tenant()) });
    const j = await small.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    expect(j.json()).toMatchObject({ total: 3, dropped: 2 });
  });
});
