// Fixtures for the data-sharing platform over HTTP: a simulator with the module, tenants acting for a consumer
// department, a second consumer, the police (provider of the population library) and the market regulator.
import { auditedBody } from "../datashare/audited-body.js";
import { makeSim, tif } from "../helpers.js";
import {
  createDatasharePlatform,
  type DatasharePlatform,
  type DatasharePlatformOptions,
} from "../../mocks/datashare/platform.js";
import { resolveDepartments } from "../../mocks/datashare/departments.js";
import { createSeed } from "../../mocks/shared/seed/index.js";
import type { TenantRuntime } from "../../gateway/tenants.js";

export const T0 = Date.UTC(2025, 0, 6, 2, 0, 0); // 2025-01-06 10:00 CST
export const ITEM_CODE = "11440100696927671X3442011817001";
/** Smaller than the default seed: same code paths, faster start. */
const seed = createSeed("datashare-http", { persons: 5_000, enterprises: 3_000 });
const depts = resolveDepartments(seed);
export const POLICE = depts.get("汕头市公安局")!.code;
export const MARKET = depts.get("汕头市市场监督管理局")!.code;
export const TRANSPORT = depts.get("汕头市交通运输局")!.code;
export const ENV = depts.get("汕头市生态环境局")!.code;
export const PERSON = seed.persons.at(42)!;
export const OTHER_PERSON = seed.persons.at(43)!;
export const ENTERPRISE = seed.enterprises.at(7)!;
export const VENDOR = seed.enterprises.at(2)!.uscc;

export const SID = {
  person: "C1534277412332",
  entity: "C1547427908823",
};
export const CODES = {
  person: "101001/000001",
  household: "101001/000002",
  entity: "102001/000001",
  tax: "307001/000001",
} as const;

/** A department's own catalogue entry (食品抽检结果信息, 无条件共享), as its provider compiles it. */
export function foodInspectionEntry(items = ["TYSHXYDM", "CJRQ", "JL"]) {
  const all = [
    { code: "TYSHXYDM", name: "统一社会信用代码", type: "C", length: 18, format: "gb32100-uscc" },
    { code: "CJRQ", name: "抽检日期", type: "D", length: 10 },
    { code: "JL", name: "抽检结论", type: "C", length: 20 },
  ];
  return {
    classification: {
      class: "3",
      item: "06",
      category: "002",
      labels: ["部门信息资源", "汕头市市场监督管理局", "食品安全"],
    },
    name: "食品抽检结果信息",
    summary: "按统一社会信用代码查询食品安全监督抽检结果。",
    items: all.filter((i) => items.includes(i.code)),
    keyItems: ["TYSHXYDM"],
    share: { type: "无条件共享", method: "共享平台/接口" },
    updateCycle: "每日",
  };
}

export type DsSim = Awaited<ReturnType<typeof makeDsSim>>;

/** Tenants: dsa and dsb consume, stpolice provides the population library, stmarket compiles its own entries. */
export async function makeDsSim(opts: DatasharePlatformOptions = {}) {
  let platform!: DatasharePlatform;
  const sim = await makeSim({
    seed,
    platforms: (s) => [(platform = createDatasharePlatform(s, { webhooks: { intervalMs: 0 }, ...opts }))],
    overrides: {
      tenants: [
        { paasid: "dsa", name: "消费方 A / consumer A", orgCode: TRANSPORT },
        { paasid: "dsb", name: "消费方 B / consumer B", orgCode: ENV },
        { paasid: "stpolice", name: "市公安局 / police", orgCode: POLICE },
        { paasid: "stmarket", name: "市市场监管局 / market regulator", orgCode: MARKET },
      ],
    },
  });
  // The lead's app.ts calls attachTenants itself; calling it again is harmless and keeps these tests explicit.
  platform.attachTenants({ get: (p) => sim.runtime.tenants.get(p), list: () => sim.runtime.tenants.list() });
  for (const t of sim.runtime.tenants.list()) t.clock.freeze(T0);
  const t = (p: string): TenantRuntime => sim.runtime.tenants.get(p)!;

  const call = (paasid: string, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    sim.app.inject({
      method: method as "GET",
      url,
      headers: {
        ...tif(t(paasid)),
        ...(payload !== undefined && typeof payload !== "string" ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(payload !== undefined ? { payload: typeof payload === "string" ? payload : JSON.stringify(payload) } : {}),
    });

  const query = (paasid: string, serviceId: string, body: unknown, headers: Record<string, string> = {}) =>
    sim.app.inject({
      method: "POST",
      url: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...tif(t(paasid), { serviceId }), "content-type": "application/json", ...headers },
      payload: typeof body === "string" ? body : JSON.stringify(body),
    });

  /** Apply; for a conditional resource the police approve with `decision`. Returns the approved grant. */
  async function grant(paasid: string, serviceId: string, fields: string[], decision: Record<string, unknown> = {}) {
    const applied = await call(paasid, "POST", "/ebus/datashare/v1/applications", {
      serviceId,
      fields,
      purpose: "办理户籍迁入时核验申请人身份",
      legalBasis: "《中华人民共和国户口登记条例》第十条",
      itemCode: ITEM_CODE,
    });
    const data = applied.json().data;
    if (data.grant) return data.grant;
    const ok = await call(
      "stpolice",
      "POST",
      `/ebus/datashare/v1/applications/${data.application.id}/approve`,
      decision,
    );
    if (ok.statusCode !== 200) throw new Error(`approve failed: ${ok.body}`);
    return ok.json().data.grant;
  }

  return { sim, platform, t, call, query, grant, seed };
}

/** A complete, valid §5.2 body. */
export function body(
  paasid: string,
  query: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  objectId = PERSON.idNumber,
  type = "01",
): Record<string, any> {
  return auditedBody({ paasid, query, vender: VENDOR, department: TRANSPORT, objectId, objectIdType: type, extra });
}
