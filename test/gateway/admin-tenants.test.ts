// Control plane and tenants: token protection, tenant-scoped control tokens, clocks, reset, isolation.
import { beforeEach, describe, expect, it } from "vitest";
import { admin, makeSim, tif } from "../helpers.js";

type Sim = Awaited<ReturnType<typeof makeSim>>;
let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
const get = (url: string, headers: Record<string, string> = admin) => sim.app.inject({ method: "GET", url, headers });
const post = (url: string, payload: unknown, headers: Record<string, string> = admin) =>
  sim.app.inject({ method: "POST", url, headers, payload: payload as object });

describe("control plane protection", () => {
  it("health, readiness and the scenario catalogue are open; the rest needs a token", async () => {
    expect((await get("/_gatesim/health", {})).json()).toMatchObject({ status: "ok" });
    expect((await get("/_gatesim/ready", {})).json()).toMatchObject({
      ready: true,
      platforms: expect.arrayContaining(["gateway", "admin"]),
    });
    const scen = (await get("/_gatesim/scenarios", {})).json().scenarios;
    expect(scen.map((s: { name: string }) => s.name)).toContain("gateway.upstream-unavailable");
    const none = await get("/_gatesim/tenants", {});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ errcode: 40103, _diagnostics: [{ rule: "admin.token" }] });
    const wrong = await get("/_gatesim/tenants", { authorization: "Bearer not-the-token" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain("not-the-token");
  });

  it("lists tenants without secrets", async () => {
    const res = await get("/_gatesim/tenants");
    expect(res.statusCode).toBe(200);
    expect(res.json().tenants.map((t: { paasid: string }) => t.paasid)).toEqual([
      "C90-44050001",
      "C90-44050002",
      "stdemo_upper",
    ]);
    expect(res.body).not.toContain(sim.tenant().tenant.paasToken);
    expect(res.body).not.toContain(sim.tenant().tenant.controlToken);
  });

  it("creates a tenant whose secrets are shown once and that can call the gateway at once", async () => {
    const res = await post("/_gatesim/tenants", { paasid: "ci-job-17", name: "CI 作业 17" });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ paasid: "ci-job-17", serviceIds: ["*"], signatureCase: "any", builtIn: false });
    expect(body.paasToken).toMatch(/^[0-9a-f]{32}$/);
    const t = sim.tenant("ci-job-17");
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(t) })).statusCode).toBe(200);
    expect((await post("/_gatesim/tenants", { paasid: "ci-job-17", name: "again" })).statusCode).toBe(409);
    expect((await get("/_gatesim/tenants/nobody")).statusCode).toBe(404);
  });

  it("a tenant's control token opens its own part only", async () => {
    const a = sim.tenant("C90-44050001"),
      b = sim.tenant("C90-44050002");
    const own = await get("/_gatesim/tenants/C90-44050001/journal", {
      authorization: `Bearer ${a.tenant.controlToken}`,
    });
    expect(own.statusCode).toBe(200);
    const other = await get("/_gatesim/tenants/C90-44050002/journal", {
      authorization: `Bearer ${a.tenant.controlToken}`,
    });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ errcode: 40303, _diagnostics: [{ rule: "admin.tenant-scope" }] });
    expect(
      (
        await post(
          "/_gatesim/tenants/C90-44050002/clock",
          { action: "advance", ms: 1000 },
          { authorization: `Bearer ${a.tenant.controlToken}` },
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await post("/_gatesim/tenants/C90-44050002/reset", {}, { authorization: `Bearer ${a.tenant.controlToken}` }))
        .statusCode,
    ).toBe(403);
    expect((await get("/_gatesim/tenants", { authorization: `Bearer ${b.tenant.controlToken}` })).statusCode).toBe(403);
  });
});

describe("tenant isolation", () => {
  it("A's calls, clock and rules never show up for B", async () => {
    const a = sim.tenant("C90-44050001"),
      b = sim.tenant("C90-44050002");
    await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(a) });
    await post("/_gatesim/tenants/C90-44050001/clock", { action: "advance", ms: 3_600_000 });
    await post("/_gatesim/tenants/C90-44050001/rules", { action: { errcode: 50201 } });
    const bJournal = (await get("/_gatesim/tenants/C90-44050002/journal")).json();
    expect(bJournal.total).toBe(0);
    expect(Math.abs(b.clock.now() - Date.now())).toBeLessThan(5000);
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(b) })).statusCode).toBe(200);
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(a) })).json().errcode).toBe(
      50201,
    );
    // A's store
    await a.store.put("thing", "1", { v: 1 });
    expect(await b.store.get("thing", "1")).toBeUndefined();
  });

  it("B cannot sign as A: A's paasid with B's token is refused", async () => {
    const a = sim.tenant("C90-44050001"),
      b = sim.tenant("C90-44050002");
    const { signedHeaders } = await import("../../mocks/gateway/tif-signature.js");
    const forged = signedHeaders(a.tenant.paasid, b.tenant.paasToken, { now: a.clock.now() });
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: forged })).json().errcode).toBe(
      40004,
    );
  });
});

describe("clock and reset", () => {
  it("freeze, advance, set, unfreeze, reset", async () => {
    const url = "/_gatesim/tenants/C90-44050001/clock";
    const frozen = (await post(url, { action: "freeze", at: "2026-03-01T08:00:00+08:00" })).json();
    expect(frozen).toMatchObject({ frozen: true, iso: "2026-03-01T00:00:00.000Z" });
    expect((await post(url, { action: "advance", ms: 7_201_000 })).json().iso).toBe("2026-03-01T02:00:01.000Z");
    expect((await post(url, { action: "set", at: "2027-01-01T00:00:00Z" })).json().iso).toBe(
      "2027-01-01T00:00:00.000Z",
    );
    const un = (await post(url, { action: "unfreeze" })).json();
    expect(un.frozen).toBe(false);
    expect(Math.abs(un.now - Date.parse("2027-01-01T00:00:00Z"))).toBeLessThan(5000);
    expect((await post(url, { action: "advance" })).json()._diagnostics[0].location).toBe("/body/ms");
    const reset = (await post(url, { action: "reset" })).json();
    expect(Math.abs(reset.now - Date.now())).toBeLessThan(5000);
  });

  it("reset returns a tenant to its seeded start: state, clock, journal, nonces, rules", async () => {
    const a = sim.tenant();
    const h = tif(a, { nonce: "n-before-reset" });
    await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: h });
    await a.store.put("thing", "1", { v: 1 });
    a.clock.advance(10_000);
    await post("/_gatesim/tenants/C90-44050001/rules", { action: { latencyMs: 1 } });
    const token = a.tenant.paasToken;
    expect((await post("/_gatesim/tenants/C90-44050001/reset", {})).json()).toEqual({
      paasid: "C90-44050001",
      reset: true,
    });
    expect(await a.store.get("thing", "1")).toBeUndefined();
    expect(a.clock.state().offsetMs).toBe(0);
    expect((await get("/_gatesim/tenants/C90-44050001/journal")).json().total).toBe(0);
    expect((await get("/_gatesim/tenants/C90-44050001/rules")).json().rules).toEqual([]);
    expect(a.tenant.paasToken).toBe(token);
    expect(
      (await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(a, { nonce: "n-before-reset" }) }))
        .statusCode,
    ).toBe(200);
  });

  it("built-in tenants' secrets are the same for the same seed and differ across seeds", async () => {
    const again = await makeSim();
    const other = await makeSim({ overrides: { seed: "another" } });
    expect(again.tenant().tenant.paasToken).toBe(sim.tenant().tenant.paasToken);
    expect(other.tenant().tenant.paasToken).not.toBe(sim.tenant().tenant.paasToken);
  });
});

describe("landing page and docs", () => {
  it("the landing page lists platforms, test apps, personas, scenarios and a signed call", async () => {
    const res = await get("/", {});
    expect(res.headers["content-type"]).toContain("text/html");
    const html = res.body;
    expect(html).toContain("C90-44050001");
    expect(html).toContain(sim.tenant().tenant.paasToken);
    expect(html).toContain("sha256sum");
    expect(html).toContain("gateway.upstream-unavailable");
    expect(html).toContain(sim.runtime.seed.persons.at(0)!.name);
    expect(html).toContain("tyrz_C90-44050001_web");
    const hidden = await makeSim({ overrides: { landing: { showCredentials: false } } });
    expect((await hidden.app.inject({ method: "GET", url: "/" })).body).not.toContain(hidden.tenant().tenant.paasToken);
  });

  it("/docs serves Swagger UI over every contract", async () => {
    const ui = await get("/docs/", {});
    expect([200, 302]).toContain(ui.statusCode);
    const all = (await get("/docs/json", {})).json();
    for (const op of sim.runtime.table.operations)
      expect(all.paths[op.openapiPath][op.method.toLowerCase()].operationId).toBe(op.operationId);
    const init = (await get("/docs/static/swagger-initializer.js", {})).body;
    for (const d of sim.runtime.table.documents) {
      expect(init).toContain(`/docs/contracts/${d.name}.json`);
      expect((await get(`/docs/contracts/${d.name}.json`, {})).json().openapi).toBe("3.1.0");
    }
    // built on the first /docs request; unknown pages and contracts are explained, not bare 404s
    const nope = await get("/docs/nope", {});
    expect(nope.statusCode).toBe(404);
    expect(nope.json()).toMatchObject({
      errcode: 40401,
      _diagnostics: [
        {
          rule: "docs.page",
          message: "没有文档页 /docs/nope / unknown docs page /docs/nope",
          hint: expect.stringContaining("/docs"),
        },
      ],
    });
    const noContract = await get("/docs/contracts/nope.json", {});
    expect(noContract.json()._diagnostics[0].hint).toContain("gateway.json");
  });
});
