// The go-live readiness report: one tenant's journal, over a time window or a named test session,
// judged against a profile — operations exercised, error recoveries shown, violations grouped by rule, plan rules.
import type { Operation, OperationTable } from "../../contracts/loader.js";
import { checkAuditFields } from "../../mocks/datashare/audit-info.js";
import type { Diagnostic } from "../../mocks/shared/types.js";
import type { JournalEntry } from "../journal.js";
import type { Runtime } from "../runtime.js";
import { curlFor } from "./curl-reproduction.js";
import { withUserContractOperations } from "../byoc/report-coverage.js";
import {
  OPERATION_CATALOGUE,
  RECOVERY_KINDS,
  type OperationMatcher,
  type RecoveryKind,
  type ReportProfile,
  type RequiredOperation,
} from "./report-profiles.js";

/** The request header that names a test session (documented in docs/tools.md). */
export const SESSION_HEADER = "x-gatesim-session";

export type RequirementStatus = "pass" | "fail" | "skipped";
export type RequirementGroup = "operations" | "recovery" | "violations" | "plan";

export interface Evidence {
  traceId: string;
  time: string;
  method: string;
  url: string;
  status: number;
}

export interface Requirement {
  id: string;
  group: RequirementGroup;
  /** The platform the requirement belongs to; plan rules use "plan". */
  platform: string;
  zh: string;
  en: string;
  status: RequirementStatus;
  /** Why: "中文 / English". */
  message: string;
  hint?: string;
  evidence?: Evidence[];
  /** Extra lines for people: per-field counts, curl reproductions. */
  details?: string[];
}

export interface ViolationExample extends Evidence {
  location: string;
  seen?: unknown;
  message: string;
  hint: string;
  curl: string;
}

export interface ViolationGroup {
  platform: string;
  rule: string;
  count: number;
  /** The plan rule that reports these (so they fail once, there). */
  coveredBy?: string;
  example: ViolationExample;
}

export interface OperationUse {
  operationId: string;
  calls: number;
  ok: number;
  /** HTTP status → count. */
  statuses: Record<string, number>;
  /** Error statuses the contract declares that the system was seen to receive. */
  declaredErrorsSeen: string[];
}

export interface PlatformSummary {
  name: string;
  loaded: boolean;
  used: boolean;
  operations: OperationUse[];
  pass: number;
  fail: number;
  skipped: number;
}

export interface LicenceDeliveryRecord {
  id: string;
  delaySeconds: number;
  producedAt?: string;
  arrivedAt?: string;
  source: string;
}

export interface ReadinessReport {
  tool: "gatesim report";
  version: string;
  generatedAt: string;
  tenant: { paasid: string; name: string };
  window: { since?: string; until?: string; session?: string };
  profile: { name: string; zh: string; en: string };
  entries: number;
  journalDropped: number;
  verdict: "pass" | "fail";
  counts: { pass: number; fail: number; skipped: number };
  requirements: Requirement[];
  platforms: PlatformSummary[];
  violations: ViolationGroup[];
  notes: string[];
}

export interface ReportWindow {
  since?: number;
  until?: number;
  session?: string;
}

export interface EvaluationInput {
  entries: JournalEntry[];
  table: OperationTable;
  /** Names of the platform modules this simulator runs. */
  platforms: Set<string>;
  tenant: { paasid: string; name: string };
  profile: ReportProfile;
  window?: ReportWindow;
  journalDropped?: number;
  /** Licence catalogue deliveries read from the platforms themselves (undefined: could not be read). */
  licenceRecords?: LicenceDeliveryRecord[];
  baseUrl?: string;
  version?: string;
  now?: Date;
}

/** Platforms whose calls are set-up, not the department's behaviour. */
const CONTROL_PLATFORMS = new Set(["admin", "tools"]);

type Obj = Record<string, any>;

const both = (zh: string, en: string) => `${zh} / ${en}`;

function headerOf(e: JournalEntry, name: string): string | undefined {
  const h = e.request?.headers as Obj | undefined;
  const v = h?.[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

const bodyOf = (e: JournalEntry): Obj | undefined => {
  const b = e.request?.body;
  return b && typeof b === "object" && !Array.isArray(b) ? (b as Obj) : undefined;
};
const answerOf = (e: JournalEntry): Obj | undefined => {
  const b = e.response?.body;
  return b && typeof b === "object" && !Array.isArray(b) ? (b as Obj) : undefined;
};

function diagnosticsOf(e: JournalEntry): Diagnostic[] {
  if (e.violations?.length) return e.violations;
  const d = answerOf(e)?._diagnostics;
  return Array.isArray(d) ? (d as Diagnostic[]) : [];
}

function errcodeOf(e: JournalEntry): unknown {
  const b = answerOf(e);
  return b?.errcode ?? b?.error;
}

function queryParam(e: JournalEntry, name: string): string | undefined {
  const i = e.url.indexOf("?");
  return i === -1 ? undefined : (new URLSearchParams(e.url.slice(i + 1)).get(name) ?? undefined);
}

function grantTypeOf(e: JournalEntry): string | undefined {
  const b = bodyOf(e)?.grant_type;
  return typeof b === "string" ? b : queryParam(e, "grant_type");
}

/** A call the department got right: a 2xx/3xx answer that is not a forced scenario and not a failure envelope. */
function succeeded(e: JournalEntry): boolean {
  if (e.event || e.scenario || e.status < 200 || e.status >= 400) return false;
  const b = answerOf(e);
  if (b?.ack_code === "FAILURE") return false; // e-licence envelope (facts §4.5)
  if (typeof b?.errcode === "number" && b.errcode !== 0) return false;
  return true;
}

const matcherCache = new Map<string, RegExp>();
const rx = (p: string) => {
  let r = matcherCache.get(p);
  if (!r) matcherCache.set(p, (r = new RegExp(p, "i")));
  return r;
};

export function matchesOperation(m: OperationMatcher, e: JournalEntry): boolean {
  if (m.operationId && !(e.operationId && m.operationId.includes(e.operationId))) return false;
  if (m.operationIdPattern && !(e.operationId && rx(m.operationIdPattern).test(e.operationId))) return false;
  if (m.serviceId && !(e.serviceId && m.serviceId.includes(e.serviceId))) return false;
  if (m.serviceIdPattern && !(e.serviceId && rx(m.serviceIdPattern).test(e.serviceId))) return false;
  if (m.grantType) {
    const g = grantTypeOf(e);
    if (!g || !m.grantType.includes(g)) return false;
  }
  if (m.method && e.method.toUpperCase() !== m.method.toUpperCase()) return false;
  return true;
}

// ---- recoveries: a declared error received, then handled -------------------------------------------------------

const hasRule = (e: JournalEntry, test: (rule: string) => boolean) =>
  diagnosticsOf(e).some((d) => typeof d.rule === "string" && test(d.rule));

const RECOVERY: Record<
  RecoveryKind,
  {
    zh: string;
    en: string;
    platform: string;
    hint: string;
    seen(e: JournalEntry): boolean;
    recovers(later: JournalEntry, first: JournalEntry): boolean;
  }
> = {
  "token-expired": {
    zh: "访问令牌过期后刷新（或重新登录）",
    en: "refresh (or log in again) after the access token expired",
    platform: "identity",
    hint: '将租户时钟前拨 7201 秒（POST /_gatesim/tenants/{paasid}/clock {"action":"advance","ms":7201000}），再调用并刷新令牌 / advance the tenant clock 7201 s, call again and refresh the token',
    seen: (e) =>
      e.status === 401 &&
      (hasRule(e, (r) => r === "jwt-exp") ||
        // \u8FC7\u671F is 过期 (expired), escaped so the bundle stays ASCII (scripts/bundle.mjs)
        /expired|\u8FC7\u671F/i.test(String(answerOf(e)?.errmsg ?? answerOf(e)?.error_description ?? ""))),
    recovers: (l) =>
      succeeded(l) &&
      (matchesOperation(OPERATION_CATALOGUE["identity.refresh"].match, l) ||
        matchesOperation(OPERATION_CATALOGUE["identity.login"].match, l)),
  },
  replay: {
    zh: "重放被拒（40003）后用新 nonce 重新签名",
    en: "re-sign with a fresh nonce after a replay refusal (40003)",
    platform: "gateway",
    hint: "重试时生成新的 nonce 并重新签名 / generate a new nonce and sign again on every retry",
    seen: (e) => errcodeOf(e) === 40003 || hasRule(e, (r) => r === "x-tif.nonce-unique"),
    recovers: (l, f) =>
      succeeded(l) &&
      l.operationId === f.operationId &&
      l.serviceId === f.serviceId &&
      !!headerOf(l, "x-tif-nonce") &&
      headerOf(l, "x-tif-nonce") !== headerOf(f, "x-tif-nonce"),
  },
  "clock-skew": {
    zh: "时间戳超窗（40002）后校准时钟",
    en: "re-sync the clock after a timestamp refusal (40002)",
    platform: "gateway",
    hint: "用 NTP 校时，时间戳取当前秒数 / sync the clock (NTP) and send the current Unix seconds",
    seen: (e) => errcodeOf(e) === 40002 || hasRule(e, (r) => r.startsWith("x-tif.timestamp")),
    recovers: (l) => succeeded(l) && !!headerOf(l, "x-tif-paasid"),
  },
  "upstream-retry": {
    zh: "上游不可用/超时/限流后重试成功",
    en: "retry after upstream unavailable / timeout / rate limit",
    platform: "gateway",
    hint: "对 50201/50401/42901 退避后重试 / back off and retry on 50201, 50401, 42901",
    seen: (e) => [50201, 50401, 42901].includes(Number(errcodeOf(e))) || [429, 502, 503, 504].includes(e.status),
    recovers: (l, f) => succeeded(l) && l.operationId === f.operationId && l.serviceId === f.serviceId,
  },
};

function recoveryKindOf(e: JournalEntry): RecoveryKind | undefined {
  return RECOVERY_KINDS.find((k) => RECOVERY[k].seen(e));
}

// ---- plan rules ---------------------------------------------------------------------------------------------------

/** Whether an operation's request body schema declares a property (any depth). */
const mentionCache = new WeakMap<Operation, Map<string, boolean>>();
function schemaMentions(op: Operation | undefined, prop: string): boolean {
  if (!op?.requestBody) return false;
  let m = mentionCache.get(op);
  if (!m) mentionCache.set(op, (m = new Map()));
  const hit = m.get(prop);
  if (hit !== undefined) return hit;
  const seen = new Set<unknown>();
  const walk = (n: unknown, depth: number): boolean => {
    if (!n || typeof n !== "object" || depth > 12 || seen.has(n)) return false;
    seen.add(n);
    const o = n as Obj;
    if (o.properties && typeof o.properties === "object" && prop in o.properties) return true;
    return Object.values(o).some((v) => walk(v, depth + 1));
  };
  const found = Object.values(op.requestBody.content).some((c) => walk(c.schema, 0));
  m.set(prop, found);
  return found;
}

const AUDIT_FIELDS = /^\/body\/(audit_info|system_id|vender_id|department_id|UID|query_timestamp)(\/|$)/;

function isDataQuery(e: JournalEntry, op: Operation | undefined): boolean {
  if (e.event) return false;
  if (op?.platform === "datashare" && !!e.serviceId && /^C\d{13}$/.test(e.serviceId)) return true;
  if (schemaMentions(op, "audit_info")) return true;
  const b = bodyOf(e);
  return (!!b && "audit_info" in b) || errcodeOf(e) === 1001;
}

function isLicenceSharing(e: JournalEntry, op: Operation | undefined): boolean {
  if (e.event || op?.platform !== "elicence") return false;
  if (schemaMentions(op, "useCause")) return true;
  const b = bodyOf(e);
  const d = b?.data && typeof b.data === "object" ? (b.data as Obj) : undefined;
  return !!b && ["useCause", "holderCode", "certIdentifier"].some((k) => k in b || (!!d && k in d));
}

/** Licence-delivery records inside answers and events: objects carrying a delay in seconds (licence-catalogue.ts). */
function deliveriesIn(e: JournalEntry): LicenceDeliveryRecord[] {
  const out: LicenceDeliveryRecord[] = [];
  const walk = (n: unknown, depth: number) => {
    if (!n || typeof n !== "object" || depth > 6) return;
    if (Array.isArray(n)) return n.slice(0, 500).forEach((x) => walk(x, depth + 1));
    const o = n as Obj;
    const delay =
      typeof o.delaySeconds === "number"
        ? o.delaySeconds
        : typeof o.delay_seconds === "number"
          ? o.delay_seconds
          : undefined;
    if (delay !== undefined) {
      const id = o.record?.certificate_source_id ?? o.certificate_source_id ?? o.id ?? `${e.traceId}#${out.length}`;
      const iso = (v: unknown) =>
        typeof v === "number" ? new Date(v).toISOString() : typeof v === "string" ? v : undefined;
      out.push({
        id: String(id),
        delaySeconds: delay,
        producedAt: iso(o.producedAt ?? o.produced_at),
        arrivedAt: iso(o.arrivedAt ?? o.arrived_at),
        source: e.event ?? e.operationId ?? "journal",
      });
      return;
    }
    for (const v of Object.values(o)) walk(v, depth + 1);
  };
  walk(e.response?.body, 0);
  return out;
}

// ---- evaluation ---------------------------------------------------------------------------------------------------

function evidence(e: JournalEntry): Evidence {
  return { traceId: e.traceId, time: e.time, method: e.method, url: e.url, status: e.status };
}

function inWindow(e: JournalEntry, w: ReportWindow): boolean {
  const t = Date.parse(e.time);
  if (w.since !== undefined && t < w.since) return false;
  if (w.until !== undefined && t > w.until) return false;
  return true;
}

/** Entries of the window/session, oldest first; events follow the requests that caused them (same trace id). */
export function selectEntries(all: JournalEntry[], w: ReportWindow): JournalEntry[] {
  const timed = all.filter((e) => inWindow(e, w));
  if (w.session === undefined) return timed;
  const traces = new Set(
    timed.filter((e) => !e.event && headerOf(e, SESSION_HEADER) === w.session).map((e) => e.traceId),
  );
  return timed.filter((e) => traces.has(e.traceId));
}

function summarise(items: string[], limit = 6): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`);
  return parts.slice(0, limit).join(", ") + (parts.length > limit ? ", …" : "");
}

export function evaluateReadiness(input: EvaluationInput): ReadinessReport {
  const { table, profile, tenant } = input;
  const w = input.window ?? {};
  const baseUrl = input.baseUrl ?? "http://127.0.0.1:8080";
  const opOf = (e: JournalEntry) => (e.operationId ? table.byId.get(e.operationId) : undefined);
  const platformOf = (e: JournalEntry) => opOf(e)?.platform ?? "gateway";
  const entries = selectEntries(input.entries, w).filter(
    (e) => !CONTROL_PLATFORMS.has(opOf(e)?.platform ?? "") && !opOf(e)?.security.includes("admin"),
  );
  const calls = entries.filter((e) => !e.event);
  const loaded = new Set([...input.platforms].filter((p) => !CONTROL_PLATFORMS.has(p)));
  const requirements: Requirement[] = [];
  const notes: string[] = [];

  // 1. operations exercised against the profile's required set
  for (const req of profile.operations) requirements.push(checkOperation(req, calls, loaded, table));

  // 2. recoveries
  const recoveryOf = new Map<JournalEntry, RecoveryKind>();
  for (const e of calls) {
    const k = recoveryKindOf(e);
    if (k) recoveryOf.set(e, k);
  }
  for (const kind of RECOVERY_KINDS) {
    const def = RECOVERY[kind];
    const required = profile.recoveries.includes(kind);
    const seenAt = calls.map((e, i) => [e, i] as const).filter(([e]) => recoveryOf.get(e) === kind);
    const base = {
      id: `recovery.${kind}`,
      group: "recovery" as const,
      platform: def.platform,
      zh: def.zh,
      en: def.en,
      hint: def.hint,
    };
    if (!seenAt.length) {
      requirements.push({
        ...base,
        status: required ? "fail" : "skipped",
        message: required
          ? both(
              "配置要求演示此恢复，但本次未出现该错误",
              "the profile requires this recovery, but the error was never received in this run",
            )
          : both("未出现该错误（配置未要求）", "the error was not received (not required by the profile)"),
      });
      continue;
    }
    const unrecovered = seenAt
      .filter(([first, i]) => !calls.slice(i + 1).some((l) => def.recovers(l, first)))
      .map(([e]) => e);
    requirements.push({
      ...base,
      status: unrecovered.length ? "fail" : "pass",
      message: unrecovered.length
        ? both(
            `收到 ${seenAt.length} 次，其中 ${unrecovered.length} 次之后没有恢复`,
            `received ${seenAt.length} time(s); ${unrecovered.length} not followed by a recovery`,
          )
        : both(`收到 ${seenAt.length} 次，均已恢复`, `received ${seenAt.length} time(s), recovered every time`),
      evidence: (unrecovered.length ? unrecovered : seenAt.map(([e]) => e)).slice(0, 5).map(evidence),
    });
  }

  // 3. plan rules
  const auditSubjects = calls.filter((e) => isDataQuery(e, opOf(e)));
  const licenceCalls = calls.filter((e) => isLicenceSharing(e, opOf(e)));
  requirements.push(checkLicenceDelivery(input, entries, loaded, notes));
  requirements.push(checkAudit(auditSubjects, profile, loaded, tenant.paasid, baseUrl));
  requirements.push(checkUseCause(licenceCalls, profile, loaded, baseUrl));

  // 4. violations by platform and rule (recoveries and forced scenarios are not violations)
  const groups = new Map<string, ViolationGroup>();
  let simulatorFaults = 0;
  for (const e of calls) {
    if (e.scenario || recoveryOf.has(e)) continue;
    if (e.status >= 200 && e.status < 400) {
      if (e.violations?.length) simulatorFaults++;
      continue;
    }
    if (errcodeOf(e) === 50001) {
      simulatorFaults++;
      continue;
    }
    const op = opOf(e);
    const audit = auditSubjects.includes(e);
    for (const d of diagnosticsOf(e)) {
      const platform = platformOf(e);
      const key = `${platform}\u0000${d.rule}`;
      const g = groups.get(key);
      if (g) {
        g.count++;
        continue;
      }
      const coveredBy =
        audit && (errcodeOf(e) === 1001 || AUDIT_FIELDS.test(d.location))
          ? "plan.audit-info"
          : /usecause/i.test(d.location) && op?.platform === "elicence"
            ? "plan.use-cause"
            : undefined;
      groups.set(key, {
        platform,
        rule: String(d.rule),
        count: 1,
        ...(coveredBy ? { coveredBy } : {}),
        example: {
          ...evidence(e),
          location: d.location,
          ...(d.seen !== undefined ? { seen: d.seen } : {}),
          message: d.message,
          hint: d.hint,
          curl: curlFor(
            { method: e.method, url: e.url, headers: e.request?.headers as Obj, body: e.request?.body },
            baseUrl,
          ),
        },
      });
    }
  }
  if (simulatorFaults)
    notes.push(
      both(
        `${simulatorFaults} 次应答不符合模拟平台自身契约（gatesim 缺陷，不计入结论）`,
        `${simulatorFaults} answer(s) broke the simulated platform's own contract (gatesim bugs, not counted against the system)`,
      ),
    );
  const violations = [...groups.values()].sort((a, b) => a.platform.localeCompare(b.platform) || b.count - a.count);

  // one "no violations" requirement per platform the system used
  const usedPlatforms = [...new Set(calls.map(platformOf))].sort();
  for (const p of usedPlatforms) {
    const own = violations.filter((v) => v.platform === p && !v.coveredBy);
    requirements.push({
      id: `${p}.no-violations`,
      group: "violations",
      platform: p,
      zh: "无契约违规",
      en: "no contract violations",
      status: own.length ? "fail" : "pass",
      message: own.length
        ? both(
            `${own.length} 条规则被违反：${summarise(own.map((v) => v.rule))}`,
            `${own.length} rule(s) broken: ${own.map((v) => `${v.rule} ×${v.count}`).join(", ")}`,
          )
        : both("该平台的调用均符合契约", "every call to this platform matched the contract"),
      details: own.flatMap((v) => [
        `[${v.rule}] ×${v.count} ${v.example.location}: ${v.example.message}`,
        `  提示 hint: ${v.example.hint}`,
        `  trace ${v.example.traceId}`,
        ...v.example.curl.split("\n").map((l) => `  ${l}`),
      ]),
      evidence: own
        .map((v) => v.example)
        .map(({ traceId, time, method, url, status }) => ({ traceId, time, method, url, status })),
    });
  }

  // per-platform use and counts
  const names = [...new Set([...loaded, ...usedPlatforms, ...requirements.map((r) => r.platform)])]
    .filter((p) => p !== "plan")
    .sort();
  const platforms: PlatformSummary[] = [...names, "plan"]
    .map((name) => {
      const mine = requirements.filter((r) => r.platform === name);
      const ops = new Map<string, OperationUse>();
      for (const e of calls) {
        if (platformOf(e) !== name || !e.operationId) continue;
        let u = ops.get(e.operationId);
        if (!u)
          ops.set(
            e.operationId,
            (u = { operationId: e.operationId, calls: 0, ok: 0, statuses: {}, declaredErrorsSeen: [] }),
          );
        u.calls++;
        if (succeeded(e)) u.ok++;
        u.statuses[String(e.status)] = (u.statuses[String(e.status)] ?? 0) + 1;
        const declared = opOf(e)?.responses;
        if (e.status >= 400 && declared?.[String(e.status)] && !u.declaredErrorsSeen.includes(String(e.status)))
          u.declaredErrorsSeen.push(String(e.status));
      }
      return {
        name,
        loaded: name === "plan" || loaded.has(name),
        used: calls.some((e) => platformOf(e) === name),
        operations: [...ops.values()].sort((a, b) => a.operationId.localeCompare(b.operationId)),
        pass: mine.filter((r) => r.status === "pass").length,
        fail: mine.filter((r) => r.status === "fail").length,
        skipped: mine.filter((r) => r.status === "skipped").length,
      };
    })
    .filter((p) => p.pass + p.fail + p.skipped > 0 || p.used);

  for (const p of ["identity", "eseal", "elicence", "datashare"])
    if (!loaded.has(p))
      notes.push(
        both(
          `本模拟器未加载 ${p} 平台：其要求记为不适用`,
          `the ${p} platform is not loaded in this simulator: its requirements are marked not applicable`,
        ),
      );
  if (input.journalDropped)
    notes.push(
      both(
        `日志环形缓冲已丢弃 ${input.journalDropped} 条较早记录，覆盖情况可能不完整（调大 journal.cap 或缩短时间窗）`,
        `the journal ring dropped ${input.journalDropped} older entries; coverage may be incomplete (raise journal.cap or narrow the window)`,
      ),
    );
  if (!calls.length) notes.push(both("时间窗/会话内没有任何调用", "no calls in this window/session"));

  const counts = {
    pass: requirements.filter((r) => r.status === "pass").length,
    fail: requirements.filter((r) => r.status === "fail").length,
    skipped: requirements.filter((r) => r.status === "skipped").length,
  };
  const iso = (n?: number) => (n === undefined ? undefined : new Date(n).toISOString());
  return {
    tool: "gatesim report",
    version: input.version ?? "0.0.0",
    generatedAt: (input.now ?? new Date()).toISOString(),
    tenant,
    window: {
      ...(w.since !== undefined ? { since: iso(w.since) } : {}),
      ...(w.until !== undefined ? { until: iso(w.until) } : {}),
      ...(w.session !== undefined ? { session: w.session } : {}),
    },
    profile: { name: profile.name, zh: profile.zh, en: profile.en },
    entries: calls.length,
    journalDropped: input.journalDropped ?? 0,
    verdict: counts.fail ? "fail" : "pass",
    counts,
    requirements,
    platforms,
    violations,
    notes,
  };
}

function checkOperation(
  req: RequiredOperation,
  calls: JournalEntry[],
  loaded: Set<string>,
  table: OperationTable,
): Requirement {
  const base = {
    id: `${req.id.includes(".") ? req.id : `${req.platform}.${req.id}`}`,
    group: "operations" as const,
    platform: req.platform,
    zh: req.zh,
    en: req.en,
    ...(req.hint ? { hint: req.hint } : {}),
  };
  if (!loaded.has(req.platform))
    return {
      ...base,
      status: "skipped",
      message: both(
        `不适用：本模拟器未加载 ${req.platform} 平台`,
        `not applicable: the ${req.platform} platform is not loaded in this simulator`,
      ),
    };
  const m = req.match;
  if (m.operationId || m.operationIdPattern) {
    const exists = table.operations.some(
      (o) =>
        o.platform === req.platform &&
        (!m.operationId || m.operationId.includes(o.operationId)) &&
        (!m.operationIdPattern || rx(m.operationIdPattern).test(o.operationId)),
    );
    if (!exists)
      return {
        ...base,
        status: "skipped",
        message: both(
          `不适用：契约中没有与此要求匹配的接口（配置过时？）`,
          `not applicable: no operation in the contracts matches this requirement (profile out of date?)`,
        ),
      };
  }
  const tried = calls.filter(
    (e) => table.byId.get(e.operationId ?? "")?.platform === req.platform && matchesOperation(m, e),
  );
  const ok = tried.filter(succeeded);
  if (ok.length)
    return {
      ...base,
      status: "pass",
      message: both(`成功调用 ${ok.length} 次`, `${ok.length} successful call(s)`),
      evidence: ok.slice(0, 3).map(evidence),
    };
  return {
    ...base,
    status: "fail",
    message: tried.length
      ? both(`调用 ${tried.length} 次，没有一次成功`, `called ${tried.length} time(s), never successfully`)
      : both("未调用", "never called"),
    evidence: tried.slice(0, 3).map(evidence),
  };
}

function checkLicenceDelivery(
  input: EvaluationInput,
  entries: JournalEntry[],
  loaded: Set<string>,
  notes: string[],
): Requirement {
  const limit = input.profile.plan.licenceDeliverySeconds;
  const base = {
    id: "plan.licence-delivery-2h",
    group: "plan" as const,
    platform: "plan",
    zh: `证照目录信息 ${limit / 3600} 小时内报送共享平台`,
    en: `licence catalogue data delivered to the sharing platform within ${limit / 3600} h`,
    hint: "办结签发后立即报送证照目录信息（规划附件2；facts §4.6）/ deliver the catalogue record right after issuance (plan 附件2, facts §4.6)",
  };
  if (!loaded.has("elicence") && !loaded.has("datashare"))
    return {
      ...base,
      status: "skipped",
      message: both(
        "不适用：电子证照与数据共享平台均未加载",
        "not applicable: neither the e-licence nor the data-sharing platform is loaded",
      ),
    };
  const byId = new Map<string, LicenceDeliveryRecord>();
  for (const e of entries) for (const r of deliveriesIn(e)) byId.set(r.id, r);
  if (input.licenceRecords) for (const r of input.licenceRecords) byId.set(r.id, r);
  if (input.licenceRecords && input.window?.session !== undefined)
    notes.push(
      both(
        "证照报送记录取自平台本身，不按会话过滤（只按时间窗）",
        "licence delivery records come from the platform itself and are filtered by time window, not by session",
      ),
    );
  const records = [...byId.values()];
  if (!records.length)
    return {
      ...base,
      status: "skipped",
      message: both("本次没有证照目录报送记录", "no licence catalogue deliveries in this run"),
    };
  const late = records.filter((r) => r.delaySeconds > limit);
  const max = Math.max(...records.map((r) => r.delaySeconds));
  return {
    ...base,
    status: late.length ? "fail" : "pass",
    message: late.length
      ? both(
          `${records.length} 条中 ${late.length} 条超时，最长 ${Math.round(max)} 秒`,
          `${late.length} of ${records.length} record(s) late; longest ${Math.round(max)} s`,
        )
      : both(
          `${records.length} 条均按时报送，最长 ${Math.round(max)} 秒`,
          `all ${records.length} record(s) on time; longest ${Math.round(max)} s`,
        ),
    details: late
      .slice(0, 20)
      .map(
        (r) =>
          `${r.id}: ${Math.round(r.delaySeconds)} s (produced ${r.producedAt ?? "?"}, arrived ${r.arrivedAt ?? "?"}, via ${r.source})`,
      ),
  };
}

function checkAudit(
  subjects: JournalEntry[],
  profile: ReportProfile,
  loaded: Set<string>,
  paasid: string,
  baseUrl: string,
): Requirement {
  const base = {
    id: "plan.audit-info",
    group: "plan" as const,
    platform: "plan",
    zh: "数据共享查询携带完整 audit_info",
    en: "data-sharing queries carry complete audit_info",
    hint: "每次查询都带 operator_id、operator_name、query_object_id(_type)、item_code、terminal_info、query_timestamp（facts §5.2、§5.4）/ send every audit field on every query (facts §5.2, §5.4)",
  };
  if (!profile.plan.auditInfo)
    return { ...base, status: "skipped", message: both("配置关闭了此规则", "disabled by the profile") };
  if (!subjects.length)
    return loaded.has("datashare")
      ? { ...base, status: "skipped", message: both("本次没有数据共享查询", "no data-sharing queries in this run") }
      : {
          ...base,
          status: "skipped",
          message: both("不适用：数据共享平台未加载", "not applicable: the data-sharing platform is not loaded"),
        };
  const bad: { e: JournalEntry; problems: string[] }[] = [];
  let unreadable = 0;
  for (const e of subjects) {
    const problems: string[] = [];
    const refused = errcodeOf(e) === 1001;
    const body = e.request?.body as Obj | undefined;
    if (body && typeof body === "object" && (body as Obj).truncated === true) unreadable++;
    else
      for (const d of checkAuditFields(body, { paasid, now: Date.parse(e.time) }))
        problems.push(d.location.replace(/^\/body\//, ""));
    if (refused && !problems.length)
      problems.push(
        ...diagnosticsOf(e).map((d) => d.location.replace(/^\/body\//, "")),
        ...(diagnosticsOf(e).length ? [] : ["1001"]),
      );
    if (problems.length) bad.push({ e, problems });
  }
  const refusals = subjects.filter((e) => errcodeOf(e) === 1001).length;
  const fields = summarise(bad.flatMap((b) => [...new Set(b.problems)]));
  const note = unreadable
    ? both(`（${unreadable} 条请求体过大被截断，未检查）`, `(${unreadable} truncated bodies not checked)`)
    : "";
  if (!bad.length)
    return {
      ...base,
      status: "pass",
      message:
        both(`${subjects.length} 次查询的审计信息均完整`, `audit_info complete on all ${subjects.length} queries`) +
        note,
      evidence: subjects.slice(0, 3).map(evidence),
    };
  return {
    ...base,
    status: "fail",
    message:
      both(
        `${subjects.length} 次查询中 ${bad.length} 次审计信息不完整（${refusals} 次被 1001 拒绝）：${fields}`,
        `${bad.length} of ${subjects.length} queries had incomplete audit_info (${refusals} refused with 1001): ${fields}`,
      ) + note,
    evidence: bad.slice(0, 5).map((b) => evidence(b.e)),
    details: [
      `示例 example (trace ${bad[0].e.traceId}):`,
      ...curlFor(
        {
          method: bad[0].e.method,
          url: bad[0].e.url,
          headers: bad[0].e.request?.headers as Obj,
          body: bad[0].e.request?.body,
        },
        baseUrl,
      ).split("\n"),
    ],
  };
}

function checkUseCause(
  subjects: JournalEntry[],
  profile: ReportProfile,
  loaded: Set<string>,
  baseUrl: string,
): Requirement {
  const base = {
    id: "plan.use-cause",
    group: "plan" as const,
    platform: "plan",
    zh: "证照共享调用注明用证事由 useCause",
    en: "licence-sharing calls state useCause",
    hint: "每次证照查询/下载都带 useCause（≤200 字，facts §4.5、§5.4）/ send useCause (≤ 200 chars) on every licence query and download (facts §4.5, §5.4)",
  };
  if (!profile.plan.useCause)
    return { ...base, status: "skipped", message: both("配置关闭了此规则", "disabled by the profile") };
  if (!subjects.length)
    return loaded.has("elicence")
      ? { ...base, status: "skipped", message: both("本次没有证照共享调用", "no licence-sharing calls in this run") }
      : {
          ...base,
          status: "skipped",
          message: both("不适用：电子证照平台未加载", "not applicable: the e-licence platform is not loaded"),
        };
  const bad = subjects.filter((e) => {
    const b = bodyOf(e);
    const v = b?.useCause ?? (b?.data && typeof b.data === "object" ? (b.data as Obj).useCause : undefined);
    return typeof v !== "string" || !v.trim() || v.length > 200;
  });
  if (!bad.length)
    return {
      ...base,
      status: "pass",
      message: both(`${subjects.length} 次调用均注明 useCause`, `useCause present on all ${subjects.length} calls`),
    };
  return {
    ...base,
    status: "fail",
    message: both(
      `${subjects.length} 次证照共享调用中 ${bad.length} 次缺少有效的 useCause`,
      `${bad.length} of ${subjects.length} licence-sharing calls lack a valid useCause`,
    ),
    evidence: bad.slice(0, 5).map(evidence),
    details: curlFor(
      { method: bad[0].method, url: bad[0].url, headers: bad[0].request?.headers as Obj, body: bad[0].request?.body },
      baseUrl,
    ).split("\n"),
  };
}

// ---- from a running simulator -------------------------------------------------------------------------------------

/** Licence deliveries kept by the data-sharing platform, if its in-process API offers them (duck-typed: the platform
 *  is wired separately, and the report must work whatever platforms exist). */
async function licenceRecordsOf(
  rt: Runtime,
  paasid: string,
  w: ReportWindow,
): Promise<LicenceDeliveryRecord[] | undefined> {
  type Lister = { list?: (store: unknown) => Promise<unknown[]> };
  const api = rt.platforms.get("datashare")?.api as { licences?: Lister; domain?: { licences?: Lister } } | undefined;
  const licences = api?.licences ?? api?.domain?.licences;
  const t = rt.tenants.get(paasid);
  if (!licences?.list || !t) return undefined;
  try {
    const all = (await licences.list(t.store)) as Obj[];
    return all
      .filter(
        (s) =>
          typeof s?.delaySeconds === "number" &&
          (w.since === undefined || s.arrivedAt >= w.since) &&
          (w.until === undefined || s.arrivedAt <= w.until),
      )
      .map((s) => ({
        id: String(s.record?.certificate_source_id ?? s.id),
        delaySeconds: s.delaySeconds,
        producedAt: new Date(s.producedAt).toISOString(),
        arrivedAt: new Date(s.arrivedAt).toISOString(),
        source: String(s.source ?? "datashare"),
      }));
  } catch {
    return undefined;
  }
}

export async function buildReport(
  rt: Runtime,
  paasid: string,
  opts: { profile: ReportProfile; window?: ReportWindow; baseUrl?: string },
): Promise<ReadinessReport> {
  const t = rt.tenants.get(paasid);
  if (!t) throw new Error(`no tenant ${paasid}`);
  const w = opts.window ?? {};
  return evaluateReadiness({
    entries: await t.journal.read(),
    journalDropped: t.journal.dropped,
    table: rt.table,
    platforms: new Set(rt.platforms.keys()),
    tenant: { paasid, name: t.tenant.name },
    profile: withUserContractOperations(opts.profile, rt.table),
    window: w,
    licenceRecords: await licenceRecordsOf(rt, paasid, w),
    baseUrl: opts.baseUrl,
    version: rt.version,
  });
}
