// Requests a hostile or broken client sends get an answer, in the platform's envelope, in both thread modes: bodies
// nested too deep, uploads over the limit, records that fail to cross between the threads, requests nobody answers.
// Also: a tenant's fault rules never reach its control plane, and its clock cannot be moved out of range.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pino from "pino";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_STEPS, type Simulator } from "../../gateway/app.js";
import { spawnHttpThread } from "../../gateway/http-thread.js";
import { startSimulator, type StartedSimulator } from "../../gateway/index.js";
import type { Step } from "../../gateway/pipeline/exchange.js";
import { sendRaw } from "../fuzz/raw-http.js";
import { admin, makeSim, tif } from "../helpers.js";

const ADMIN = "hostile-admin-token-0000";
const ECHO = "C0000000000001";
const INVOKE = "/GatewayMsg/http/api/proxy/invoke";
let threaded: StartedSimulator;
let single: StartedSimulator;
const modes = () =>
  [
    ["HTTP thread", threaded],
    ["one thread", single],
  ] as const;

beforeAll(async () => {
  [threaded, single] = await Promise.all([
    startSimulator({ config: { httpThread: true, adminToken: ADMIN, bodyLimitBytes: 64 * 1024 } }),
    startSimulator({ config: { httpThread: false, adminToken: ADMIN, bodyLimitBytes: 64 * 1024 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([threaded?.close(), single?.close()]);
});

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** A signed GatewayMsg echo with this body; the client gives up after `ms` (the bound the answer must come within). */
async function echo(sim: StartedSimulator, body: string, ms = 1000) {
  const res = await request(`${sim.url}${INVOKE}`, {
    method: "POST",
    headers: { ...sim.apps[0].sign({ serviceId: ECHO }), "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(ms),
  });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as any };
}

describe("JSON nested deeper than jsonMaxDepth", () => {
  for (const depth of [100, 2000, 10000])
    it(`depth ${depth}: 40006 with the limit named, in both modes, within 1 s`, async () => {
      for (const [, sim] of modes()) {
        const r = await echo(sim, `{"q":${nested(depth)}}`);
        expect(r.status).toBe(400);
        expect(r.json).toMatchObject({
          errcode: 40006,
          _diagnostics: [{ location: "/body", rule: "body.json-depth" }],
        });
        expect(r.json._diagnostics[0].message).toContain("64");
        expect(r.json._diagnostics[0].hint).toContain("jsonMaxDepth");
        expect(r.headers["x-gatesim-trace-id"]).toBeTruthy();
      }
    });

  it("a body exactly at the limit is accepted, and brackets inside strings do not count", async () => {
    for (const [, sim] of modes()) {
      expect((await echo(sim, `{"q":${nested(63)}}`)).status).toBe(200);
      expect((await echo(sim, JSON.stringify({ q: "[".repeat(5000) + '{"}' }))).status).toBe(200);
    }
  });

  it("the nonce of a refused deep body is not spent, and nothing reaches the journal as a success", async () => {
    const sim = single;
    const headers = { ...sim.apps[0].sign({ serviceId: ECHO }), "content-type": "application/json" };
    const deep = await request(`${sim.url}${INVOKE}`, { method: "POST", headers, body: nested(500) });
    expect(deep.statusCode).toBe(400);
    await deep.body.dump();
    const ok = await request(`${sim.url}${INVOKE}`, { method: "POST", headers, body: "{}" });
    expect(ok.statusCode).toBe(200); // same signed headers: the refused body never got to the nonce check
    await ok.body.dump();
  });
});

/** Write an upload as fast as the socket takes it, without waiting for the answer; what comes back before close. */
function rawUpload(sim: StartedSimulator, bytes: number): Promise<string> {
  const { port } = new URL(sim.url);
  return new Promise((resolve) => {
    const s = connect(Number(port), "127.0.0.1", () => {
      s.write(
        `POST /ebus/gatesim/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += chunk.length;
          if (!s.write(sent > bytes ? chunk.subarray(0, chunk.length - (sent - bytes)) : chunk))
            return void s.once("drain", pump);
        }
      };
      pump();
    });
    let got = "";
    s.on("data", (d) => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n") && got.includes("}")) s.destroy();
    });
    s.on("error", () => {}); // an EPIPE / ECONNRESET is what the test is about: judged by what arrived
    s.on("close", () => resolve(got));
  });
}

describe("an upload over bodyLimitBytes", () => {
  it("gets its 41301 before the socket closes, even while the client is still sending", async () => {
    for (const [, sim] of modes()) {
      const got = await rawUpload(sim, 2 * 1024 * 1024);
      expect(got).toMatch(/^HTTP\/1\.1 413/);
      expect(got).toContain('"errcode":41301');
    }
  });
});

describe("a path that cannot be percent-decoded", () => {
  it("gets 40005 in the gateway's envelope naming /path, before the socket closes, with a body still arriving", async () => {
    for (const [, sim] of modes()) {
      const { port } = new URL(sim.url);
      const body = Buffer.from(JSON.stringify({ a: "x".repeat(60 * 1024) }));
      const a = await sendRaw(
        Number(port),
        { method: "PUT", path: "/_gatesim/tenants/%ZZ/clock", headers: [["content-type", "application/json"]], body },
        2000,
      );
      expect(a.status).toBe(400);
      const json = JSON.parse(a.body.toString());
      expect(json).toMatchObject({
        errcode: 40005,
        _diagnostics: [{ location: "/path", rule: "gateway.url-encoding" }],
      });
      expect(json._diagnostics[0].hint).toContain("encodeURIComponent");
      expect(a.headers["x-gatesim-trace-id"]).toBeTruthy();
    }
  });
});

describe("a request Node's HTTP parser refuses", () => {
  const raw = async (sim: StartedSimulator, path: string, headers: [string, string][]) => {
    const a = await sendRaw(Number(new URL(sim.url).port), { method: "GET", path, headers }, 2000);
    return { ...a, json: JSON.parse(a.body.toString() || "null") };
  };

  it("a NUL inside a header: 40007 in the gateway's envelope, both modes", async () => {
    for (const [, sim] of modes()) {
      const a = await raw(sim, "/ebus/eseal/v1/seal-types", [["x-note", "a\u0000b"]]);
      expect(a.status).toBe(400);
      expect(a.json).toMatchObject({ errcode: 40007, _diagnostics: [{ rule: "http.parse" }] });
      expect(a.json.errmsg).toContain("malformed HTTP request");
      expect(a.headers["x-gatesim-trace-id"]).toBe(a.json._trace_id);
    }
  });

  it("a request line over 16 KiB: 43101 naming the limit and where long values go", async () => {
    for (const [, sim] of modes()) {
      const a = await raw(sim, `/ebus/eseal/v1/seals?q=${"x".repeat(20_000)}`, []);
      expect(a.status).toBe(431);
      expect(a.json).toMatchObject({
        errcode: 43101,
        _diagnostics: [{ location: "/headers", rule: "http.header-size" }],
      });
      expect(a.json._diagnostics[0].hint).toContain("body");
    }
  });
});

describe("a request that fails to cross between the threads", () => {
  const faultyDir = mkdtempSync(join(tmpdir(), "gatesim-faulty-"));
  afterAll(() => rmSync(faultyDir, { recursive: true, force: true }));
  /** The real HTTP thread, with parentPort.postMessage failing (throws) or losing (drops) chosen requests. */
  function faultyWorker(): URL {
    const real = pathToFileURL(
      fileURLToPath(new URL("../../dist/gateway/http-thread-worker.js", import.meta.url)),
    ).href;
    const script = join(faultyDir, "faulty-worker.mjs");
    writeFileSync(
      script,
      `import { parentPort } from "node:worker_threads";
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (m) => {
  if (m && m.kind === "route" && String(m.url).includes("fault=throw")) throw new Error("could not be cloned (injected)");
  if (m && m.kind === "route" && String(m.url).includes("fault=lose")) return; // lost on the way, as a failed deserialisation is
  return post(m);
};
await import(${JSON.stringify(real)});
`,
    );
    return pathToFileURL(script);
  }

  let sim: Simulator & { tenant: (p?: string) => ReturnType<Simulator["runtime"]["tenants"]["get"]> };
  let url: string;
  let close: () => Promise<void>;
  const logged: string[] = [];
  beforeAll(async () => {
    const log = pino({ level: "error" }, { write: (line: string) => void logged.push(line) });
    sim = (await makeSim({ logger: log, overrides: { scenarioTimeoutMs: 300 } })) as typeof sim;
    const thread = await spawnHttpThread(sim.runtime.config, sim.runtime.table, faultyWorker()).serve(sim, {
      host: "127.0.0.1",
      port: 0,
      log,
    });
    url = `http://127.0.0.1:${thread.port}`;
    close = async () => {
      await thread.close();
      await sim.app.close();
    };
  });
  afterAll(() => close?.());

  it("a record that cannot be posted is answered 500 (50001) with the reason, not dropped", async () => {
    const res = await request(`${url}/ebus/gatesim/echo?fault=throw`, {
      method: "POST",
      headers: { ...tif(sim.tenant()!), "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.body.json()) as any;
    expect(res.statusCode).toBe(500);
    expect(body).toMatchObject({ errcode: 50001, _diagnostics: [{ rule: "gatesim.hand-over" }] });
    expect(body._diagnostics[0].message).toContain("injected");
    expect(logged.join("")).toContain(String(res.headers["x-gatesim-trace-id"]));
  });

  it("a record lost on the way is answered 504 (50401) once scenarioTimeoutMs has passed, and logged with its trace id", async () => {
    const res = await request(`${url}/ebus/gatesim/echo?fault=lose`, {
      method: "POST",
      headers: { ...tif(sim.tenant()!), "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.body.json()) as any;
    expect(res.statusCode).toBe(504);
    expect(body).toMatchObject({ errcode: 50401, _diagnostics: [{ rule: "gateway.answer-timeout" }] });
    const trace = String(res.headers["x-gatesim-trace-id"]);
    expect(body._trace_id).toBe(trace);
    await vi.waitFor(() => expect(logged.join("")).toContain(trace)); // the thread tells the main thread, which logs
  });

  it("a forced hang is left to its scenario: the connection closes without a 504", async () => {
    const res = request(`${url}/ebus/gatesim/ping`, {
      headers: { ...tif(sim.tenant()!), "x-gatesim-scenario": "gateway.hang" },
      signal: AbortSignal.timeout(10_000),
    });
    await expect(res).rejects.toThrow(/other side closed|socket|closed/i);
  });
});

describe("a handler that never answers (one thread too)", () => {
  it("is answered 504 (50401) after scenarioTimeoutMs, in the platform's envelope, and logged with its trace id", async () => {
    const logged: string[] = [];
    const hangOnPing: Step = (x) => (x.path === "/ebus/gatesim/ping" ? new Promise<void>(() => {}) : undefined);
    const sim = await makeSim({
      logger: pino({ level: "error" }, { write: (l: string) => void logged.push(l) }),
      overrides: { scenarioTimeoutMs: 200 },
      steps: [...DEFAULT_STEPS.slice(0, -2), hangOnPing, ...DEFAULT_STEPS.slice(-2)],
    });
    const res = await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(sim.tenant()) });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ errcode: 50401, _diagnostics: [{ rule: "gateway.answer-timeout" }] });
    expect(logged.join("")).toContain(res.headers["x-gatesim-trace-id"] as string);
    // other requests are not held by it
    expect((await sim.app.inject({ method: "GET", url: "/_gatesim/health" })).statusCode).toBe(200);
    await sim.app.close();
  });
});

describe("the control plane stays reachable", () => {
  it("a tenant rule matching every path fails its calls, never its own journal, rules or clock", async () => {
    const sim = await makeSim();
    const t = sim.tenant();
    const ctl = { authorization: `Bearer ${t.tenant.controlToken}` };
    const rule = await sim.app.inject({
      method: "POST",
      url: `/_gatesim/tenants/${t.tenant.paasid}/rules`,
      headers: { ...ctl, "content-type": "application/json" },
      payload: { match: { pathPrefix: "/" }, action: { errcode: 50201 } },
    });
    expect(rule.statusCode).toBeLessThan(300);
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(t) })).json().errcode).toBe(
      50201,
    );
    for (const path of ["journal", "journal/export", "rules", "clock"])
      expect(
        (await sim.app.inject({ method: "GET", url: `/_gatesim/tenants/${t.tenant.paasid}/${path}`, headers: ctl }))
          .statusCode,
      ).toBe(200);
    // the scenario header is not applied there either
    expect(
      (
        await sim.app.inject({
          method: "GET",
          url: `/_gatesim/tenants/${t.tenant.paasid}/clock`,
          headers: { ...ctl, "x-gatesim-scenario": "gateway.upstream-unavailable" },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await sim.app.inject({ method: "DELETE", url: `/_gatesim/tenants/${t.tenant.paasid}/rules`, headers: ctl }))
        .statusCode,
    ).toBeLessThan(300);
    expect((await sim.app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: tif(t) })).statusCode).toBe(200);
    await sim.app.close();
  });
});

describe("a tenant's clock stays in range", () => {
  it("advance by 2^53 ms, past the year 2999, or set to the year 9999 is refused (40005) and not applied", async () => {
    const sim = await makeSim();
    const url = "/_gatesim/tenants/C90-44050001/clock";
    const post = (payload: unknown) =>
      sim.app.inject({
        method: "POST",
        url,
        headers: { ...admin, "content-type": "application/json" },
        payload: payload as object,
      });
    const before = (await sim.app.inject({ method: "GET", url, headers: admin })).json().offsetMs;
    const huge = await post({ action: "advance", ms: 9007199254740991 });
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({ errcode: 40005, _diagnostics: [{ location: "/body/ms" }] });
    for (let i = 0; i < 9; i++) expect((await post({ action: "advance", ms: 3155760000000 })).statusCode).toBe(200);
    const past = await post({ action: "advance", ms: 3155760000000 });
    expect(past.statusCode).toBe(400);
    expect(past.json()._diagnostics[0]).toMatchObject({ rule: "admin.clock.range" });
    expect((await post({ action: "set", at: "9999-01-01T00:00:00Z" })).json()).toMatchObject({
      errcode: 40005,
      _diagnostics: [{ location: "/body/at" }],
    });
    // every later read works; reset brings the clock back
    for (const path of ["clock", "journal", "journal/export"])
      expect(
        (await sim.app.inject({ method: "GET", url: `/_gatesim/tenants/C90-44050001/${path}`, headers: admin }))
          .statusCode,
      ).toBe(200);
    expect((await post({ action: "reset" })).json().offsetMs).toBe(before);
    await sim.app.close();
  });
});
