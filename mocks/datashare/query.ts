// Executes a GatewayMsg data-sharing call (facts §5.2) under §8.5's rules, auditing every call.
import { bilingualText, problemOf } from "../shared/error-catalogue.js";
import { performance } from "node:perf_hooks";
import type { Applications } from "./applications.js";
import { checkAuditFields } from "./audit-info.js";
import { requestHash, type AuditLog } from "./audit-log.js";
import type { BaseLibraries, Row } from "./base-libraries.js";
import type { Catalogue } from "./catalogue.js";
import { DATASHARE_ERRORS, diag, type ErrorDef } from "./errors.js";
import { maskValue } from "./mask.js";
import {
  DEFAULT_PROVIDER_TIMEOUT_MS,
  ProviderUnavailableError,
  validateProviderAnswer,
  type ProviderCaller,
} from "./provider.js";
import { checkQueryConditions, type ParsedQuery } from "./query-conditions.js";
import type {
  AuditEntry,
  CatalogueEntry,
  DatashareSchemas,
  DatashareTenant,
  Diagnostic,
  Grant,
  TenantDirectory,
} from "./types.js";
import type { Problem } from "../shared/types.js";

export interface QueryDeps {
  directory: TenantDirectory;
  catalogue: Catalogue;
  applications: Applications;
  audit: AuditLog;
  libraries: BaseLibraries;
  /** Transport to department providers (URL-hooked resources); without it they answer 50201. */
  callProvider?: ProviderCaller;
  providerTimeoutMs?: number;
}

export interface QueryRequest {
  paasid: string;
  serviceId: string;
  body: unknown;
  /** The request bytes as received; the audit's request hash is taken over them when given. */
  rawBody?: Buffer;
  traceId?: string;
  /** The request's nonce claim still in flight (HandlerInput.claimed): the catalogue and grant reads go with it. */
  claimed?: Promise<void>;
}

/** The §5.2 response envelope of an answered query (contracts/datashare.yaml QueryResult). */
export type QueryResult = DatashareSchemas["QueryResult"];
type QueryMetadata = QueryResult["data"]["metadata"];
/** The §5.2 envelope of a refused one. */
export interface QueryRefused {
  errcode: number;
  errmsg: string;
  data: null;
}

interface OutcomeBase {
  status: number;
  errcode: number;
  /** Violations of the catalogue found in a provider's answer (reported to consumer and provider). */
  providerViolations?: Diagnostic[];
  audit: AuditEntry;
}

/** An answered query, or a refused one with the Problem for the platform envelope (with diagnostics). */
export type QueryOutcome =
  (OutcomeBase & { body: QueryResult; problem?: undefined }) | (OutcomeBase & { body: QueryRefused; problem: Problem });

type Refusal = { def: ErrorDef; detail?: { zh: string; en: string }; diagnostics?: Diagnostic[]; reason: string };

/**
 * One call, checked in this order: resource known (1101) and published (1005); caller and audit fields (1001); grant
 * present, not withdrawn, not expired on the consumer's clock (1003); query conditions and paging against the items
 * (1002); quota (1004). Then rows from the library, the hooked rows or the provider (50201/50401), projected to the
 * granted fields and masked as the grant says. Every call, refused or not, is appended to the audit log.
 */
export async function executeQuery(deps: QueryDeps, req: QueryRequest): Promise<QueryOutcome> {
  const started = performance.now();
  const t = deps.directory.tenant(req.paasid);
  if (!t) throw new Error(`executeQuery: unknown tenant ${req.paasid}`);
  const now = t.clock.now();
  // the grant is read alongside the entry (one round trip on a shared store), and used only once it is checked
  const grantRead = deps.applications.grant(t, req.serviceId);
  grantRead.catch(() => undefined); // a refusal before the grant check never awaits it
  const entry = await deps.catalogue.byServiceId(req.serviceId);
  // nothing is written (the audit entry included) before the claim is settled: a replay leaves no trace but its 40003
  if (req.claimed) await req.claimed;
  const body = (req.body && typeof req.body === "object" && !Array.isArray(req.body) ? req.body : {}) as Record<
    string,
    unknown
  >;
  const auditInfo = body.audit_info;
  const ai = (auditInfo && typeof auditInfo === "object" ? auditInfo : {}) as Record<string, unknown>;

  // eslint-disable-next-line prefer-const -- recordOf() below reads it, and refusals are recorded before the grant is looked up
  let grant: Grant | undefined;

  /** The call's audit record. */
  const recordOf = (r: Finished): Omit<AuditEntry, "seq" | "id"> => {
    const def = r.refusal?.def ?? DATASHARE_ERRORS.ok;
    // Built by assignment, not conditional spreads: every GatewayMsg call makes one.
    const rec: Omit<AuditEntry, "seq" | "id"> = {
      time: now,
      consumerPaasid: req.paasid,
      provider: entry?.provider ?? "",
      providerCode: entry?.providerCode ?? "",
      serviceId: req.serviceId,
      resourceCode: entry?.resourceCode ?? "",
      resourceName: entry?.name ?? "",
      auditInfo: auditInfo ?? null,
      fieldsReturned: r.fields ?? [],
      rowCount: r.rows?.length ?? 0,
      errcode: def.code,
      requestHash: requestHash(req.rawBody ?? req.body),
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000, // after the hash, like every check before it
    };
    if (entry?.ownerPaasid) rec.ownerPaasid = entry.ownerPaasid;
    if (grant) rec.purpose = grant.purpose;
    if (typeof ai.item_code === "string") rec.itemCode = ai.item_code;
    else if (grant) rec.itemCode = grant.itemCode;
    if (r.refusal) rec.reason = r.refusal.reason;
    if (req.traceId) rec.traceId = req.traceId;
    if (r.providerViolations?.length) rec.providerViolations = r.providerViolations.length;
    return rec;
  };
  /** The answer, once its audit entry is written. */
  const outcome = (r: Finished, audit: AuditEntry): QueryOutcome => {
    const def = r.refusal?.def ?? DATASHARE_ERRORS.ok;
    const base: OutcomeBase = {
      status: def.status,
      errcode: def.code,
      ...(r.providerViolations?.length ? { providerViolations: r.providerViolations } : {}),
      audit,
    };
    if (r.refusal)
      return {
        ...base,
        body: { errcode: def.code, errmsg: bilingualText(def, r.refusal.detail), data: null },
        problem: problemOf(def, r.refusal.detail, r.refusal.diagnostics),
      };
    // a refusal has no metadata; an answer always has it (finish is called with rows and metadata together)
    const metadata = { ...r.metadata!, request_id: audit.id };
    return { ...base, body: { errcode: 0, errmsg: bilingualText(def), data: { data: r.rows ?? [], metadata } } };
  };
  const finish = async (r: Finished): Promise<QueryOutcome> => outcome(r, await deps.audit.append(recordOf(r)));

  if (!entry)
    return finish({
      refusal: {
        def: DATASHARE_ERRORS.resourceNotFound,
        reason: "unknown-service",
        detail: {
          zh: `目录中没有 serviceId ${req.serviceId}`,
          en: `no catalogue resource has serviceId ${req.serviceId}`,
        },
      },
    });
  if (entry.status === "withdrawn")
    return finish({
      refusal: {
        def: DATASHARE_ERRORS.resourceWithdrawn,
        reason: "resource-withdrawn",
        detail: {
          zh: `${entry.name}（${entry.resourceCode}）已撤销${entry.withdrawReason ? `：${entry.withdrawReason}` : ""}`,
          en: `${entry.resourceCode} was withdrawn${entry.withdrawReason ? `: ${entry.withdrawReason}` : ""}`,
        },
      },
    });

  const auditDiags = checkAuditFields(req.body, { paasid: req.paasid, now });
  if (auditDiags.length)
    return finish({
      refusal: {
        def: DATASHARE_ERRORS.auditInvalid,
        reason: "audit-info",
        diagnostics: auditDiags,
        detail: {
          zh: `${auditDiags.length} 处错误，首个在 ${auditDiags[0].location}`,
          en: `${auditDiags.length} problem(s), first at ${auditDiags[0].location}`,
        },
      },
    });

  grant = await grantRead;
  const grantRefusal = checkGrant(entry, grant, now);
  if (grantRefusal) return finish({ refusal: grantRefusal });
  const g = grant!;

  const { parsed, diagnostics } = checkQueryConditions(entry, body, now);
  if (diagnostics.length)
    return finish({
      refusal: {
        def: DATASHARE_ERRORS.queryInvalid,
        reason: "query-conditions",
        diagnostics,
        detail: {
          zh: `${diagnostics.length} 处错误，首个在 ${diagnostics[0].location}`,
          en: `${diagnostics.length} problem(s), first at ${diagnostics[0].location}`,
        },
      },
    });

  const src = entry.source;
  if (src.kind === "url") return queryProvider(deps, { t, entry, grant: g, body, parsed, req }, finish);

  // Rows from the library or the hooked rows. The call's quota is taken and its audit entry written together (one
  // round trip on a shared store); when the quota turns out to be used up, the entry is rewritten as that refusal
  // before anything is answered (the same id).
  const all =
    src.kind === "library"
      ? deps.libraries.rows(src.library, parsed.conditions)
      : src.kind === "rows"
        ? (await deps.catalogue.rowsOf(entry.resourceCode)).filter((r) => matches(r, parsed.conditions))
        : [];
  const rows = all.slice((parsed.page - 1) * parsed.pageSize, parsed.page * parsed.pageSize);
  const answer = projected(entry, g, parsed, rows, all.length);
  const [used, audit] = await Promise.all([deps.applications.reserveCall(t, g), deps.audit.append(recordOf(answer))]);
  if (used === null) {
    const refused = { refusal: quotaRefusal(g) };
    return outcome(refused, await deps.audit.rewrite(audit, recordOf(refused)));
  }
  answer.metadata.quota_remaining = Math.max(0, g.quota - used);
  return outcome(answer, audit);
}

/** How a call ended, for its audit record and its answer: a refusal, or the rows with their metadata. */
interface Finished {
  refusal?: Refusal;
  rows?: Row[];
  fields?: string[];
  metadata?: Omit<QueryMetadata, "request_id">;
  /** Where the provider's interface answered outside its catalogue (source `url`). */
  providerViolations?: Diagnostic[];
}
type FinishedAnswer = Finished & Required<Pick<Finished, "rows" | "fields" | "metadata">>;

/**
 * The rows as the grant lets them out: only granted fields, in catalogue order, masked where the grant says. The
 * metadata's quota_remaining is the grant's whole quota until the caller knows the calls used.
 */
function projected(entry: CatalogueEntry, g: Grant, parsed: ParsedQuery, rows: Row[], total: number): FinishedAnswer {
  const allowed = new Set(g.allowedFields);
  const wanted = parsed.fields ? new Set(parsed.fields) : undefined;
  const fields = entry.items.filter((i) => allowed.has(i.code) && (!wanted || wanted.has(i.code)));
  const masked = new Set(g.maskedFields);
  const out = rows.map((r) => {
    const o: Row = {};
    for (const it of fields) {
      const v = r[it.code] ?? null;
      o[it.code] = masked.has(it.code) ? (maskValue(it, v) as Row[string]) : v;
    }
    return o;
  });
  return {
    rows: out,
    fields: fields.map((f) => f.code),
    metadata: {
      resource_code: entry.resourceCode,
      resource_name: entry.name,
      service_id: entry.serviceId,
      total,
      page: parsed.page,
      page_size: parsed.pageSize,
      fields: fields.map((f) => f.code),
      masked_fields: fields.filter((f) => masked.has(f.code)).map((f) => f.code),
      denied_fields: parsed.fields ? parsed.fields.filter((f) => !allowed.has(f)) : [],
      quota_remaining: g.quota,
    },
  };
}

function quotaRefusal(g: Grant): Refusal {
  return {
    def: DATASHARE_ERRORS.quotaExhausted,
    reason: "quota-exhausted",
    detail: { zh: `授权 ${g.id} 的 ${g.quota} 次调用已用完`, en: `all ${g.quota} calls of grant ${g.id} are used` },
    diagnostics: [
      diag(
        "/headers/x-tif-serviceid",
        "quota",
        g.quota,
        `调用次数上限 ${g.quota} 已用完 / the quota of ${g.quota} calls is used up`,
        "向资源提供方申请提高次数或重新申请 / ask the provider for a larger quota or apply again",
      ),
    ],
  };
}

/**
 * A resource answered by its provider's interface: the call is taken from the quota first (the provider call is the
 * expensive part), given back when the provider fails, and audited with what came back.
 */
async function queryProvider(
  deps: QueryDeps,
  q: {
    t: DatashareTenant;
    entry: CatalogueEntry;
    grant: Grant;
    body: Record<string, unknown>;
    parsed: ParsedQuery;
    req: QueryRequest;
  },
  finish: (r: Finished) => Promise<QueryOutcome>,
): Promise<QueryOutcome> {
  const { t, entry, grant: g, parsed } = q;
  const src = entry.source as Extract<CatalogueEntry["source"], { kind: "url" }>;
  if ((await deps.applications.reserveCall(t, g)) === null) return finish({ refusal: quotaRefusal(g) });
  const fetched = await fetchFromProvider(
    deps,
    t,
    entry,
    src.url,
    src.timeoutMs,
    q.body,
    parsed.conditions,
    q.req.traceId,
  );
  const providerViolations = fetched.violations;
  if ("refusal" in fetched) {
    await deps.applications.refundCall(t, g);
    return finish({ refusal: fetched.refusal, providerViolations });
  }
  const answer = projected(entry, g, parsed, fetched.rows, fetched.total ?? fetched.rows.length);
  const used = await deps.applications.usage(t, g); // others may have refunded meanwhile
  answer.metadata.quota_remaining = Math.max(0, g.quota - used);
  return finish({ ...answer, providerViolations });
}

function checkGrant(entry: CatalogueEntry, grant: Grant | undefined, now: number): Refusal | undefined {
  if (!grant)
    return {
      def: DATASHARE_ERRORS.noGrant,
      reason: "no-grant",
      detail: {
        zh: `本应用未申请或未获批 ${entry.name}（${entry.resourceCode}）`,
        en: `this application holds no grant for ${entry.resourceCode}`,
      },
      diagnostics: [
        diag(
          "/headers/x-tif-serviceid",
          "grant",
          entry.serviceId,
          "没有该资源的共享授权 / no sharing grant for this resource",
          `先在目录中申请资源 ${entry.resourceCode}（${entry.share.type}） / apply for ${entry.resourceCode} in the catalogue first`,
        ),
      ],
    };
  if (grant.status === "withdrawn")
    return {
      def: DATASHARE_ERRORS.noGrant,
      reason: "grant-withdrawn",
      detail: { zh: `授权 ${grant.id} 已撤回`, en: `grant ${grant.id} was withdrawn` },
      diagnostics: [
        diag(
          "/headers/x-tif-serviceid",
          "grant-withdrawn",
          grant.id,
          "授权已撤回 / the grant was withdrawn",
          "重新申请 / apply again",
        ),
      ],
    };
  if (now > grant.validUntil)
    return {
      def: DATASHARE_ERRORS.noGrant,
      reason: "grant-expired",
      detail: {
        zh: `授权 ${grant.id} 已于 ${new Date(grant.validUntil).toISOString()} 过期`,
        en: `grant ${grant.id} expired at ${new Date(grant.validUntil).toISOString()}`,
      },
      diagnostics: [
        diag(
          "/headers/x-tif-serviceid",
          "grant-expired",
          new Date(grant.validUntil).toISOString(),
          "授权已过期（按本应用的虚拟时钟） / the grant has expired (on this application's virtual clock)",
          "重新申请或请提供方延期 / apply again or ask the provider to extend it",
        ),
      ],
    };
  return undefined;
}

function matches(row: Row, cond: Record<string, unknown>): boolean {
  for (const k in cond) if (row[k] !== cond[k]) return false;
  return true;
}

async function fetchFromProvider(
  deps: QueryDeps,
  t: DatashareTenant,
  entry: CatalogueEntry,
  url: string,
  timeoutMs: number | undefined,
  body: Record<string, unknown>,
  conditions: Record<string, unknown>,
  traceId?: string,
): Promise<
  { rows: Row[]; total?: number; violations: Diagnostic[] } | { refusal: Refusal; violations?: Diagnostic[] }
> {
  if (!deps.callProvider)
    return {
      refusal: {
        def: DATASHARE_ERRORS.providerDown,
        reason: "provider-not-connected",
        detail: { zh: "未配置提供方调用", en: "no provider transport configured" },
      },
    };
  let answer;
  try {
    answer = await deps.callProvider({
      url,
      serviceId: entry.serviceId,
      resourceCode: entry.resourceCode,
      consumerPaasid: t.paasid,
      body,
      timeoutMs: timeoutMs ?? deps.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
      ...(traceId ? { traceId } : {}),
    });
  } catch (e) {
    const timeout = e instanceof ProviderUnavailableError && e.kind === "timeout";
    return {
      refusal: timeout
        ? {
            def: DATASHARE_ERRORS.providerTimeout,
            reason: "provider-timeout",
            detail: {
              zh: `提供方 ${entry.provider} 未在时限内应答`,
              en: `provider ${entry.providerCode} did not answer in time`,
            },
          }
        : {
            def: DATASHARE_ERRORS.providerDown,
            reason: "provider-down",
            detail: { zh: `提供方 ${entry.provider} 不可用`, en: `provider ${entry.providerCode} is unavailable` },
          },
    };
  }
  const check = validateProviderAnswer(entry, answer, conditions);
  if (!check.rows)
    return {
      refusal: {
        def: DATASHARE_ERRORS.providerDown,
        reason: "provider-answer-unusable",
        diagnostics: check.violations,
        detail: { zh: "提供方应答不符合约定，无法取得数据", en: "the provider's answer is unusable" },
      },
      violations: check.violations,
    };
  const md = (answer.body as { data?: { metadata?: { total?: unknown } } } | null)?.data?.metadata;
  return {
    rows: check.rows,
    violations: check.violations,
    ...(typeof md?.total === "number" ? { total: md.total } : {}),
  };
}
