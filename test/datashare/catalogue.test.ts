import { describe, expect, it } from "vitest";
import { DatashareError } from "../../mocks/datashare/errors.js";
import { parseCsv } from "../../mocks/datashare/csv.js";
import { serviceIdFor } from "../../mocks/datashare/service-id.js";
import { checkUscc } from "../../mocks/shared/ids.js";
import type { CompileInput } from "../../mocks/datashare/catalogue.js";
import { CODES, T0, body, grantFor, seed, world } from "./helpers.js";

const compileInput = (): CompileInput => ({
  classification: { class: "3", item: "09", category: "001", labels: ["部门信息资源", "测试局", "许可"] },
  name: "特种设备使用登记信息",
  summary: "电梯、锅炉等特种设备使用登记信息",
  items: [
    { code: "SBDM", name: "设备代码", type: "C", length: 20 },
    { code: "SYDWMC", name: "使用单位名称", type: "C", length: 20 },
    { code: "DJRQ", name: "登记日期", type: "D", length: 10 },
    { code: "TS", name: "台数", type: "I", length: 3 },
    { code: "ZY", name: "在用", type: "L", length: 1 },
  ],
  keyItems: [],
  share: { type: "无条件共享", method: "共享平台/接口" },
  updateCycle: "每日",
});

describe("catalogue search, list and get", () => {
  it("finds resources by keyword over name, summary, provider and items", async () => {
    const { ds } = world();
    const byName = await ds.catalogue.search({ keyword: "人口" });
    expect(byName.items.map((e) => e.resourceCode)).toEqual([CODES.person, CODES.household]);
    const byItem = await ds.catalogue.search({ keyword: "csrq" });
    expect(byItem.items.map((e) => e.resourceCode)).toContain(CODES.person);
    const byProvider = await ds.catalogue.search({ keyword: "发展和改革局" });
    expect(byProvider.items.map((e) => e.resourceCode)).toEqual([CODES.penalties, CODES.licences, CODES.redblack]);
    const both = await ds.catalogue.search({ keyword: "社会信用 红黑名单" });
    expect(both.items.map((e) => e.resourceCode)).toEqual([CODES.redblack]);
    expect((await ds.catalogue.search({ keyword: "不存在的资源xyz" })).total).toBe(0);
  });

  it("filters by share type and class and pages", async () => {
    const { ds } = world();
    const refused = await ds.catalogue.list({ shareType: "不予共享" });
    expect(refused.items.map((e) => e.resourceCode).sort()).toEqual([CODES.exitEntry, CODES.tax].sort());
    const base = await ds.catalogue.list({ catalogueClass: "基础", pageSize: 3, page: 2 });
    expect(base.total).toBe(7);
    expect(base.items).toHaveLength(3);
    expect(base.page).toBe(2);
  });

  it("carries the 2017 guide metadata and a deterministic C+13 serviceId", async () => {
    const { ds } = world();
    const e = await ds.catalogue.require({ resourceCode: CODES.person });
    expect(e.serviceId).toMatch(/^C\d{13}$/);
    expect(e.serviceId).toBe(serviceIdFor(CODES.person));
    expect(await ds.catalogue.byServiceId(e.serviceId)).toEqual(e);
    expect(e.classification).toMatchObject({ class: "1", item: "01", category: "001" });
    expect(e.items.find((i) => i.code === "SFZH")).toMatchObject({ type: "C", length: 18, sensitive: true });
    expect(e.share.type).toBe("有条件共享");
    expect(e.share.conditions).toBeTruthy();
    expect(checkUscc(e.providerCode)).toBeNull();
    // the provider is the seed's own government body, consistent with the identity legal persons
    expect(seed.enterprises.byUscc(e.providerCode)?.name).toBe("汕头市公安局");
    const tax = await ds.catalogue.require({ resourceCode: CODES.tax });
    expect(tax.share.legalBasis).toContain("税收征收管理法");
  });

  it("refuses an unknown resource with 1101", async () => {
    const { ds } = world();
    await expect(ds.catalogue.require({ resourceCode: "399999/000001" })).rejects.toMatchObject({
      problem: { code: 1101, status: 404 },
    });
  });
});

describe("departments compile and hook their own entries", () => {
  it("compiles an entry with the next sequence code and a fresh serviceId", async () => {
    const { ds, dept } = world();
    const e = await ds.compile({ kind: "tenant", paasid: dept.paasid }, compileInput());
    expect(e.resourceCode).toBe("309001/000001");
    expect(e.providerCode).toBe(dept.orgCode);
    expect(e.ownerPaasid).toBe(dept.paasid);
    expect(e.publishDate).toBe("2025-01-06");
    expect(ds.ownsService(e.serviceId)).toBe(true);
    const again = await ds.compile({ kind: "tenant", paasid: dept.paasid }, compileInput());
    expect(again.resourceCode).toBe("309001/000002");
    expect((await ds.catalogue.search({ keyword: "特种设备" })).total).toBe(2);
  });

  it("reports every metadata problem at once (1105)", async () => {
    const { ds, dept } = world();
    const bad = compileInput();
    bad.items.push({ code: "sbdm", name: "", type: "X" as never, length: -1 });
    bad.share = { type: "有条件共享", method: "接口" };
    bad.classification.item = "9";
    const err = await ds.compile({ kind: "tenant", paasid: dept.paasid }, bad).catch((e) => e);
    expect(err).toBeInstanceOf(DatashareError);
    expect(err.problem.code).toBe(1105);
    const locs = err.problem.diagnostics.map((d: { location: string }) => d.location);
    expect(locs).toEqual(
      expect.arrayContaining([
        "/classification/item",
        "/items/5/code",
        "/items/5/name",
        "/items/5/type",
        "/items/5/length",
        "/share/conditions",
      ]),
    );
  });

  it("hooks JSON rows, reporting row/column errors, and serves them to grantees", async () => {
    const { ds, dept, a } = world();
    const owner = { kind: "tenant", paasid: dept.paasid } as const;
    const e = await ds.compile(owner, compileInput());
    const err = await ds
      .hookRows(owner, e.resourceCode, {
        rows: [
          { SBDM: "T001", SYDWMC: "汕头某厂", DJRQ: "2024-02-30", TS: 1, ZY: true },
          {
            SBDM: "T002",
            SYDWMC: "一个名字非常非常长的使用单位有限公司",
            DJRQ: "2024-03-01",
            TS: "2",
            ZY: "是",
            XX: 1,
          },
        ],
      })
      .catch((x) => x);
    expect(err.problem.code).toBe(1107);
    const found = err.problem.diagnostics.map((d: { location: string; rule: string }) => `${d.location} ${d.rule}`);
    expect(found).toEqual([
      "/rows/0/DJRQ type:D",
      "/rows/1/SYDWMC length",
      "/rows/1/TS type:I",
      "/rows/1/ZY type:L",
      "/rows/1/XX unknown-item",
    ]);

    const ok = await ds.hookRows(owner, e.resourceCode, {
      rows: [
        { SBDM: "T001", SYDWMC: "汕头某厂", DJRQ: "2024-02-28", TS: 1, ZY: true },
        { SBDM: "T002", SYDWMC: "汕头某站", DJRQ: "2024-03-01", TS: 2, ZY: false },
      ],
    });
    expect(ok.rowCount).toBe(2);
    await grantFor(ds, a.paasid, e.resourceCode, ["SBDM", "TS"]);
    const r = await ds.query({ paasid: a.paasid, serviceId: e.serviceId, body: body(a.paasid, { ZY: false }) });
    expect(r.body.data?.data).toEqual([{ SBDM: "T002", TS: 2 }]);
  });

  it("hooks CSV text with quoted fields, type coercion and line-numbered errors", async () => {
    const { ds, dept } = world();
    const owner = { kind: "tenant", paasid: dept.paasid } as const;
    const e = await ds.compile(owner, compileInput());
    const bad = 'SBDM,使用单位名称,DJRQ,TS,ZY\nT001,"汕头,某厂",2024-01-01,1,是\nT002,某站,20240230,x,否\nT003,某站\n';
    const err = await ds.hookRows(owner, e.resourceCode, { csv: bad }).catch((x) => x);
    const found = err.problem.diagnostics.map((d: { location: string; rule: string }) => `${d.location} ${d.rule}`);
    expect(found).toEqual(["/csv/3/DJRQ type:D", "/csv/3/TS type:I", "/csv/4 column-count"]);
    const ok = await ds.hookRows(owner, e.resourceCode, {
      csv: '\ufeffSBDM,使用单位名称,DJRQ,TS,ZY\r\nT001,"汕头,""某""厂",2024-01-01,1,是\r\nT002,某站,,2,否\r\n',
    });
    expect(ok.rowCount).toBe(2);
    expect(await ds.catalogue.rowsOf(e.resourceCode)).toEqual([
      { SBDM: "T001", SYDWMC: '汕头,"某"厂', DJRQ: "2024-01-01", TS: 1, ZY: true },
      { SBDM: "T002", SYDWMC: "某站", DJRQ: null, TS: 2, ZY: false },
    ]);
  });

  it("lets only the owner (or an admin) withdraw or hook an entry", async () => {
    const { ds, dept, a, police } = world();
    const e = await ds.compile({ kind: "tenant", paasid: dept.paasid }, compileInput());
    await expect(ds.withdraw({ kind: "tenant", paasid: a.paasid }, e.resourceCode, "x")).rejects.toMatchObject({
      problem: { code: 1103 },
    });
    await expect(
      ds.hookUrl({ kind: "tenant", paasid: a.paasid }, e.resourceCode, "https://x.example/api"),
    ).rejects.toMatchObject({ problem: { code: 1103 } });
    await expect(ds.hookRows({ kind: "tenant", paasid: a.paasid }, e.resourceCode, { rows: [] })).rejects.toMatchObject(
      { problem: { code: 1103 } },
    );
    // a seeded entry changes for everyone, so even its provider's tenant may not withdraw it; an admin may
    await expect(ds.withdraw({ kind: "tenant", paasid: police.paasid }, CODES.person, "x")).rejects.toMatchObject({
      problem: { code: 1103 },
    });
    const w = await ds.withdraw({ kind: "admin" }, CODES.person, "数据治理 / data governance");
    expect(w.status).toBe("withdrawn");
    expect(w.withdrawnAt).toBe(T0);
    expect((await ds.catalogue.search({ keyword: "居民身份信息查询" })).total).toBe(0);
    expect((await ds.catalogue.search({ keyword: "居民身份信息查询", status: "any" })).total).toBe(1);
  });
});

describe("CSV reader", () => {
  it("reads RFC 4180 text and reports an unterminated quote", () => {
    expect(parseCsv('a,b\n"x\ny",2\n').rows).toEqual([
      ["a", "b"],
      ["x\ny", "2"],
    ]);
    expect(parseCsv('a,b\n"x,2\n').errors[0]).toMatchObject({ line: 2 });
  });
});
