// Readiness-report profiles: which platform operations a kind of department system must have exercised, which error
// recoveries it must have shown, and the plan rules' thresholds. Built-ins for common kinds; a JSON/YAML file for others.
import { readFileSync } from "node:fs";
import { parseYaml } from "../../contracts/yaml.js";

/** Recoveries the report recognises (a declared error received, then handled). */
export type RecoveryKind = "token-expired" | "replay" | "clock-skew" | "upstream-retry";
export const RECOVERY_KINDS: readonly RecoveryKind[] = ["token-expired", "replay", "clock-skew", "upstream-retry"];

/** How journal entries are matched to a requirement; every given field must match. */
export interface OperationMatcher {
  operationId?: string[];
  /** Regular expression over the operationId (case-insensitive). */
  operationIdPattern?: string;
  serviceId?: string[];
  /** Regular expression over x-tif-serviceId. */
  serviceIdPattern?: string;
  /** OAuth grant_type of token calls (body or query). */
  grantType?: string[];
  method?: string;
}

export interface RequiredOperation {
  id: string;
  platform: string;
  zh: string;
  en: string;
  match: OperationMatcher;
  /** How to exercise it, for the failure message. */
  hint?: string;
}

export interface PlanSettings {
  /** Licence catalogue delivery deadline (facts §4.6: 2 hours). */
  licenceDeliverySeconds: number;
  auditInfo: boolean;
  useCause: boolean;
}

export interface ReportProfile {
  name: string;
  zh: string;
  en: string;
  operations: RequiredOperation[];
  recoveries: RecoveryKind[];
  plan: PlanSettings;
}

/** What a profile file may say: a new profile, or `extends` a built-in and adds to it. */
export interface ProfileInput {
  name?: string;
  zh?: string;
  en?: string;
  extends?: string;
  /** Ids from OPERATION_CATALOGUE, or full definitions. */
  operations?: (string | RequiredOperation)[];
  recoveries?: RecoveryKind[];
  plan?: Partial<PlanSettings>;
}

const TOKEN_OPS = [
  "identityTyrzAccessToken",
  "identityTyrzAccessTokenPost",
  "identityPscpAccessToken",
  "identityPscpAccessTokenPost",
  "identityOidcToken",
];

/**
 * Named operations profiles refer to. Data-sharing and e-licence ones match by serviceId where facts §4.5/§8.5 fix it
 * (C0000000000001 is the gateway's own probe, not a data resource); the rest by operationId patterns.
 */
export const OPERATION_CATALOGUE: Record<string, RequiredOperation> = Object.fromEntries(
  (
    [
      {
        id: "identity.login",
        platform: "identity",
        zh: "统一身份认证登录（授权码换令牌）",
        en: "identity login (authorization code → token)",
        match: { operationId: TOKEN_OPS, grantType: ["authorization_code", "code"] },
        hint: "完成一次授权码登录 / complete one authorization-code login",
      },
      {
        id: "identity.refresh",
        platform: "identity",
        zh: "刷新访问令牌",
        en: "access-token refresh",
        match: { operationId: TOKEN_OPS, grantType: ["refresh_token"] },
        hint: "用 refresh_token 换新令牌，如令牌过期后 / exchange the refresh_token, e.g. after the access token expired",
      },
      {
        id: "identity.userinfo",
        platform: "identity",
        zh: "获取用户信息",
        en: "user info",
        match: {
          operationId: [
            "identityTyrzTokeninfo",
            "identityPscpTokeninfo",
            "identityOidcUserinfo",
            "identityOidcUserinfoPost",
          ],
        },
      },
      {
        id: "identity.logout",
        platform: "identity",
        zh: "单点注销",
        en: "single sign-out",
        match: { operationId: ["identityTyrzLogout", "identityOidcEndSession"] },
      },
      {
        id: "elicence.issue",
        platform: "elicence",
        zh: "签发电子证照",
        en: "e-licence issuance",
        match: { serviceId: ["D1597131569652", "D1597132425087"] },
        hint: "办结时调用 D1597131569652（制证签发）或 D1597132425087（签发）/ call D1597131569652 or D1597132425087 when the case completes",
      },
      {
        id: "elicence.login",
        platform: "elicence",
        zh: "电子证照系统登录",
        en: "e-licence session login",
        match: { serviceId: ["D1593589959893"] },
      },
      {
        id: "datashare.query",
        platform: "datashare",
        zh: "数据共享查询",
        en: "data-sharing query",
        match: { serviceIdPattern: "^C(?!0000000000001$)\\d{13}$" },
        hint: "经 GatewayMsg 以资源的 serviceId 查询 / query a resource's serviceId through GatewayMsg",
      },
      {
        id: "datashare.catalogue",
        platform: "datashare",
        zh: "查阅资源目录",
        en: "catalogue lookup",
        match: { operationIdPattern: "catalogue", method: "GET" },
      },
      {
        id: "datashare.apply",
        platform: "datashare",
        zh: "提交共享申请",
        en: "sharing application",
        match: { operationIdPattern: "^(?!.*(approve|deny|review|decide)).*appl", method: "POST" },
      },
      {
        id: "datashare.compile",
        platform: "datashare",
        zh: "编制目录",
        en: "catalogue compilation",
        match: { operationIdPattern: "compile|createentry|cataloguecreate|createcatalogue", method: "POST" },
      },
      {
        id: "datashare.hook",
        platform: "datashare",
        zh: "挂接数据",
        en: "data hooking",
        match: { operationIdPattern: "hook" },
      },
      {
        id: "datashare.review",
        platform: "datashare",
        zh: "审核共享申请",
        en: "application review",
        match: { operationIdPattern: "approve|review|decide|deny" },
      },
    ] satisfies RequiredOperation[]
  ).map((o) => [o.id, o]),
);

const DEFAULT_PLAN: PlanSettings = { licenceDeliverySeconds: 7200, auditInfo: true, useCause: true };

function profile(name: string, zh: string, en: string, ops: string[], recoveries: RecoveryKind[]): ReportProfile {
  return { name, zh, en, operations: ops.map((id) => OPERATION_CATALOGUE[id]), recoveries, plan: { ...DEFAULT_PLAN } };
}

export const BUILT_IN_PROFILES: Record<string, ReportProfile> = {
  baseline: profile(
    "baseline",
    "基线：无必做接口，只查违规、恢复与规划规则",
    "baseline: no required operations; violations, recoveries and plan rules only",
    [],
    [],
  ),
  "login-only": profile(
    "login-only",
    "仅接入统一身份认证登录",
    "identity login only",
    ["identity.login", "identity.userinfo"],
    [],
  ),
  "approval-system": profile(
    "approval-system",
    "审批系统：登录与令牌刷新、办结签发电子证照、数据共享查询",
    "approval system: login and token refresh, e-licence issuance at case completion, data-sharing queries",
    ["identity.login", "identity.refresh", "identity.userinfo", "elicence.issue", "datashare.query"],
    ["token-expired"],
  ),
  "data-consumer": profile(
    "data-consumer",
    "数据使用方：查目录、申请、查询",
    "data consumer: catalogue, application, query",
    ["datashare.catalogue", "datashare.apply", "datashare.query"],
    [],
  ),
  "data-provider": profile(
    "data-provider",
    "数据提供方：编目、挂接、审核申请",
    "data provider: compile, hook, review applications",
    ["datashare.compile", "datashare.hook", "datashare.review"],
    [],
  ),
};

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置文件无效 / invalid profile:\n  - ${problems.join("\n  - ")}`);
    this.name = "ProfileError";
  }
}

function checkMatcher(m: unknown, at: string, problems: string[]): void {
  if (!m || typeof m !== "object") {
    problems.push(`${at}: match 应为对象 / match must be an object`);
    return;
  }
  const mm = m as Record<string, unknown>;
  const keys = ["operationId", "operationIdPattern", "serviceId", "serviceIdPattern", "grantType", "method"];
  for (const k of Object.keys(mm))
    if (!keys.includes(k)) problems.push(`${at}.${k}: 未知字段 / unknown field (known: ${keys.join(", ")})`);
  if (!keys.some((k) => k in mm)) problems.push(`${at}: 至少给一个匹配条件 / give at least one condition`);
  for (const k of ["operationIdPattern", "serviceIdPattern"]) {
    if (mm[k] === undefined) continue;
    try {
      new RegExp(String(mm[k]), "i");
    } catch (e) {
      problems.push(`${at}.${k}: 正则无效 / invalid regular expression: ${(e as Error).message}`);
    }
  }
}

/** A built-in name, or a profile object (from a file or a request body), checked — every problem at once. */
export function resolveProfile(input: string | ProfileInput): ReportProfile {
  if (typeof input === "string") {
    const p = BUILT_IN_PROFILES[input];
    if (!p)
      throw new ProfileError([
        `未知的内置配置 ${input}；可用 / unknown built-in profile ${input}; available: ${Object.keys(BUILT_IN_PROFILES).join(", ")}`,
      ]);
    return structuredClone(p);
  }
  const problems: string[] = [];
  if (!input || typeof input !== "object" || Array.isArray(input))
    throw new ProfileError(["配置应为对象 / a profile must be an object"]);
  const known = ["name", "zh", "en", "extends", "operations", "recoveries", "plan"];
  for (const k of Object.keys(input))
    if (!known.includes(k)) problems.push(`${k}: 未知字段 / unknown field (known: ${known.join(", ")})`);
  const base = input.extends !== undefined ? BUILT_IN_PROFILES[input.extends] : BUILT_IN_PROFILES.baseline;
  if (!base)
    problems.push(
      `extends: 未知的内置配置 ${input.extends} / unknown built-in profile (available: ${Object.keys(BUILT_IN_PROFILES).join(", ")})`,
    );
  const ops: RequiredOperation[] = [...(base?.operations ?? [])];
  (input.operations ?? []).forEach((o, i) => {
    const at = `operations[${i}]`;
    if (typeof o === "string") {
      const c = OPERATION_CATALOGUE[o];
      if (!c)
        problems.push(
          `${at}: 未知的接口要求 ${o} / unknown requirement (known: ${Object.keys(OPERATION_CATALOGUE).join(", ")})`,
        );
      else if (!ops.some((x) => x.id === c.id)) ops.push(c);
      return;
    }
    if (!o || typeof o !== "object")
      return void problems.push(`${at}: 应为字符串或对象 / must be a string or an object`);
    for (const k of ["id", "platform", "zh", "en"] as const)
      if (typeof o[k] !== "string" || !o[k]) problems.push(`${at}.${k}: 必填字符串 / required string`);
    checkMatcher(o.match, `${at}.match`, problems);
    ops.push(o);
  });
  const recoveries = [...new Set([...(base?.recoveries ?? []), ...(input.recoveries ?? [])])];
  for (const r of recoveries)
    if (!RECOVERY_KINDS.includes(r))
      problems.push(`recoveries: 未知 ${String(r)} / unknown (known: ${RECOVERY_KINDS.join(", ")})`);
  const plan = { ...(base?.plan ?? DEFAULT_PLAN), ...(input.plan ?? {}) };
  if (!(typeof plan.licenceDeliverySeconds === "number" && plan.licenceDeliverySeconds > 0))
    problems.push("plan.licenceDeliverySeconds: 应为正数 / must be a positive number");
  if (problems.length) throw new ProfileError(problems);
  return {
    name: input.name ?? (input.extends ? `${input.extends}+custom` : "custom"),
    zh: input.zh ?? base?.zh ?? "自定义",
    en: input.en ?? base?.en ?? "custom",
    operations: ops,
    recoveries,
    plan,
  };
}

/** A profile file: JSON or YAML by extension (YAML also accepts JSON). */
export function readProfileFile(path: string): ProfileInput {
  const text = readFileSync(path, "utf8");
  try {
    return (path.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as ProfileInput;
  } catch (e) {
    throw new ProfileError([`${path}: 无法解析 / cannot be parsed: ${(e as Error).message}`]);
  }
}
