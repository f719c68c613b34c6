// A department's own contract behind the simulated gateway: x-tif checks, validation, Prefer, samples, GatewayMsg,
// docs, journal and the readiness report over it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../gateway/app.js";
import { admin, tif } from "../helpers.js";
import { mount, PERMITS } from "./helpers.js";

let sim: Simulator;
const t = () => sim.runtime.tenants.get("C90-44050001")!;
const call = (method: string, url: string, opts: { headers?: Record<string, string>; body?: unknown } = {}) =>
  sim.app.inject({
    method: method as "GET",
    url,
    headers: {
      ...tif(t()),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
  });
const APPLICATION = {
  holder: { kind: "company", uscc: "91440507MA4UXXXX0X", name: "汕头示例食品有限公司" },
  category: "food",
  contactEmail: "a@example.gov.cn",
  remark: null,
};

beforeAll(async () => {
  sim = await mount([{ file: PERMITS, serviceIds: { S4405000000002: "getPermit" } }]);
});
afterAll(() => sim.app.close());

describe("a mounted contract", () => {
  it("answers a signed call under /ebus/<namespace> with a schema sample honouring patterns, formats, oneOf", async () => {
    const res = await call("GET", "/ebus/permits/permits?page=2&keyword=food");
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-gatesim-contract-violations"]).toBeUndefined();
    const [p] = res.json();
    expect(p.permitNo).toMatch(/^[A-Z]{2}\d{14}$/);
    expect(p.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(p.status).toBe("valid");
    expect(p.holder.kind).toBe("company");
    expect(p.holder.uscc).toMatch(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
    // the same seed gives the same sample
    expect((await call("GET", "/ebus/permits/permits")).json()).toEqual(res.json());
  });

  it("refuses an unsigned call in the gateway's envelope, naming the missing header", async () => {
    const res = await sim.app.inject({ method: "GET", url: "/ebus/permits/permits" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errcode).toBe(40001);
    expect(res.json()._diagnostics[0].location).toMatch(/^\/headers\/x-tif-/);
  });

  it("lists every violation of a request, with 3.0 nullable accepted", async () => {
    const res = await call("POST", "/ebus/permits/permits", {
      body: { holder: { kind: "person", name: "张" }, contactEmail: "not-an-email", remark: "x".repeat(201), extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errcode).toBe(40005);
    const locations = res.json()._diagnostics.map((d: { location: string }) => d.location);
    // the holder's discriminator (kind: person) names what the Person branch misses, not "matches no alternative"
    expect([...locations].sort()).toEqual(
      [
        "/body/category",
        "/body/contactEmail",
        "/body/remark",
        "/body/extra",
        "/body/holder/idNumber",
        "/body/holder/name",
      ].sort(),
    );
    expect((await call("GET", "/ebus/permits/permits/bad-number")).json()._diagnostics[0].location).toBe(
      "/params/permitNo",
    );
    expect((await call("POST", "/ebus/permits/permits", { body: APPLICATION })).statusCode).toBe(201);
  });

  it("answers the named example and the preferred status (Prefer, as Prism reads it)", async () => {
    const ex = await call("GET", "/ebus/permits/permits/JY14405070000002", { headers: { prefer: "example=company" } });
    expect(ex.statusCode).toBe(200);
    expect(ex.json().holder.name).toBe("汕头示例公司");
    const created = await call("POST", "/ebus/permits/permits", { body: APPLICATION });
    expect(created.json().permitNo).toBe("JY14405070000001"); // the 201's first example
    const refused = await call("POST", "/ebus/permits/permits", { body: APPLICATION, headers: { prefer: "code=400" } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ code: "BAD_APPLICATION", message: "申请材料不全" });
    const sampled404 = await call("GET", "/ebus/permits/permits/JY14405070000002", { headers: { prefer: "code=404" } });
    expect(sampled404.statusCode).toBe(404);
    expect(Object.keys(sampled404.json()).sort()).toEqual(["code", "message"]);
  });

  it("refuses a Prefer the contract cannot satisfy, naming what it declares", async () => {
    const code = await call("GET", "/ebus/permits/permits", { headers: { prefer: "code=418" } });
    expect(code.statusCode).toBe(400);
    expect(code.json()._diagnostics[0]).toMatchObject({ location: "/headers/prefer", rule: "prefer.code" });
    expect(code.json()._diagnostics[0].hint).toContain("200");
    const ex = await call("GET", "/ebus/permits/permits/JY14405070000002", { headers: { prefer: "example=nope" } });
    expect(ex.json()._diagnostics[0].hint).toContain("company, broken");
  });

  it("reports an example that breaks its own schema instead of sending it", async () => {
    const res = await call("GET", "/ebus/permits/permits/JY14405070000002", { headers: { prefer: "example=broken" } });
    expect(res.statusCode).toBe(500);
    expect(res.json().errcode).toBe(50001);
    expect(res.json().errmsg).toContain("所挂载契约");
    const locations = res.json()._diagnostics.map((d: { location: string }) => d.location);
    expect(locations).toEqual(expect.arrayContaining(["/response/body/permitNo", "/response/body/status"]));
  });

  it("serves operations as GatewayMsg services (x-tif-serviceId extension or config serviceIds)", async () => {
    const viaExtension = await call("POST", "/GatewayMsg/http/api/proxy/invoke", {
      body: APPLICATION,
      headers: tif(t(), { serviceId: "S4405000000001" }),
    });
    expect(viaExtension.statusCode).toBe(201);
    expect(viaExtension.json().permitNo).toBe("JY14405070000001");
    const viaConfig = await call("POST", "/GatewayMsg/http/api/proxy/invoke", {
      headers: { ...tif(t(), { serviceId: "S4405000000002" }), prefer: "example=company" },
    });
    expect(viaConfig.statusCode).toBe(200);
    expect(viaConfig.json().permitNo).toBe("JY14405070000002");
  });

  it("journals its calls with their violations", async () => {
    await call("POST", "/ebus/permits/permits", { body: { category: "toys" } });
    const j = (
      await sim.app.inject({
        method: "GET",
        url: "/_gatesim/tenants/C90-44050001/journal?operationId=permits.createPermit&violations=true",
        headers: admin,
      })
    ).json();
    expect(j.total).toBeGreaterThan(0);
    expect(JSON.stringify(j)).toContain("/body/category");
  });

  it("shows in /docs and on the landing page at the paths it is served on", async () => {
    const all = (await sim.app.inject({ method: "GET", url: "/docs/json" })).json();
    expect(all.paths["/ebus/permits/permits/{permitNo}"].get.operationId).toBe("getPermit");
    const one = await sim.app.inject({ method: "GET", url: "/docs/contracts/permits.json" });
    expect(one.statusCode).toBe(200);
    // the sibling file's parts are inlined, so the document stands alone
    expect(JSON.stringify(one.json())).not.toContain("permit-components.yaml");
    const landing = await sim.app.inject({ method: "GET", url: "/" });
    expect(landing.body).toContain("市场监管局许可服务");
  });

  it("is covered by the readiness report, operation by operation", async () => {
    const res = await sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/C90-44050001/report?format=json",
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    const byId = Object.fromEntries(
      res.json().requirements.map((r: { id: string; status: string }) => [r.id, r.status]),
    );
    expect(byId["permits.listPermits"]).toBe("pass");
    expect(byId["permits.createPermit"]).toBe("pass");
    expect(byId["permits.revokePermit"]).toBe("fail"); // never called
  });
});
