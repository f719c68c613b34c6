// The catalogue over HTTP: search, get by any reference, compile, hook rows (JSON and CSV), withdraw (facts §5.1).
import { beforeEach, describe, expect, it } from "vitest";
import { MARKET, SID, body, foodInspectionEntry, makeDsSim, type DsSim } from "./helpers.js";

let w: DsSim;
beforeEach(async () => {
  w = await makeDsSim();
});

const COMPILE = foodInspectionEntry();

describe("catalogue search, list and get", () => {
  it("finds the population resources by keyword and filters by share type", async () => {
    const r = await w.call("dsa", "GET", `/ebus/datashare/v1/catalogue?q=${encodeURIComponent("人口 身份")}`);
    expect(r.statusCode).toBe(200);
    const names = r.json().data.items.map((e: { name: string }) => e.name);
    expect(names).toContain("人口基础信息-居民身份信息查询");
    expect(names.every((n: string) => n.includes("人口"))).toBe(true);

    const cond = await w.call("dsa", "GET", `/ebus/datashare/v1/catalogue?shareType=${encodeURIComponent("不予共享")}`);
    const items = cond.json().data.items;
    expect(items.length).toBeGreaterThan(0);
    expect(
      items.every(
        (e: { share: { type: string; legalBasis?: string } }) => e.share.type === "不予共享" && !!e.share.legalBasis,
      ),
    ).toBe(true);

    const page = await w.call("dsa", "GET", "/ebus/datashare/v1/catalogue?size=2&page=2");
    expect(page.json().data).toMatchObject({ page: 2, size: 2 });
    expect(page.json().data.items).toHaveLength(2);
  });

  it("gets one entry by serviceId, by percent-encoded code and by the dash form, with GB/T 21063 metadata", async () => {
    for (const ref of [SID.person, "101001%2F000001", "101001-000001"]) {
      const r = await w.call("dsa", "GET", `/ebus/datashare/v1/catalogue/${ref}`);
      expect(r.statusCode, ref).toBe(200);
      expect(r.json().data).toMatchObject({
        resourceCode: "101001/000001",
        serviceId: SID.person,
        catalogueClass: "基础",
        provider: "汕头市公安局",
        share: { type: "有条件共享" },
        updateCycle: "实时",
        keyItems: ["SFZH"],
        source: { kind: "library", library: "population.person" },
      });
    }
    const missing = await w.call("dsa", "GET", "/ebus/datashare/v1/catalogue/999999-000001");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ errcode: 1101, data: null, _diagnostics: [{ location: "/params/ref" }] });
  });
});

describe("departments compile and hook their own entries (编目挂接)", () => {
  it("compiles an entry, lists it as its own, hooks JSON rows and answers queries from them", async () => {
    const c = await w.call("stmarket", "POST", "/ebus/datashare/v1/catalogue", COMPILE);
    expect(c.statusCode).toBe(201);
    const entry = c.json().data;
    expect(entry).toMatchObject({
      resourceCode: "306002/000001",
      providerCode: MARKET,
      ownerPaasid: "stmarket",
      status: "published",
      source: { kind: "none" },
    });
    expect(entry.serviceId).toMatch(/^C\d{13}$/);

    const mine = await w.call("stmarket", "GET", "/ebus/datashare/v1/catalogue?mine=true");
    expect(mine.json().data.items.map((e: { resourceCode: string }) => e.resourceCode)).toEqual(["306002/000001"]);
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/catalogue?mine=true")).json().data.total).toBe(0);

    const uscc = w.seed.enterprises.at(3)!.uscc;
    const hooked = await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${entry.serviceId}/rows`, {
      rows: [{ TYSHXYDM: uscc, CJRQ: "2025-01-03", JL: "合格" }],
    });
    expect(hooked.statusCode).toBe(200);
    expect(hooked.json().data).toMatchObject({ rowCount: 1, entry: { source: { kind: "rows", rowCount: 1 } } });

    // a query through the run-time serviceId (resolveService)
    const applied = await w.call("dsa", "POST", "/ebus/datashare/v1/applications", {
      serviceId: entry.serviceId,
      fields: ["TYSHXYDM", "JL"],
      purpose: "食品经营许可核查",
      itemCode: "11440100696927671X3442011817001",
    });
    expect(applied.json().data.application.status).toBe("approved");
    const q = await w.query("dsa", entry.serviceId, body("dsa", { TYSHXYDM: uscc }, {}, uscc, "001"));
    expect(q.statusCode).toBe(200);
    expect(q.json().data.data).toEqual([{ TYSHXYDM: uscc, JL: "合格" }]);
  });

  it("hooks CSV sent as text/csv, and refuses rows that break the items with row/column diagnostics", async () => {
    const entry = (await w.call("stmarket", "POST", "/ebus/datashare/v1/catalogue", COMPILE)).json().data;
    const uscc = w.seed.enterprises.at(3)!.uscc;
    const good = await w.call(
      "stmarket",
      "PUT",
      `/ebus/datashare/v1/catalogue/${entry.serviceId}/rows`,
      `\ufeffTYSHXYDM,CJRQ,JL\r\n${uscc},2025-01-03,合格\r\n${uscc},2025-01-04,不合格\r\n`,
      { "content-type": "text/csv; charset=utf-8" },
    );
    expect(good.statusCode).toBe(200);
    expect(good.json().data.rowCount).toBe(2);

    const bad = await w.call(
      "stmarket",
      "PUT",
      `/ebus/datashare/v1/catalogue/${entry.serviceId}/rows`,
      "TYSHXYDM,CJRQ,JL\r\n123,2025-13-40,合格\r\n",
      { "content-type": "text/csv" },
    );
    expect(bad.statusCode).toBe(422);
    const locs = bad.json()._diagnostics.map((d: { location: string }) => d.location);
    expect(bad.json().errcode).toBe(1107);
    expect(locs.some((l: string) => l.includes("TYSHXYDM"))).toBe(true);
    expect(locs.some((l: string) => l.includes("CJRQ"))).toBe(true);
    // the failed upload left the earlier rows in place
    expect(
      (await w.call("stmarket", "GET", `/ebus/datashare/v1/catalogue/${entry.serviceId}`)).json().data.source.rowCount,
    ).toBe(2);
  });

  it("only the compiling app may hook or withdraw; a withdrawn resource answers 1005", async () => {
    const entry = (await w.call("stmarket", "POST", "/ebus/datashare/v1/catalogue", COMPILE)).json().data;
    const foreign = await w.call("dsa", "POST", `/ebus/datashare/v1/catalogue/${entry.serviceId}/withdraw`, {
      reason: "x",
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().errcode).toBe(1103);

    await w.call("dsa", "POST", "/ebus/datashare/v1/applications", {
      serviceId: entry.serviceId,
      fields: ["JL"],
      purpose: "核查",
      itemCode: "11440100696927671X3442011817001",
    });
    const wd = await w.call("stmarket", "POST", `/ebus/datashare/v1/catalogue/${entry.serviceId}/withdraw`, {
      reason: "数据源系统下线",
    });
    expect(wd.json().data).toMatchObject({ status: "withdrawn", withdrawReason: "数据源系统下线" });
    const uscc = w.seed.enterprises.at(3)!.uscc;
    const q = await w.query("dsa", entry.serviceId, body("dsa", { TYSHXYDM: uscc }, {}, uscc, "001"));
    expect(q.statusCode).toBe(410);
    expect(q.json()).toMatchObject({ errcode: 1005, data: null });
    expect(q.json().errmsg).toContain("数据源系统下线");

    const re = await w.call("stmarket", "POST", `/ebus/datashare/v1/catalogue/${entry.serviceId}/republish`);
    expect(re.json().data.status).toBe("published");
  });
});
