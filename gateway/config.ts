// Configuration: defaults ← file (gatesim.config.yaml|json) ← env (GATESIM_*) ← flags; validated once against a
// schema with every problem reported together, then frozen (fastify's initial-config-validation habit).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { parseYaml } from "../contracts/yaml.js";
import { limitZh } from "./schema-messages.js";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { TenantSpec } from "./tenants.js";
import type { UserContractSpec } from "./byoc/user-contracts.js";

export interface GatesimConfig {
  host: string;
  port: number;
  seed: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Control-plane token; generated and printed at start when absent. */
  adminToken?: string;
  /** Base URL clients reach the simulator at (issuer of identity tokens, links on the landing page). */
  publicUrl?: string;
  /** Drop `_diagnostics`/`_trace_id` from error bodies (the trace id header stays). */
  strictEnvelope: boolean;
  validateResponses: boolean;
  /** What a handler answering outside its contract gets: 50001 (refuse) or only a log line and journal entry (log). */
  responseViolation: "refuse" | "log";
  bodyLimitBytes: number;
  /** Deepest nesting of arrays/objects a JSON body may have; deeper bodies are refused 40006 before they are parsed. */
  jsonMaxDepth: number;
  /** Serve HTTP from a second thread (http-thread.ts) while the state stays on the main one; false: one thread. */
  httpThread: boolean;
  /** How long the timeout scenario holds a request before dropping it. */
  scenarioTimeoutMs: number;
  /** V8 heap headroom (heap-profile.ts): "lean" bounds it (the default), "throughput" keeps V8's defaults. */
  heap: "lean" | "throughput";
  journal: { cap: number; maxBodyBytes: number };
  gateway: { timestampWindowSec: number; nonceTtlSec: number; nonceCacheMax: number };
  tenants: TenantSpec[];
  landing: { showCredentials: boolean };
  /** Hosts the simulator itself may send requests to (provider calls, webhooks, back-channel logout); "*" = any. */
  outbound: { allowHosts: string[] };
  /** Calls the data-sharing audit log keeps (platform-wide; beyond it the oldest go, counted). ≈0.8 KB each. */
  datashare: { auditCap: number };
  /** Departments' own OpenAPI contracts, mounted under /ebus/<namespace>/ (docs/byoc.md). */
  contracts: UserContractSpec[];
  /**
   * Where state is kept: in memory (default, gone at restart), or durable in a SQLite file in the `sqlite` folder
   * (README "Shared sandbox"). `synchronous: full` also survives an OS crash or power loss, at about twice a write's cost.
   */
  store: { sqlite?: string; synchronous?: "normal" | "full"; redis?: string; redisPrefix?: string };
}

export const DEFAULTS: GatesimConfig = {
  host: "127.0.0.1",
  port: 8080,
  seed: "gatesim",
  logLevel: "info",
  strictEnvelope: false,
  validateResponses: true,
  responseViolation: "refuse",
  bodyLimitBytes: 10 * 1024 * 1024,
  jsonMaxDepth: 64,
  httpThread: true,
  scenarioTimeoutMs: 30_000,
  heap: "lean",
  journal: { cap: 1000, maxBodyBytes: 4096 },
  gateway: { timestampWindowSec: 180, nonceTtlSec: 600, nonceCacheMax: 1_000_000 },
  tenants: [
    {
      paasid: "C90-44050001",
      name: "汕头市示范部门（测试应用）/ Shantou demo department (test app)",
      serviceIds: ["*"],
    },
    {
      paasid: "C90-44050002",
      name: "汕头市第二部门（隔离演示）/ Second department (isolation demo)",
      serviceIds: ["*"],
    },
    {
      paasid: "stdemo_upper",
      name: "严格大写签名应用 / App requiring upper-case signatures on GatewayMsg",
      serviceIds: ["*"],
      signatureCase: "upper",
    },
  ],
  landing: { showCredentials: true },
  outbound: { allowHosts: ["*"] },
  datashare: { auditCap: 20_000 },
  contracts: [],
  store: {},
};

const tenantSchema = {
  type: "object",
  required: ["paasid", "name"],
  additionalProperties: false,
  properties: {
    paasid: { type: "string", pattern: "^[A-Za-z0-9_-]{2,64}$" },
    name: { type: "string", minLength: 1 },
    paasToken: { type: "string", minLength: 16 },
    serviceIds: { type: "array", items: { type: "string" } },
    ipAllowList: { type: "array", items: { type: "string" } },
    signatureCase: { enum: ["any", "upper"] },
    orgCode: { type: "string" },
  },
};

export const CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["host", "port", "seed", "logLevel"],
  properties: {
    host: { type: "string", minLength: 1 },
    port: { type: "integer", minimum: 0, maximum: 65535 },
    seed: { type: "string", minLength: 1 },
    logLevel: { enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"] },
    adminToken: { type: "string", minLength: 16 },
    publicUrl: { type: "string", pattern: "^https?://" },
    strictEnvelope: { type: "boolean" },
    validateResponses: { type: "boolean" },
    responseViolation: { enum: ["refuse", "log"] },
    bodyLimitBytes: { type: "integer", minimum: 1024 },
    jsonMaxDepth: { type: "integer", minimum: 2, maximum: 1000 },
    httpThread: { type: "boolean" },
    scenarioTimeoutMs: { type: "integer", minimum: 0 },
    heap: { enum: ["lean", "throughput"] },
    journal: {
      type: "object",
      additionalProperties: false,
      properties: {
        cap: { type: "integer", minimum: 1, maximum: 1_000_000 },
        maxBodyBytes: { type: "integer", minimum: 64 },
      },
    },
    gateway: {
      type: "object",
      additionalProperties: false,
      properties: {
        timestampWindowSec: { type: "integer", minimum: 1 },
        nonceTtlSec: { type: "integer", minimum: 1 },
        nonceCacheMax: { type: "integer", minimum: 1000 },
      },
    },
    tenants: { type: "array", minItems: 1, items: tenantSchema },
    landing: { type: "object", additionalProperties: false, properties: { showCredentials: { type: "boolean" } } },
    outbound: {
      type: "object",
      additionalProperties: false,
      properties: { allowHosts: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } } },
    },
    datashare: {
      type: "object",
      additionalProperties: false,
      properties: { auditCap: { type: "integer", minimum: 100, maximum: 10_000_000 } },
    },
    store: {
      type: "object",
      additionalProperties: false,
      properties: {
        sqlite: { type: "string", minLength: 1 },
        synchronous: { enum: ["normal", "full"] },
        redis: { type: "string", pattern: "^(redis|rediss|redis\\+cluster)://" },
        redisPrefix: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,32}$" },
      },
    },
    contracts: {
      type: "array",
      items: {
        type: "object",
        required: ["file"],
        additionalProperties: false,
        properties: {
          file: { type: "string", minLength: 1 },
          namespace: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$" },
          serviceIds: { type: "object", additionalProperties: { type: "string", minLength: 1 } },
          crud: { type: "boolean" },
        },
      },
    },
  },
};

/**
 * The build leaves a precompiled validator beside this module (Ajv standalone, scripts/cache-contracts.mjs), so that
 * start-up does not pay for compiling the schema; from source (tests) it is compiled here.
 */
function configValidator(): ValidateFunction {
  try {
    const mod = createRequire(import.meta.url)("./config-validate.cjs");
    return (mod.default ?? mod) as ValidateFunction;
  } catch {
    return new Ajv2020({ allErrors: true, strict: false }).compile(CONFIG_SCHEMA);
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 / invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Partial2 = Record<string, unknown>;

function merge(base: Partial2, over: Partial2): Partial2 {
  const out: Partial2 = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      b && typeof b === "object" && !Array.isArray(b) && v && typeof v === "object" && !Array.isArray(v)
        ? merge(b as Partial2, v as Partial2)
        : v;
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const ENV: Record<string, { path: string[]; type: "string" | "int" | "bool" | "list" }> = {
  GATESIM_HOST: { path: ["host"], type: "string" },
  GATESIM_PORT: { path: ["port"], type: "int" },
  GATESIM_SEED: { path: ["seed"], type: "string" },
  GATESIM_LOG_LEVEL: { path: ["logLevel"], type: "string" },
  GATESIM_ADMIN_TOKEN: { path: ["adminToken"], type: "string" },
  GATESIM_PUBLIC_URL: { path: ["publicUrl"], type: "string" },
  GATESIM_STRICT_ENVELOPE: { path: ["strictEnvelope"], type: "bool" },
  GATESIM_VALIDATE_RESPONSES: { path: ["validateResponses"], type: "bool" },
  GATESIM_HTTP_THREAD: { path: ["httpThread"], type: "bool" },
  GATESIM_HEAP: { path: ["heap"], type: "string" },
  GATESIM_JOURNAL_CAP: { path: ["journal", "cap"], type: "int" },
  GATESIM_OUTBOUND_ALLOW_HOSTS: { path: ["outbound", "allowHosts"], type: "list" },
  GATESIM_DATASHARE_AUDIT_CAP: { path: ["datashare", "auditCap"], type: "int" },
  GATESIM_DATA_DIR: { path: ["store", "sqlite"], type: "string" },
  GATESIM_REDIS_URL: { path: ["store", "redis"], type: "string" },
};

function convert(raw: string, type: "string" | "int" | "bool" | "list", where: string, problems: string[]): unknown {
  if (type === "string") return raw;
  if (type === "list")
    return raw
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  if (type === "int") {
    if (!/^-?\d+$/.test(raw.trim()))
      problems.push(`${where}: 应为整数，实际为 "${raw}" / must be an integer, got "${raw}"`);
    return Number(raw);
  }
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  problems.push(`${where}: 应为 true/false，实际为 "${raw}" / must be true or false, got "${raw}"`);
  return raw;
}

function setPath(o: Partial2, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Partial2;
  cur[path[path.length - 1]] = v;
}

const TYPE_ZH: Record<string, string> = {
  integer: "整数",
  number: "数字",
  string: "字符串",
  boolean: "true/false",
  array: "数组",
  object: "对象",
};

/** The zh-CN half of a schema refusal (Ajv's message is the English half). */
function schemaMessageZh(e: { keyword: string; params: Record<string, any>; message?: string }): string {
  const p = e.params;
  const limit = limitZh(e.keyword, p.limit);
  if (limit) return limit;
  switch (e.keyword) {
    case "type":
      return `应为${String(p.type)
        .split(",")
        .map((t) => TYPE_ZH[t] ?? t)
        .join("或")}`;
    case "enum":
      return "应为以下之一";
    case "pattern":
      return `格式不符（${p.pattern}）`;
    case "required":
      return `缺少必填项 ${p.missingProperty}`;
    case "additionalProperties":
      return "不认识的配置项";
    default:
      return "不符合配置格式";
  }
}

export interface ConfigSources {
  /** Flags already parsed by the CLI (camelCase keys of GatesimConfig, plus `config` for the file path). */
  flags?: Partial2 & { config?: string };
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** An object standing in for the file (programmatic use). */
  overrides?: Partial2;
}

/** defaults ← file ← env ← flags ← overrides; every problem at once; the result is frozen. */
export function loadConfig(src: ConfigSources = {}): Readonly<GatesimConfig> {
  const problems: string[] = [];
  const env = src.env ?? {};
  const cwd = src.cwd ?? process.cwd();
  const { config: configPath, ...flags } = src.flags ?? {};
  const explicit = configPath ?? env.GATESIM_CONFIG;
  let file: Partial2 = {};
  const candidates = explicit
    ? [resolve(cwd, explicit)]
    : ["gatesim.config.yaml", "gatesim.config.yml", "gatesim.config.json"].map((f) => join(cwd, f));
  const found = candidates.find((p) => existsSync(p));
  if (explicit && !found) problems.push(`配置文件不存在 / config file not found: ${candidates[0]}`);
  if (found) {
    try {
      const text = readFileSync(found, "utf8");
      const parsed = found.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) file = parsed;
      else if (parsed != null) problems.push(`${found}: 顶层应为对象 / the top level must be an object`);
    } catch (e) {
      problems.push(`${found}: 无法解析 / cannot be parsed: ${(e as Error).message}`);
    }
  }
  const fromEnv: Partial2 = {};
  const badEnvPaths = new Set<string>(); // already reported by name: the schema's follow-on errors would only repeat it
  for (const [name, spec] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const before = problems.length;
    setPath(fromEnv, spec.path, convert(raw, spec.type, name, problems));
    if (problems.length > before) badEnvPaths.add("/" + spec.path.join("/"));
  }
  const merged = merge(merge(merge(merge(DEFAULTS as unknown as Partial2, file), fromEnv), flags), src.overrides ?? {});
  const validate = configValidator();
  if (!validate(merged)) {
    for (const e of validate.errors ?? []) {
      const at = e.instancePath || "/";
      if (badEnvPaths.has(at)) continue;
      const extra =
        e.keyword === "additionalProperties"
          ? ` (${(e.params as any).additionalProperty})`
          : e.keyword === "enum"
            ? ` ${JSON.stringify((e.params as any).allowedValues)}`
            : "";
      problems.push(`${at}: ${schemaMessageZh(e)} / ${e.message}${extra}`);
    }
  }
  const tenants = (merged.tenants as TenantSpec[] | undefined) ?? [];
  const seen = new Set<string>();
  for (const t of tenants) {
    if (t && seen.has(t.paasid)) problems.push(`/tenants: paasid ${t.paasid} 重复 / is listed twice`);
    if (t) seen.add(t.paasid);
  }
  const store = merged.store as GatesimConfig["store"] | undefined;
  if (store?.sqlite && store.redis)
    problems.push(
      "/store: sqlite（--data-dir）与 redis（--redis）只能选一个 / choose one of sqlite (--data-dir) and redis (--redis)",
    );
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(merged as unknown as GatesimConfig);
}

/** The config as shown to people: secrets out. */
export function redactedConfig(c: GatesimConfig): Record<string, unknown> {
  return {
    ...c,
    adminToken: c.adminToken ? "[REDACTED]" : undefined,
    store: c.store?.redis ? { ...c.store, redis: c.store.redis.replace(/\/\/[^@/]*@/, "//[REDACTED]@") } : c.store,
    tenants: c.tenants.map(({ paasToken, ...t }) => ({ ...t, paasToken: paasToken ? "[REDACTED]" : undefined })),
  };
}
