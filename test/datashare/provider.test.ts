import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ProviderUnavailableError,
  validateProviderAnswer,
  type ProviderCaller,
} from "../../mocks/datashare/provider.js";
import type { CompileInput } from "../../mocks/datashare/catalogue.js";
import { body, grantFor, world } from "./helpers.js";

const input: CompileInput = {
  classification: { class: "3", item: "11", category: "002", labels: ["部门信息资源", "测试局", "车辆"] },
  name: "营运车辆信息",
  summary: "按车牌号查询营运车辆信息",
  items: [
    { code: "CPH", name: "车牌号", type: "C", length: 10 },
    { code: "CLLX", name: "车辆类型", type: "C", length: 20 },
    { code: "HDZK", name: "核定载客", type: "I", length: 3 },
    { code: "DJRQ", name: "登记日期", type: "D", length: 10 },
    { code: "YYZT", name: "营运状态", type: "L", length: 1 },
  ],
  keyItems: ["CPH"],
  share: { type: "无条件共享", method: "接口" },
  updateCycle: "实时",
};

const GOOD_ROW = { CPH: "粤D12345", CLLX: "大型普通客车", HDZK: 45, DJRQ: "2021-05-06", YYZT: true };

/** A department's provider: /good answers per the catalogue, /bad breaks it in planted ways, /slow never answers. */
let server: Server;
let base = "";
const seen: { path: string; body: any }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      seen.push({ path: req.url!, body: JSON.parse(raw) });
      res.setHeader("content-type", "application/json");
      if (req.url === "/good")
        res.end(JSON.stringify({ errcode: 0, errmsg: "ok", data: { data: [GOOD_ROW], metadata: { total: 1 } } }));
      else if (req.url === "/bad")
        res.end(
          JSON.stringify({
            errcode: 0,
            errmsg: "ok",
            data: {
              data: [
                { ...GOOD_ROW, HDZK: "45", DJRQ: "2021/05/06", CLLX: "一种名字特别特别长的车辆类型", EXTRA: 1 },
                { ...GOOD_ROW, CPH: "粤D99999" },
              ],
            },
          }),
        );
      else if (req.url === "/garbage") res.end(JSON.stringify({ code: 200, rows: [] }));
      // /slow: never answers
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** What the lead's undici transport will do, reduced to fetch. */
const callProvider: ProviderCaller = async (call) => {
  try {
    const res = await fetch(call.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    return { status: res.status, body: await res.json() };
  } catch (e) {
    if ((e as Error).name === "TimeoutError") throw new ProviderUnavailableError("timeout");
    throw new ProviderUnavailableError("down", (e as Error).message);
  }
};

async function hooked(path: string, timeoutMs?: number) {
  const w = world({ callProvider });
  const owner = { kind: "tenant", paasid: w.dept.paasid } as const;
  const e = await w.ds.compile(owner, input);
  await w.ds.hookUrl(owner, e.resourceCode, path.startsWith("http") ? path : base + path, timeoutMs);
  await grantFor(w.ds, w.a.paasid, e.resourceCode, ["CPH", "HDZK", "DJRQ"]);
  const q = () =>
    w.ds.query({ paasid: w.a.paasid, serviceId: e.serviceId, body: body(w.a.paasid, { CPH: "粤D12345" }) });
  return { ...w, e, q };
}

describe("department providers hooked by URL", () => {
  it("a provider that answers right: rows pass through the grant filter with no violations", async () => {
    const { q } = await hooked("/good");
    const r = await q();
    expect(r.errcode).toBe(0);
    expect(r.body.data!.data).toEqual([{ CPH: "粤D12345", HDZK: 45, DJRQ: "2021-05-06" }]);
    expect(r.providerViolations).toBeUndefined();
    expect(seen.at(-1)!.body.query).toEqual({ CPH: "粤D12345" });
    expect(seen.at(-1)!.body.audit_info.operator_name).toBe("陈晓华");
  });

  it("a provider that answers wrong: every planted violation is reported and audited", async () => {
    const { q, ds, dept } = await hooked("/bad");
    const r = await q();
    expect(r.errcode).toBe(0);
    expect(r.providerViolations!.map((v) => `${v.location} ${v.rule}`)).toEqual([
      "/data/data/0/CLLX length",
      "/data/data/0/HDZK type:I",
      "/data/data/0/DJRQ type:D",
      "/data/data/0/EXTRA unknown-item",
      "/data/data/1/CPH matches-query",
    ]);
    const [entry] = await ds.audit.forProvider({ kind: "tenant", paasid: dept.paasid });
    expect(entry.providerViolations).toBe(5);
  });

  it("an answer without rows is unusable: 50201 with the violations", async () => {
    const { q } = await hooked("/garbage");
    const r = await q();
    expect(r).toMatchObject({ errcode: 50201, status: 502 });
    expect(r.problem!.diagnostics!.map((d) => d.location)).toEqual(["/errcode", "/errmsg", "/data"]);
  });

  it("a provider that does not answer in time gives 50401 and the call is not counted", async () => {
    const { q, ds, a, e } = await hooked("/slow", 150);
    const r = await q();
    expect(r).toMatchObject({ errcode: 50401, status: 504 });
    const g = (await ds.applications.listGrants(a.paasid)).find((x) => x.serviceId === e.serviceId)!;
    expect(await ds.applications.usage(a, g)).toBe(0);
  });

  it("a provider that is down gives 50201", async () => {
    const { q } = await hooked("http://127.0.0.1:9/down");
    expect((await q()).errcode).toBe(50201);
  });
});

describe("validateProviderAnswer", () => {
  it("accepts a bare row array but reports the missing envelope", async () => {
    const { ds, dept } = world();
    const e = await ds.compile({ kind: "tenant", paasid: dept.paasid }, input);
    const r = validateProviderAnswer(e, { status: 200, body: [GOOD_ROW] });
    expect(r.rows).toEqual([GOOD_ROW]);
    expect(r.violations.map((v) => v.rule)).toEqual(["envelope"]);
    const s = validateProviderAnswer(e, { status: 500, body: { errcode: 17, errmsg: "db down", data: { data: [] } } });
    expect(s.violations.map((v) => v.rule)).toEqual(["http-status", "errcode"]);
  });
});
