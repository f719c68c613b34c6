// The HTTP thread (gateway/http-thread.ts) must answer exactly as the one-thread server does: the same requests, sent
// over real sockets to one server of each kind, get the same status, content type and body (trace ids and clock
// readings aside), and state — nonces, journals — lives where it always did.
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnHttpThread } from "../../gateway/http-thread.js";
import { startSimulator, type StartedSimulator } from "../../gateway/index.js";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";
import { makeSim } from "../helpers.js";
import { testDir } from "../temp-dir.js";

const ADMIN = "thread-admin-token-0000";
let threaded: StartedSimulator;
let single: StartedSimulator;

beforeAll(async () => {
  [threaded, single] = await Promise.all([
    startSimulator({ config: { httpThread: true, adminToken: ADMIN, bodyLimitBytes: 4096 } }),
    startSimulator({ config: { httpThread: false, adminToken: ADMIN, bodyLimitBytes: 4096 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([threaded?.close(), single?.close()]);
});

type Req = {
  method?: "GET" | "POST" | "HEAD" | "PUT";
  path: string;
  headers?: Record<string, string> | string[];
  body?: string | Buffer;
};

async function send(sim: StartedSimulator, r: Req) {
  const res = await request(`${sim.url}${r.path}`, { method: r.method ?? "GET", headers: r.headers, body: r.body });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes };
}

/** The body with what differs between two servers by design (trace ids, clock readings, their ports) set aside. */
function comparable(bytes: Buffer, contentType: unknown): unknown {
  const text = bytes
    .toString("utf8")
    .replace(/\b[0-9a-f]{6}-[0-9a-z]+\b/g, "<trace>")
    .replace(/127\.0\.0\.1:\d+/g, "<host>");
  if (!String(contentType).includes("json") || text === "") return text;
  return JSON.parse(text, (k, v) => (k === "serverTime" || k === "time" || k === "uptimeSec" ? typeof v : v));
}

let nonces = 0;
/** Send the request built for each server (signatures are per server, the nonce is shared) to both; expect the same
 *  answer. */
async function same(build: (sim: StartedSimulator, nonce: string) => Req) {
  const nonce = `same-${++nonces}`;
  const [a, b] = await Promise.all([send(threaded, build(threaded, nonce)), send(single, build(single, nonce))]);
  expect(a.status).toBe(b.status);
  expect(a.headers["content-type"]).toBe(b.headers["content-type"]);
  expect(typeof a.headers["x-gatesim-trace-id"]).toBe(typeof b.headers["x-gatesim-trace-id"]);
  expect(comparable(a.bytes, a.headers["content-type"])).toEqual(comparable(b.bytes, b.headers["content-type"]));
  return a;
}

const ECHO = "C0000000000001";
const json = { "content-type": "application/json" };
const signed = (sim: StartedSimulator, o: { serviceId?: string; nonce?: string } = {}) => sim.apps[0].sign(o);

describe("the HTTP thread answers as the one-thread server", () => {
  it("contract operations: validated GET, signed GET and POST, and their refusals", async () => {
    expect((await same(() => ({ path: "/gatesim/v1/identifiers/gb11643-id/11010519491231002X" }))).status).toBe(200);
    expect((await same(() => ({ path: "/gatesim/v1/identifiers/gb11643-id/110105194912310021" }))).status).toBe(200);
    expect((await same(() => ({ path: "/gatesim/v1/identifiers/id-number/1" }))).status).toBe(400);
    expect((await same((s, nonce) => ({ path: "/ebus/gatesim/ping", headers: signed(s, { nonce }) }))).status).toBe(
      200,
    );
    const echo = await same((s, nonce) => ({
      method: "POST",
      path: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...signed(s, { serviceId: ECHO, nonce }), ...json },
      body: JSON.stringify({ 查询: "汕头", n: [1, 2] }),
    }));
    expect(JSON.parse(echo.bytes.toString()).data.body).toEqual({ 查询: "汕头", n: [1, 2] });
    expect(
      (
        await same((s, nonce) => ({
          path: "/ebus/gatesim/ping",
          headers: { ...signed(s, { nonce }), "x-tif-signature": "0".repeat(64) },
        }))
      ).status,
    ).toBe(400);
    expect((await same(() => ({ path: "/ebus/gatesim/ping" }))).status).toBe(400);
    // HEAD on a GET operation: the same status and headers, no body
    const head = await same(() => ({ method: "HEAD", path: "/gatesim/v1/identifiers/gb11643-id/11010519491231002X" }));
    expect(head.bytes.length).toBe(0);
  });

  it("a replayed nonce is refused by the thread's server too (nonces stay on the main thread)", async () => {
    const h = signed(threaded, { nonce: "thread-replay-1" });
    expect((await send(threaded, { path: "/ebus/gatesim/ping", headers: h })).status).toBe(200);
    const again = await send(threaded, { path: "/ebus/gatesim/ping", headers: h });
    expect(again.status).toBe(400);
    expect(JSON.parse(again.bytes.toString())).toMatchObject({ errcode: 40003 });
  });

  it("a header sent twice is seen twice (raw headers cross the thread)", async () => {
    const res = await same((s, nonce) => {
      const h = signed(s, { nonce });
      return { path: "/ebus/gatesim/ping", headers: [...Object.entries(h).flat(), "x-tif-nonce", h["x-tif-nonce"]] };
    });
    expect(JSON.parse(res.bytes.toString())).toMatchObject({
      errcode: 40001,
      _diagnostics: [{ rule: "x-tif.header-duplicated" }],
    });
  });

  it("bodies refused before the handler: bad JSON, bad UTF-8, prototype poisoning, too large, form and text bodies", async () => {
    const post = (s: StartedSimulator, nonce: string, body: string | Buffer, type = "application/json") => ({
      method: "POST" as const,
      path: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...signed(s, { serviceId: ECHO, nonce }), "content-type": type },
      body,
    });
    expect((await same((s, n) => post(s, n, '{"a":'))).status).toBe(400);
    expect(
      (await same((s, n) => post(s, n, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))))
        .status,
    ).toBe(400);
    expect((await same((s, n) => post(s, n, '{"__proto__":{"x":1}}'))).status).toBe(400);
    expect((await same((s, n) => post(s, n, JSON.stringify({ pad: "x".repeat(5000) })))).status).toBe(413);
    await same((s, n) => post(s, n, "a=1&a=2&b=汕头", "application/x-www-form-urlencoded"));
    await same((s, n) => post(s, n, "纯文本 plain", "text/plain"));
    await same((s, n) => post(s, n, Buffer.from([1, 2, 3]), "application/octet-stream"));
    // identity's token endpoint takes forms
    expect(
      (
        await same(() => ({
          method: "POST",
          path: "/tif/sso/connect/page/oauth2/access_token",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "grant_type=authorization_code&code=nope&client_id=x&client_secret=y",
        }))
      ).status,
    ).toBeGreaterThanOrEqual(400);
  });

  it("pages and near misses: landing page, /docs, unknown paths and methods", async () => {
    const landing = await same(() => ({ path: "/" }));
    expect(landing.bytes.toString()).toContain("C90-44050001");
    expect((await same(() => ({ path: "/docs" }))).status).toBe(200);
    const contract = await same(() => ({ path: "/docs/contracts/gateway.json" }));
    expect(contract.status).toBe(200);
    expect(JSON.parse(contract.bytes.toString()).openapi).toBe("3.1.0");
    const miss = await same(() => ({ path: "/ebus/gatesim/pong" }));
    expect(miss.status).toBe(404);
    expect(JSON.parse(miss.bytes.toString())._diagnostics[0].hint).toContain("/ebus/gatesim/ping");
    expect((await same(() => ({ method: "PUT", path: "/ebus/gatesim/ping" }))).status).toBe(405);
    expect((await same(() => ({ path: "/_gatesim/health" }))).status).toBe(200);
  });

  it("scenarios: an error forced by header, and a connection reset closes the socket without an answer", async () => {
    expect(
      (
        await same((s, nonce) => ({
          path: "/ebus/gatesim/ping",
          headers: { ...signed(s, { nonce }), "x-gatesim-scenario": "gateway.rate-limited" },
        }))
      ).status,
    ).toBe(429);
    for (const sim of [threaded, single])
      await expect(
        send(sim, {
          path: "/ebus/gatesim/ping",
          headers: { ...signed(sim), "x-gatesim-scenario": "gateway.connection-reset" },
        }),
      ).rejects.toThrow();
    // the server still serves
    expect((await send(threaded, { path: "/_gatesim/health" })).status).toBe(200);
  });

  it("the journal records what the thread served; the admin plane works through it", async () => {
    const h = signed(threaded);
    await send(threaded, { path: "/ebus/gatesim/ping", headers: { ...h, "user-agent": "thread-journal-test" } });
    const j = await send(threaded, {
      path: "/_gatesim/tenants/C90-44050001/journal?operationId=gatewayEbusPing",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(j.status).toBe(200);
    const entries = JSON.parse(j.bytes.toString()).entries as {
      request: { headers: Record<string, string> };
      status: number;
    }[];
    expect(entries.some((e) => e.request.headers["user-agent"] === "thread-journal-test" && e.status === 200)).toBe(
      true,
    );
    expect(
      (await send(threaded, { path: "/_gatesim/tenants", headers: { authorization: "Bearer wrong-token-000000" } }))
        .status,
    ).toBe(401);
  });
});

describe("the caller's address crosses the thread", () => {
  it("an IP allow-list refuses 127.0.0.1 alike (40302, naming the address)", async () => {
    const created = await Promise.all(
      [threaded, single].map(async (sim) => {
        const r = await send(sim, {
          method: "POST",
          path: "/_gatesim/tenants",
          headers: { authorization: `Bearer ${ADMIN}`, ...json },
          body: JSON.stringify({ paasid: "ipapp", name: "IP 白名单", ipAllowList: ["10.0.0.0/8"] }),
        });
        expect(r.status).toBe(201);
        return JSON.parse(r.bytes.toString()) as { paasToken: string };
      }),
    );
    const tokens = new Map([
      [threaded, created[0].paasToken],
      [single, created[1].paasToken],
    ]);
    const res = await same((s, nonce) => ({
      path: "/ebus/gatesim/ping",
      headers: signedHeaders("ipapp", tokens.get(s)!, { nonce }),
    }));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.bytes.toString())).toMatchObject({ errcode: 40302, _diagnostics: [{ seen: "127.0.0.1" }] });
  });
});

describe("the HTTP thread's life", () => {
  it("a port in use is refused at start, as listen() would; close() stops serving", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startSimulator({ config: { httpThread: true, port } })).rejects.toMatchObject({
        code: "EADDRINUSE",
      });
    } finally {
      blocker.close();
    }
    const sim = await startSimulator({ config: { httpThread: true } });
    expect((await send(sim, { path: "/_gatesim/health" })).status).toBe(200);
    await sim.close();
    await expect(send(sim, { path: "/_gatesim/health" })).rejects.toThrow();
  });
});

describe("an HTTP thread that dies", () => {
  it("is reported (fatal log line, onExit with its code) instead of passing unnoticed", async () => {
    // a worker that says it listens, then ends as a crash would
    const script = join(testDir("gatesim-thread-"), "dying-worker.mjs");
    writeFileSync(
      script,
      `import { parentPort } from "node:worker_threads";
parentPort.on("message", (m) => { if (m.type === "serve") { parentPort.postMessage({ type: "listening", port: 1 }); setTimeout(() => process.exit(7), 20); } });`,
    );
    const sim = await makeSim();
    const fatal: unknown[] = [];
    const log = {
      ...sim.runtime.log,
      fatal: (...a: unknown[]) => void fatal.push(a),
      error: () => {},
    } as unknown as typeof sim.runtime.log;
    const exited = new Promise<number>((resolve) => {
      void spawnHttpThread(sim.runtime.config, sim.runtime.table, pathToFileURL(script)).serve(sim, {
        host: "127.0.0.1",
        port: 0,
        log,
        onExit: resolve,
      });
    });
    expect(await exited).toBe(7);
    expect(JSON.stringify(fatal)).toContain("http thread exited");
    await sim.app.close();
  });
});
