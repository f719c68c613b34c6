// gatesim proxy: forwards to an upstream test server, reports the contract violations of both directions, records
// fixtures — and the simulator replays them through the replay step.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STEPS } from "../../gateway/app.js";
import { buildProxy, proxyCommand, type Fixture, type ValidatingProxy } from "../../gateway/tools/validating-proxy.js";
import { loadFixtures, withReplay } from "../../gateway/tools/replay-step.js";
import { makeSim, tif } from "../helpers.js";

let upstream: Server;
let upstreamUrl = "";
const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
const ECHO_OK = { errcode: 0, errmsg: "ok", data: { paasid: "recorded-upstream", serverTime: 1700000000 } };

beforeAll(async () => {
  // a stand-in for the provincial test environment: a right ping, an echo that breaks its contract, 404 elsewhere
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader("content-type", "application/json; charset=utf-8");
      const path = req.url!.split("?")[0];
      if (path === "/ebus/gatesim/ping" || path === "/GatewayMsg/http/api/proxy/invoke")
        return void res.end(JSON.stringify(ECHO_OK));
      if (path === "/ebus/gatesim/echo") return void res.end(JSON.stringify({ errcode: "0", errmsg: "ok" }));
      res.statusCode = 404;
      res.end(JSON.stringify({ errcode: 40401, errmsg: "not found", data: null }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const signed = {
  "x-tif-paasid": "C90-44050001",
  "x-tif-timestamp": "1700000000",
  "x-tif-nonce": "n-1",
  "x-tif-signature": "a".repeat(64),
};

describe("gatesim proxy", () => {
  let proxy: ValidatingProxy;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatesim-proxy-"));
    proxy = buildProxy({ upstream: upstreamUrl, record: dir });
    await proxy.app.ready();
  });
  afterAll(async () => {
    await proxy.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("forwards a right call unchanged and reports nothing", async () => {
    const res = await proxy.app.inject({ method: "GET", url: "/ebus/gatesim/ping?x=1", headers: signed });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(ECHO_OK);
    expect(res.headers["x-gatesim-contract-violations"]).toBeUndefined();
    expect(seen.at(-1)).toMatchObject({
      method: "GET",
      url: "/ebus/gatesim/ping?x=1",
      headers: { "x-tif-signature": "a".repeat(64), "x-tif-paasid": "C90-44050001" },
    });
    expect(seen.at(-1)!.headers.host).toBe(upstreamUrl.replace("http://", ""));
  });

  it("reports violations of both directions, still forwarding; the journal lists them", async () => {
    const res = await proxy.app.inject({
      method: "POST",
      url: "/ebus/gatesim/echo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ case_no: "1" }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ errcode: "0", errmsg: "ok" }); // the upstream's answer, untouched
    expect(Number(res.headers["x-gatesim-contract-violations"])).toBe(7);
    const j = (await proxy.app.inject({ method: "GET", url: "/_gatesim/proxy/journal?violations=true" })).json();
    const e = j.entries.find((x: { operationId: string }) => x.operationId === "gatewayEbusEcho");
    expect(
      e.violations.map((v: { location: string; rule: string }) => `${v.location} ${v.rule.split(" ")[0]}`).sort(),
    ).toEqual([
      "/headers/x-tif-nonce x-tif.header-required",
      "/headers/x-tif-paasid x-tif.header-required",
      "/headers/x-tif-signature x-tif.header-required",
      "/headers/x-tif-timestamp x-tif.header-required",
      "/response/body/data required",
      "/response/body/errcode const",
      "/response/body/errcode type",
    ]);
  });

  it("matches GatewayMsg services by x-tif-serviceId and flags what no contract has", async () => {
    const gm = await proxy.app.inject({
      method: "POST",
      url: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...signed, "x-tif-serviceId": "C0000000000001", "content-type": "application/json" },
      payload: "{}",
    });
    expect(gm.statusCode).toBe(200);
    const none = await proxy.app.inject({ method: "GET", url: "/ebus/nowhere" });
    expect(none.statusCode).toBe(404);
    expect(none.headers["x-gatesim-contract-violations"]).toBe("1");
    const bad = await proxy.app.inject({
      method: "POST",
      url: "/ebus/gatesim/echo",
      headers: { ...signed, "content-type": "application/json" },
      payload: "{oops",
    });
    expect(bad.statusCode).toBe(200);
    const j = (await proxy.app.inject({ method: "GET", url: "/_gatesim/proxy/journal" })).json();
    const [last, mid, first] = j.entries;
    expect(first).toMatchObject({ operationId: "gatewayInvokePing", serviceId: "C0000000000001", status: 200 });
    expect(first.violations).toBeUndefined();
    expect(mid).toMatchObject({ operationId: null, violations: [{ rule: "route.exists" }] });
    expect(last.violations[0]).toMatchObject({ location: "/body", rule: "body.parse" });
  });

  it("answers 502 in the gateway envelope when the upstream is down", async () => {
    const down = buildProxy({ upstream: "http://127.0.0.1:1" });
    const res = await down.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: signed });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ errcode: 50201 });
    await down.app.close();
  });

  it("records each exchange as a fixture (secrets redacted) that the simulator replays", async () => {
    const files = readdirSync(dir).sort();
    expect(files[0]).toBe("00001-gatewayEbusPing.json");
    expect(files).toContain("00004-unmatched.json");
    const f = JSON.parse(readFileSync(join(dir, files[0]), "utf8")) as Fixture;
    expect(f).toMatchObject({
      gatesimFixture: 1,
      operationId: "gatewayEbusPing",
      request: { method: "GET", path: "/ebus/gatesim/ping", query: { x: "1" } },
      response: { status: 200, body: ECHO_OK, bodyEncoding: "json" },
    });
    const withAuth = await proxy.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...signed, authorization: "Bearer secret-token-value" },
    });
    expect(withAuth.statusCode).toBe(200);
    expect(readFileSync(join(dir, readdirSync(dir).sort().at(-1)!), "utf8")).not.toContain("secret-token-value");

    // `gatesim start --replay <dir>` builds the app with these steps
    const sim = await makeSim({ steps: withReplay(DEFAULT_STEPS, loadFixtures(dir)) });
    const t = sim.tenant();
    const r = await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(t) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(ECHO_OK);
    expect(r.headers["x-gatesim-replayed"]).toBe(f.recordedAt);
    // the gateway still authenticates: a bad signature never reaches the recording
    const refused = await sim.app.inject({
      method: "GET",
      url: "/ebus/gatesim/ping",
      headers: { ...tif(t), "x-tif-signature": "0".repeat(64) },
    });
    expect(refused.json().errcode).toBe(40004);
    // operations without a recording are answered as usual
    const echo = await sim.app.inject({ method: "POST", url: "/ebus/gatesim/notice", headers: tif(t) });
    expect(echo.statusCode).not.toBe(500);
    await sim.app.close();
  });

  it("the command refuses a missing or malformed upstream", async () => {
    const err: string[] = [];
    expect(
      await proxyCommand(["--upstream", "ftp://x", "--port", "x"], {
        stdout: () => {},
        stderr: (s) => void err.push(s),
        env: {},
      }),
    ).toBe(2);
    expect(err.join("")).toMatch(/--upstream 必填，http\(s\) 地址[\s\S]*--port 应为整数/);
  });
});
