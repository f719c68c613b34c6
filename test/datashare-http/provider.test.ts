// Department providers hooked by URL (issue 6 item 5): a real HTTP server in the test answers right, wrong, slowly or
// not at all; gatesim signs its calls (facts §1.5) and reports violations to both sides.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyTifBackendSignature } from "../../mocks/gateway/tif-signature.js";
import { T0, body, foodInspectionEntry, makeDsSim, type DsSim } from "./helpers.js";

let w: DsSim;
let server: Server | undefined;
const seen: { headers: IncomingMessage["headers"]; body: any }[] = [];

beforeEach(async () => {
  w = await makeDsSim();
  seen.length = 0;
});
afterEach(async () => {
  await w.platform.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});

async function provider(answer: (req: { body: any }, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const b = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      seen.push({ headers: req.headers, body: b });
      answer({ body: b }, res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/share/food-checks`;
}

const json = (res: ServerResponse, status: number, b: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(b));
};

/** stmarket compiles a food-inspection resource; returns the entry. */
async function compiled(): Promise<{ serviceId: string }> {
  return (await w.call("stmarket", "POST", "/ebus/datashare/v1/catalogue", foodInspectionEntry())).json().data;
}

/** stmarket compiles a resource, hooks `url`, dsa is granted it; returns the serviceId. */
async function hooked(url: string, timeoutMs?: number): Promise<string> {
  const e = await compiled();
  const h = await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${e.serviceId}/provider`, {
    url,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  expect(h.json().data.source).toMatchObject({ kind: "url", url });
  // consumers see that the data is live, not the department's address
  expect((await w.call("dsa", "GET", `/ebus/datashare/v1/catalogue/${e.serviceId}`)).json().data.source).toEqual({
    kind: "url",
    hookedAt: new Date(T0).toISOString(),
  });
  await w.call("dsa", "POST", "/ebus/datashare/v1/applications", {
    serviceId: e.serviceId,
    fields: ["TYSHXYDM", "CJRQ", "JL"],
    purpose: "食品经营许可核查",
    itemCode: "11440100696927671X3442011817001",
  });
  return e.serviceId;
}

const uscc = () => w.seed.enterprises.at(3)!.uscc;
const q = (sid: string) => w.query("dsa", sid, body("dsa", { TYSHXYDM: uscc() }, {}, uscc(), "001"));

describe("a provider that answers according to its catalogue", () => {
  it("gets a signed call with the consumer's body, and its rows reach the consumer filtered by the grant", async () => {
    const url = await provider((req, res) =>
      json(res, 200, {
        errcode: 0,
        errmsg: "ok",
        data: { data: [{ TYSHXYDM: req.body.query.TYSHXYDM, CJRQ: "2025-01-03", JL: "合格" }] },
      }),
    );
    const sid = await hooked(url);
    const r = await q(sid);
    expect(r.statusCode).toBe(200);
    expect(r.json().data.data).toEqual([{ TYSHXYDM: uscc(), CJRQ: "2025-01-03", JL: "合格" }]);
    expect(r.json()._diagnostics).toBeUndefined();
    expect(r.headers["x-gatesim-provider-violations"]).toBeUndefined();

    const call = seen[0];
    expect(call.body).toMatchObject({
      system_id: "dsa",
      query: { TYSHXYDM: uscc() },
      audit_info: { operator_name: "陈晓华" },
    });
    expect(call.headers).toMatchObject({ "x-tif-paasid": "dsa", "x-tif-serviceid": sid });
    // the provider verifies with its own token, as tifgo's AuthSign does (upper-case hex, ±180 s)
    const token = w.t("stmarket").tenant.paasToken;
    expect(verifyTifBackendSignature(call.headers as Record<string, string>, token, T0 / 1000)).toBe(true);
    expect(
      verifyTifBackendSignature(call.headers as Record<string, string>, w.t("dsa").tenant.paasToken, T0 / 1000),
    ).toBe(false);
    expect((await w.call("stmarket", "GET", "/ebus/datashare/v1/provider/violations")).json().data.total).toBe(0);
  });
});

describe("a provider that answers outside its catalogue", () => {
  it("usable rows are returned with the violations; the provider finds them in its violation log and audit", async () => {
    const url = await provider((req, res) =>
      json(res, 200, {
        errcode: 0,
        errmsg: "ok",
        data: { data: [{ TYSHXYDM: req.body.query.TYSHXYDM, CJRQ: "2025/01/03", JL: "合格", JCJG: "某检测所" }] },
      }),
    );
    const sid = await hooked(url);
    const r = await q(sid);
    expect(r.statusCode).toBe(200);
    expect(r.headers["x-gatesim-provider-violations"]).toBe("2");
    expect(r.json()._diagnostics.map((d: { location: string; rule: string }) => `${d.location} ${d.rule}`)).toEqual([
      "/data/data/0/CJRQ type:D",
      "/data/data/0/JCJG unknown-item",
    ]);
    expect(r.json().data.data[0]).toMatchObject({ TYSHXYDM: uscc(), JL: "合格" });
    expect(r.json().data.data[0]).not.toHaveProperty("JCJG");

    const v = (await w.call("stmarket", "GET", "/ebus/datashare/v1/provider/violations")).json().data;
    expect(v.items).toMatchObject([
      {
        consumerPaasid: "dsa",
        serviceId: sid,
        errcode: 0,
        violations: [{ location: "/data/data/0/CJRQ" }, { location: "/data/data/0/JCJG" }],
      },
    ]);
    const audit = (await w.call("stmarket", "GET", "/ebus/datashare/v1/audit/provider")).json().data.items;
    expect(audit).toMatchObject([{ id: v.items[0].auditId, providerViolations: 2 }]);
    // a third party learns nothing of it
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/provider/violations")).json().data.total).toBe(0);
    // the consumer's journal carries the event, and so does the provider's (naming the consumer)
    const journal = w.t("dsa").journal.entries();
    expect(journal.some((e) => e.event === "datashare.provider.violation")).toBe(true);
    const mine = w
      .t("stmarket")
      .journal.entries()
      .filter((e) => e.event === "datashare.provider.violation");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      tenant: "stmarket",
      traceId: r.headers["x-gatesim-trace-id"],
      response: { body: { consumerPaasid: "dsa", serviceId: sid, count: 2 } },
    });
    expect(
      w
        .t("dsb")
        .journal.entries()
        .some((e) => e.event === "datashare.provider.violation"),
    ).toBe(false);
  });

  it("an answer without a row list is unusable: 50201 with the violations, the call's quota given back", async () => {
    const url = await provider((_req, res) => json(res, 500, { code: 500, msg: "内部错误" }));
    const sid = await hooked(url);
    const r = await q(sid);
    expect(r.statusCode).toBe(502);
    expect(r.json().errcode).toBe(50201);
    expect(r.json()._diagnostics.map((d: { rule: string }) => d.rule)).toEqual(
      expect.arrayContaining(["http-status", "type:integer"]),
    );
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.items[0].used).toBe(0);
    expect(
      (await w.call("stmarket", "GET", "/ebus/datashare/v1/provider/violations")).json().data.items[0].errcode,
    ).toBe(50201);
  });
});

describe("a provider that is slow or down", () => {
  it("no answer within the hooked timeout → 50401", async () => {
    const url = await provider((_req, res) =>
      setTimeout(() => json(res, 200, { errcode: 0, errmsg: "ok", data: { data: [] } }), 1_500),
    );
    const sid = await hooked(url, 150);
    const r = await q(sid);
    expect(r.statusCode).toBe(504);
    expect(r.json().errcode).toBe(50401);
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/audit/consumer")).json().data.items[0]).toMatchObject({
      errcode: 50401,
      reason: "provider-timeout",
    });
  });

  it("nobody listening → 50201", async () => {
    const url = await provider(() => undefined);
    server!.close();
    server = undefined;
    const sid = await hooked(url);
    const r = await q(sid);
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({ errcode: 50201 });
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/audit/consumer")).json().data.items[0].reason).toBe(
      "provider-down",
    );
  });
});

describe("outbound.allowHosts for provider interfaces", () => {
  it("a provider URL outside the allowed hosts is refused when hooked, with the reason; an allowed one is hooked", async () => {
    w = await makeDsSim({ config: { outboundAllowHosts: ["127.0.0.1"] } });
    const e = await compiled();
    const bad = await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${e.serviceId}/provider`, {
      url: "http://10.0.0.8/api",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()._diagnostics).toEqual([
      expect.objectContaining({ location: "/url", message: expect.stringContaining("outbound.allowHosts") }),
    ]);
    expect(
      (await w.call("stmarket", "GET", `/ebus/datashare/v1/catalogue/${e.serviceId}`)).json().data.source.kind,
    ).not.toBe("url");
    const good = await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${e.serviceId}/provider`, {
      url: "http://127.0.0.1:9/api",
    });
    expect(good.statusCode).toBe(200);
  });
});
