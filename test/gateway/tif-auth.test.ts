// x-tif gateway authentication: every errcode of facts §8.1 that the gateway itself decides, driven by the virtual clock.
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { beforeEach, describe, expect, it } from "vitest";
import { admin, makeSim, tif } from "../helpers.js";
import { tifSign, tifSignUser, signedHeaders, verifyTifBackendSignature } from "../../mocks/gateway/tif-signature.js";

type Sim = Awaited<ReturnType<typeof makeSim>>;
let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});

const ping = (headers: Record<string, string>) => sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers });
const invoke = (headers: Record<string, string>, body: unknown = { hello: "汕头" }) =>
  sim.app.inject({
    method: "POST",
    url: "/GatewayMsg/http/api/proxy/invoke",
    headers: { "content-type": "application/json", ...headers },
    payload: JSON.stringify(body),
  });

describe("signature formula (facts §1.3, §1.5 worked examples)", () => {
  it("reproduces the client and the backend examples", () => {
    expect(tifSign("1700000000", "0123456789abcdef0123456789abcdef", "18bcfe56800-3e8a1f")).toBe(
      "cf15b40a3e81dfc9e32fb963ad5e8ec19cab5c3208751a4d356d431e7296900b",
    );
    expect(
      tifSignUser(
        "1700000000",
        "0123456789abcdef0123456789abcdef",
        "18bcfe56800-3e8a1f",
        "U123",
        "440507199001011233",
        "",
      ),
    ).toBe("43B5E217B096003B05A0E56ACBA2521BF618317E0024FB068347EBD7BBE763C2");
    expect(tifSignUser("1700000000", "0123456789abcdef0123456789abcdef", "18bcfe56800-3e8a1f")).toBe(
      "CF15B40A3E81DFC9E32FB963AD5E8EC19CAB5C3208751A4D356D431E7296900B",
    );
  });

  it("a backend verifies what the gateway signs, and refuses it outside ±180 s", () => {
    const now = 1700000000_000;
    const h = {
      "x-tif-timestamp": "1700000000",
      "x-tif-nonce": "n1",
      "x-tif-uid": "U123",
      "x-tif-uinfo": "440507199001011233",
      "x-tif-ext": "",
    };
    const sig = tifSignUser("1700000000", "tok", "n1", "U123", "440507199001011233", "");
    expect(verifyTifBackendSignature({ ...h, "x-tif-signature": sig }, "tok", now / 1000)).toBe(true);
    expect(verifyTifBackendSignature({ ...h, "x-tif-signature": sig }, "tok", now / 1000 + 181)).toBe(false);
    expect(verifyTifBackendSignature({ ...h, "x-tif-uinfo": "x", "x-tif-signature": sig }, "tok", now / 1000)).toBe(
      false,
    );
  });
});

describe("accepted calls", () => {
  it("accepts lower- and upper-case hex and any header-name case", async () => {
    const t = sim.tenant();
    expect((await ping(tif(t))).statusCode).toBe(200);
    expect((await ping(tif(t, { upper: true }))).statusCode).toBe(200);
    const mixed = Object.fromEntries(
      Object.entries(tif(t)).map(([k, v]) => [k.replace("x-tif-", "X-Tif-").replace("paasid", "PaasId"), v]),
    );
    const res = await ping(mixed);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      errcode: 0,
      data: { paasid: "C90-44050001", serverTime: t.clock.nowSeconds() },
    });
    expect(res.headers["x-gatesim-trace-id"]).toMatch(/^[0-9a-f]{6}-[0-9a-z]+$/);
  });

  it("dispatches GatewayMsg calls by x-tif-serviceId", async () => {
    const res = await invoke(tif(sim.tenant(), { serviceId: "C0000000000001" }), { a: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ serviceId: "C0000000000001", body: { a: 1 } });
  });
});

describe("refusals (errcode table, facts §8.1)", () => {
  it("40001 for a missing or duplicated header, naming it", async () => {
    const t = sim.tenant();
    const { "x-tif-nonce": _n, ...noNonce } = tif(t);
    const res = await ping(noNonce);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errcode: 40001,
      data: null,
      _diagnostics: [{ location: "/headers/x-tif-nonce", rule: "x-tif.header-required" }],
    });
    expect(res.json().errmsg).toMatch(/^x-tif 请求头缺失或重复 \/ an x-tif header is missing or duplicated$/);

    const { "x-tif-serviceId": _s, ...noService } = tif(t, { serviceId: "C0000000000001" });
    expect((await invoke(noService)).json()).toMatchObject({
      errcode: 40001,
      _diagnostics: [{ location: "/headers/x-tif-serviceId" }],
    });

    // A repeated header arrives as two header lines, which Node joins with ", " — over a real socket, because inject
    // has no way to send one header twice.
    const h = tif(t);
    await sim.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const { port } = sim.app.server.address() as AddressInfo;
      const lines = Object.entries(h).flat();
      const dup2 = await request(`http://127.0.0.1:${port}/ebus/gatesim/ping`, {
        headers: [...lines, "x-tif-timestamp", h["x-tif-timestamp"]],
      });
      expect(dup2.statusCode).toBe(400);
      expect(await dup2.body.json()).toMatchObject({
        errcode: 40001,
        _diagnostics: [
          {
            location: "/headers/x-tif-timestamp",
            rule: "x-tif.header-duplicated",
            seen: `${h["x-tif-timestamp"]}, ${h["x-tif-timestamp"]}`,
          },
        ],
      });
    } finally {
      await sim.app.close();
    }
  });

  it("40002 for malformed, millisecond and skewed timestamps — the window follows the tenant's virtual clock", async () => {
    const t = sim.tenant();
    const bad = await ping({ ...tif(t), "x-tif-timestamp": "yesterday" });
    expect(bad.json()).toMatchObject({ errcode: 40002, _diagnostics: [{ rule: "x-tif.timestamp-format" }] });
    const ms = tif(t);
    const msRes = await ping({ ...ms, "x-tif-timestamp": String(t.clock.now()) });
    expect(msRes.json()._diagnostics[0].rule).toBe("x-tif.timestamp-seconds");

    t.clock.freeze(Date.parse("2026-03-01T00:00:00Z"));
    const signedAt = t.clock.now();
    t.clock.advance(180_000);
    expect((await ping(tif(t, { now: signedAt }))).statusCode).toBe(200); // exactly 180 s: inside
    t.clock.advance(1_000);
    const late = await ping(tif(t, { now: signedAt }));
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ errcode: 40002, _diagnostics: [{ rule: "x-tif.timestamp-window" }] });
    expect(late.json()._diagnostics[0].message).toContain("-181");
    // a client clock ahead of the gateway is refused too
    expect((await ping(tif(t, { now: t.clock.now() + 181_000 }))).json().errcode).toBe(40002);
  });

  it("after a clock change the window follows the tenant's clock alone: a replayed call is refused, the hint says how to sign", async () => {
    const t = sim.tenant();
    const captured = tif(t); // a call captured in transit, then replayed after the tenant's clock moved past its nonce window
    expect((await ping(captured)).statusCode).toBe(200);
    t.clock.advance(601_000);
    const replay = await ping(captured);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ errcode: 40002, _diagnostics: [{ rule: "x-tif.timestamp-window" }] });
    expect(replay.json()._diagnostics[0].hint).toContain(`GET /_gatesim/tenants/${t.tenant.paasid}/clock`);
    // real time is no longer accepted once the clock moved; the tenant's time is
    expect((await ping(tif(t, { now: Date.now() }))).json().errcode).toBe(40002);
    expect((await ping(tif(t))).statusCode).toBe(200);
  });

  it("40003 for a nonce reused within 600 s; usable again after, by the virtual clock; per paasid", async () => {
    const t = sim.tenant();
    t.clock.freeze(Date.parse("2026-03-01T00:00:00Z"));
    const first = tif(t, { nonce: "18bcfe56800-3e8a1f" });
    expect((await ping(first)).statusCode).toBe(200);
    const replay = await ping(first);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({
      errcode: 40003,
      _diagnostics: [{ location: "/headers/x-tif-nonce", seen: "18bcfe56800-3e8a1f" }],
    });
    t.clock.advance(599_000);
    expect((await ping(tif(t, { nonce: "18bcfe56800-3e8a1f" }))).json().errcode).toBe(40003);
    t.clock.advance(2_000);
    expect((await ping(tif(t, { nonce: "18bcfe56800-3e8a1f" }))).statusCode).toBe(200);
    // another app may use the same nonce
    expect((await ping(tif(sim.tenant("C90-44050002"), { nonce: "18bcfe56800-3e8a1f" }))).statusCode).toBe(200);
  });

  it("a refused signature does not burn the nonce", async () => {
    const t = sim.tenant();
    const h = tif(t, { nonce: "fresh-nonce-1" });
    expect((await ping({ ...h, "x-tif-signature": "0".repeat(64) })).json().errcode).toBe(40004);
    expect((await ping(h)).statusCode).toBe(200);
  });

  it("40004 for a wrong signature, with a diagnosis of the usual mistakes and never the expected value", async () => {
    const t = sim.tenant();
    const h = tif(t);
    const ts = h["x-tif-timestamp"],
      nonce = h["x-tif-nonce"],
      tok = t.tenant.paasToken;
    const { createHash } = await import("node:crypto");
    const wrongOrder = createHash("sha256")
      .update(ts + nonce + tok + ts)
      .digest("hex");
    const res = await ping({ ...h, "x-tif-signature": wrongOrder });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.errcode).toBe(40004);
    expect(body._diagnostics[0].hint).toContain("wrong order: nonce before token");
    expect(res.body).not.toContain(h["x-tif-signature"]);
    expect(res.body).not.toContain(tok);
    const otherToken = signedHeaders(t.tenant.paasid, "f".repeat(32), { now: t.clock.now() });
    expect((await ping(otherToken)).json()._diagnostics[0].hint).toContain(t.tenant.paasid);
    expect((await ping({ ...h, "x-tif-signature": "abc" })).json()._diagnostics[0].hint).toContain("64 hex");
  });

  it("40004 for lower-case hex on GatewayMsg routes when the app is in strict upper-case mode, only there", async () => {
    const t = sim.tenant("stdemo_upper");
    const lower = await invoke(tif(t, { serviceId: "C0000000000001" }));
    expect(lower.json()).toMatchObject({ errcode: 40004, _diagnostics: [{ rule: "x-tif.signature-case" }] });
    expect((await invoke(tif(t, { serviceId: "C0000000000001", upper: true }))).statusCode).toBe(200);
    expect((await ping(tif(t))).statusCode).toBe(200); // 智能网关 route: any case
  });

  it("40101 for an unknown paasid", async () => {
    const res = await ping(signedHeaders("nobody", "x".repeat(32)));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      errcode: 40101,
      _diagnostics: [{ location: "/headers/x-tif-paasid", seen: "nobody" }],
    });
  });

  it("40301 for a serviceId not granted; 40402 for one nobody provides", async () => {
    const created = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants",
      headers: admin,
      payload: { paasid: "C90-44059999", name: "受限应用", serviceIds: ["D1593589959893"] },
    });
    expect(created.statusCode).toBe(201);
    const t = sim.tenant("C90-44059999");
    const res = await invoke(tif(t, { serviceId: "C0000000000001" }));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ errcode: 40301, _diagnostics: [{ seen: "C0000000000001" }] });
    const unknown = await invoke(tif(sim.tenant(), { serviceId: "C0000000000002" }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ errcode: 40402 });
    expect(unknown.json()._diagnostics[0].hint).toContain("C0000000000001");
  });

  it("40302 for a caller outside the IP allow-list (CIDR)", async () => {
    await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants",
      headers: admin,
      payload: { paasid: "ipapp", name: "IP 白名单", ipAllowList: ["10.0.0.0/8"] },
    });
    const t = sim.tenant("ipapp");
    const res = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: tif(t),
      remoteAddress: "192.168.1.5",
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ errcode: 40302, _diagnostics: [{ seen: "192.168.1.5" }] });
    const ok = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: tif(t),
      remoteAddress: "10.2.3.4",
    });
    expect(ok.statusCode).toBe(200);
  });

  it("strict-envelope mode drops _diagnostics but keeps the trace id header", async () => {
    const strict = await makeSim({ overrides: { strictEnvelope: true } });
    const res = await strict.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { "x-tif-paasid": "C90-44050001" },
    });
    expect(res.json()).toEqual({ errcode: 40001, errmsg: expect.any(String), data: null });
    expect(res.headers["x-gatesim-trace-id"]).toBeTruthy();
    // a refusal a handler builds itself (identity's userinfo, RFC 6750 challenge): no extensions either
    const ui = await strict.app.inject({
      method: "GET",
      url: "/oidc/userinfo",
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(ui.statusCode).toBe(401);
    expect(ui.headers["www-authenticate"]).toContain("invalid_token");
    expect(Object.keys(ui.json()).sort()).toEqual(["error", "error_description"]);
    // and the same call without strict mode explains itself
    const loose = await sim.app.inject({
      method: "GET",
      url: "/oidc/userinfo",
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(loose.json()).toMatchObject({
      error: "invalid_token",
      _diagnostics: expect.any(Array),
      _trace_id: expect.any(String),
    });
  });
});
