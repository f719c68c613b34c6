// The data-sharing HTTP handlers behind the gateway (contracts/datashare.yaml): catalogue, 编目挂接, applications and
// grants, audit views and exports, subscriptions, licence catalogue submissions, and the C… GatewayMsg query (§5.2).
import type { Handler, HandlerContext, HandlerInput, HandlerResult } from "../shared/types.js";
import { ProblemError } from "../shared/problem.js";
import type { Decision } from "./applications.js";
import { toCsv, toNdjson, type AuditFilter } from "./audit-log.js";
import { paginate, type CompileInput, type SearchQuery } from "./catalogue.js";
import type { Datashare } from "./datashare.js";
import { DatashareError, diag, DATASHARE_ERRORS } from "./errors.js";
import type { GatewayTenantDirectory } from "./gateway-directory.js";
import {
  applicationView,
  auditView,
  deliveryView,
  entryView,
  grantView,
  licenceView,
  subscriptionView,
  ticketView,
} from "./http-views.js";
import type { ProviderViolationLog } from "./provider-violations.js";
import { DATASHARE_OPERATIONS } from "./scenarios.js";
import type { ChangeEvent } from "./subscriptions.js";
import type { Actor, AuditEntry, CatalogueEntry, Diagnostic, ShareType, CatalogueClass } from "./types.js";
import type { WebhookScheduler } from "./webhook-scheduler.js";

export interface HandlerDeps {
  ds: Datashare;
  directory: GatewayTenantDirectory;
  webhooks: WebhookScheduler;
  violations: ProviderViolationLog;
}

type Obj = Record<string, unknown>;

const OK_MSG = `${DATASHARE_ERRORS.ok.zh} / ${DATASHARE_ERRORS.ok.en}`;
const ok = (data: unknown, status = 200, headers?: Record<string, string>): HandlerResult => ({
  status,
  body: { errcode: 0, errmsg: OK_MSG, data },
  ...(headers ? { headers } : {}),
});
const bodyOf = (input: HandlerInput): Obj =>
  input.body && typeof input.body === "object" && !Buffer.isBuffer(input.body) && !Array.isArray(input.body)
    ? (input.body as Obj)
    : {};
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** Who acts: the calling application, or the admin on the control plane (/_gatesim/datashare/…). */
const actorOf = (input: HandlerInput): Actor =>
  input.principal.kind === "admin" ? { kind: "admin" } : { kind: "tenant", paasid: input.tenant.paasid };

/** `{ref}` in a path: a serviceId (C + 13 digits), or a resource code with its "/" percent-encoded or written "-". */
export function refOf(ref: string): { serviceId?: string; resourceCode?: string } {
  if (/^C\d{13}$/.test(ref)) return { serviceId: ref };
  return { resourceCode: ref.includes("/") ? ref : ref.replace(/-(?=[^-]*$)/, "/") };
}

function instant(v: unknown, location: string): number | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  if (Number.isNaN(t))
    throw new DatashareError("applicationInvalid", { zh: "时间格式无效", en: "invalid date-time" }, [
      diag(
        location,
        "date-time",
        v,
        "应为 ISO 8601 时间 / must be an ISO 8601 date-time",
        "如 2026-12-31T16:00:00Z / e.g. 2026-12-31T16:00:00Z",
      ),
    ]);
  return t;
}

function auditFilter(q: Obj): AuditFilter {
  const f: AuditFilter = {};
  if (typeof q.serviceId === "string") f.serviceId = q.serviceId;
  const since = typeof q.since === "string" ? Date.parse(q.since) : NaN;
  const until = typeof q.until === "string" ? Date.parse(q.until) : NaN;
  if (!Number.isNaN(since)) f.since = since;
  if (!Number.isNaN(until)) f.until = until;
  if (num(q.errcode) !== undefined) f.errcode = q.errcode as number;
  f.limit = num(q.limit) ?? 1_000;
  return f;
}

/** The audit view in the format asked for: JSON page (default), NDJSON or CSV (UTF-8 with BOM, for spreadsheet use). */
function auditResult(entries: AuditEntry[], format: unknown, name: string): HandlerResult {
  if (format === "ndjson")
    return {
      status: 200,
      body: toNdjson(entries),
      contentType: "application/x-ndjson; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="${name}.ndjson"` },
    };
  if (format === "csv")
    return {
      status: 200,
      body: toCsv(entries, { bom: true }),
      contentType: "text/csv; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="${name}.csv"` },
    };
  return ok({ total: entries.length, items: entries.map(auditView) });
}

/** A refusal without diagnostics still says where to look (architecture §5: never make the developer guess). */
function explain(e: unknown, input: HandlerInput): never {
  if (e instanceof DatashareError && !e.problem.diagnostics?.length) {
    const loc = Object.keys(input.params).length ? `/params/${Object.keys(input.params)[0]}` : "/body";
    e.problem.diagnostics = [
      diag(loc, `datashare.${e.kind}`, undefined, `${e.problem.zh} / ${e.problem.en}`, hintFor(e.kind)),
    ];
  }
  throw e;
}

function hintFor(kind: DatashareError["kind"]): string {
  switch (kind) {
    case "resourceNotFound":
      return "用 GET /ebus/datashare/v1/catalogue 查找资源代码或 serviceId / find the resource code or serviceId with GET /ebus/datashare/v1/catalogue";
    case "notProvider":
      return "由资源提供方（编制该目录的应用或其所属单位的应用）操作 / the resource's provider must do this";
    case "notPending":
      return "只有待审核的申请可以批准或驳回 / only pending applications can be decided";
    case "resourceWithdrawn":
      return "资源已撤销，不能再申请或查询 / the resource is withdrawn";
    case "noGrant":
      return "先申请并获批该资源 / apply for the resource and get approved first";
    default:
      return "见 /docs 中的数据共享接口说明 / see the data-sharing operations in /docs";
  }
}

/** The §5.2 body: JSON, or JSON sent as text/plain (one x-tif client does, facts §1.2). */
function gatewayMsgBody(input: HandlerInput): unknown {
  const b = input.body;
  const text = typeof b === "string" ? b : Buffer.isBuffer(b) ? b.toString("utf8") : undefined;
  if (text === undefined) return b;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createDatashareHandlers(deps: HandlerDeps): Record<string, Handler> {
  const { ds, directory, webhooks, violations } = deps;
  const entryFor = (actor: Actor, e: CatalogueEntry) => entryView(e, ds.catalogue.isProvider(actor, e));
  const resolve = async (ref: string) => ds.catalogue.require(refOf(ref));

  const handlers: Record<string, Handler> = {
    // ------------------------------------------------------------------ catalogue (facts §5.1)
    async datashareCatalogueSearch(input) {
      const q = input.query;
      const actor = actorOf(input);
      const search: SearchQuery = {
        ...(str(q.q) ? { keyword: q.q as string } : {}),
        ...(str(q.shareType) ? { shareType: q.shareType as ShareType } : {}),
        ...(str(q.catalogueClass) ? { catalogueClass: q.catalogueClass as CatalogueClass } : {}),
        ...(str(q.providerCode) ? { providerCode: q.providerCode as string } : {}),
        ...(str(q.status) ? { status: q.status as SearchQuery["status"] } : {}),
      };
      const page = num(q.page) ?? 1;
      const size = num(q.size) ?? 20;
      let result;
      if (q.mine === true) {
        // own entries in every status, narrowed by the same keyword terms as the search
        const terms = (search.keyword ?? "").toLowerCase().split(/\s+/).filter(Boolean);
        const mine = (await ds.catalogue.all()).filter(
          (e) =>
            e.ownerPaasid === input.tenant.paasid &&
            (!search.status || search.status === "any" || e.status === search.status) &&
            terms.every((t) => `${e.name}\u0001${e.summary}\u0001${e.resourceCode}`.toLowerCase().includes(t)),
        );
        result = paginate(mine, page, size);
      } else {
        result = await ds.catalogue.search({ ...search, page, pageSize: size });
      }
      return ok({
        total: result.total,
        page: result.page,
        size: result.pageSize,
        items: result.items.map((e) => entryFor(actor, e)),
      });
    },

    async datashareCatalogueGet(input) {
      const e = await resolve(input.params.ref);
      return ok(entryFor(actorOf(input), e));
    },

    async datashareCatalogueCompile(input) {
      const e = await ds.compile(actorOf(input), bodyOf(input) as unknown as CompileInput);
      return ok(entryView(e, true), 201);
    },

    async datashareCatalogueHookRows(input) {
      const actor = actorOf(input);
      const e = await resolve(input.params.ref);
      const b = input.body;
      const hook =
        Buffer.isBuffer(b) || typeof b === "string"
          ? { csv: Buffer.isBuffer(b) ? b.toString("utf8") : b }
          : {
              rows: bodyOf(input).rows,
              ...(typeof bodyOf(input).csv === "string" ? { csv: bodyOf(input).csv as string } : {}),
            };
      const r = await ds.hookRows(actor, e.resourceCode, hook);
      return ok({ rowCount: r.rowCount, entry: entryView(r.entry, true) });
    },

    async datashareCatalogueHookUrl(input) {
      const b = bodyOf(input);
      const e = await resolve(input.params.ref);
      const next = await ds.hookUrl(actorOf(input), e.resourceCode, str(b.url) ?? "", num(b.timeoutMs));
      return ok(entryView(next, true));
    },

    async datashareCatalogueWithdraw(input) {
      const e = await resolve(input.params.ref);
      const next = await ds.withdraw(actorOf(input), e.resourceCode, str(bodyOf(input).reason) ?? "");
      return ok(entryView(next, true));
    },

    async datashareCatalogueRepublish(input) {
      const e = await resolve(input.params.ref);
      const next = await ds.catalogue.republish(actorOf(input), e.resourceCode);
      await ds.subscriptions.notifyChange(next, "resource.updated", { status: "published" });
      return ok(entryView(next, true));
    },

    // ------------------------------------------------------------------ applications and grants (facts §5.3, §8.5)
    async [DATASHARE_OPERATIONS.apply](input) {
      const b = bodyOf(input);
      const r = await ds.applications.apply(input.tenant.paasid, {
        ...(str(b.resourceCode) ? { resourceCode: b.resourceCode as string } : {}),
        ...(str(b.serviceId) ? { serviceId: b.serviceId as string } : {}),
        fields: Array.isArray(b.fields) ? (b.fields as string[]) : [],
        purpose: str(b.purpose) ?? "",
        ...(str(b.legalBasis) !== undefined ? { legalBasis: b.legalBasis as string } : {}),
        itemCode: str(b.itemCode) ?? "",
      });
      const t = directory.tenant(input.tenant.paasid)!;
      return ok(
        {
          application: applicationView(r.application),
          ...(r.grant ? { grant: grantView(r.grant, 0, t.clock.now()) } : {}),
        },
        201,
      );
    },

    async datashareApplicationList(input) {
      const status = str(input.query.status);
      const all = await ds.applications.listApplications(input.tenant.paasid);
      const items = status && status !== "any" ? all.filter((a) => a.status === status) : all;
      return ok({ total: items.length, items: items.map(applicationView) });
    },

    async datashareApplicationGet(input) {
      const a = await ds.applications.getApplication(input.tenant.paasid, input.params.applicationId);
      if (!a)
        throw new DatashareError(
          "notFound",
          {
            zh: `本应用没有申请 ${input.params.applicationId}`,
            en: `this application has no application ${input.params.applicationId}`,
          },
          [
            diag(
              "/params/applicationId",
              "application-exists",
              input.params.applicationId,
              "申请不存在或不属于本应用 / no such application of this app",
              "GET /ebus/datashare/v1/applications 列出本应用的申请 / lists this app's applications",
            ),
          ],
        );
      return ok(applicationView(a));
    },

    async datashareReviewList(input) {
      const status = (str(input.query.status) ?? "pending") as "pending" | "any";
      const items = await ds.applications.reviewQueue(actorOf(input), status);
      return ok({ total: items.length, items: items.map(ticketView) });
    },

    async [DATASHARE_OPERATIONS.approve](input, ctx) {
      const b = bodyOf(input);
      const decision: Decision = {
        ...(str(b.comment) ? { comment: b.comment as string } : {}),
        ...(Array.isArray(b.maskedFields) ? { maskedFields: b.maskedFields as string[] } : {}),
        ...(num(b.quota) !== undefined ? { quota: b.quota as number } : {}),
        ...(b.validUntil !== undefined ? { validUntil: instant(b.validUntil, "/body/validUntil") } : {}),
      };
      const actor = actorOf(input);
      const r = await ds.applications.approve(actor, input.params.applicationId, decision);
      decided(input, ctx, r.application.consumerPaasid, "datashare.application.approved", {
        applicationId: r.application.id,
        consumer: r.application.consumerPaasid,
        serviceId: r.grant.serviceId,
        decidedBy: r.application.decidedBy,
      });
      const consumer = directory.tenant(r.application.consumerPaasid);
      return ok({
        application: applicationView(r.application),
        grant: grantView(r.grant, 0, consumer?.clock.now() ?? ctx.clock.now()),
      });
    },

    async datashareApplicationDeny(input, ctx) {
      const actor = actorOf(input);
      const a = await ds.applications.deny(actor, input.params.applicationId, str(bodyOf(input).reason) ?? "");
      decided(input, ctx, a.consumerPaasid, "datashare.application.denied", {
        applicationId: a.id,
        consumer: a.consumerPaasid,
        reason: a.reason ?? "",
        decidedBy: a.decidedBy,
      });
      return ok({ application: applicationView(a) });
    },

    async datashareGrantList(input) {
      const t = directory.tenant(input.tenant.paasid)!;
      const grants = await ds.applications.listGrants(input.tenant.paasid);
      const items = [];
      for (const g of grants) items.push(grantView(g, await ds.applications.usage(t, g), t.clock.now()));
      return ok({ total: items.length, items });
    },

    async datashareGrantWithdraw(input) {
      const b = bodyOf(input);
      const consumer = str(b.consumerPaasid) ?? input.tenant.paasid;
      const g = await ds.applications.withdrawGrant(
        actorOf(input),
        consumer,
        input.params.serviceId,
        str(b.reason) ?? "",
      );
      const t = directory.tenant(consumer)!;
      return ok(grantView(g, await ds.applications.usage(t, g), t.clock.now()));
    },

    // ------------------------------------------------------------------ audit (facts §5.4)
    async datashareAuditConsumer(input) {
      const entries = await ds.audit.forConsumer(input.tenant.paasid, auditFilter(input.query));
      return auditResult(entries, input.query.format, `datashare-reads-${input.tenant.paasid}`);
    },

    async datashareAuditProvider(input) {
      const entries = await ds.audit.forProvider(actorOf(input), auditFilter(input.query));
      return auditResult(entries, input.query.format, `datashare-readers-${input.tenant.paasid}`);
    },

    async datashareProviderViolations(input) {
      const items = await violations.forProvider(
        input.tenant.paasid,
        input.tenant.orgCode,
        num(input.query.limit) ?? 100,
      );
      return ok({ total: items.length, items });
    },

    // ------------------------------------------------------------------ subscriptions (issue 6 item 6)
    async datashareSubscriptionCreate(input) {
      const b = bodyOf(input);
      const sub = await ds.subscriptions.subscribe(input.tenant.paasid, {
        ...(str(b.serviceId) ? { serviceId: b.serviceId as string } : {}),
        ...(str(b.resourceCode) ? { resourceCode: b.resourceCode as string } : {}),
        webhookUrl: str(b.webhookUrl) ?? "",
        ...(Array.isArray(b.events) ? { events: b.events as ChangeEvent[] } : {}),
      });
      webhooks.watch(input.tenant.paasid);
      return ok(subscriptionView(sub), 201);
    },

    async datashareSubscriptionList(input) {
      const subs = await ds.subscriptions.list(input.tenant.paasid);
      return ok({ total: subs.length, items: subs.map(subscriptionView) });
    },

    async datashareSubscriptionDelete(input) {
      const gone = await ds.subscriptions.unsubscribe(input.tenant.paasid, input.params.subscriptionId);
      if (!gone)
        throw new DatashareError(
          "notFound",
          { zh: `没有订阅 ${input.params.subscriptionId}`, en: `no subscription ${input.params.subscriptionId}` },
          [
            diag(
              "/params/subscriptionId",
              "subscription-exists",
              input.params.subscriptionId,
              "订阅不存在或不属于本应用 / no such subscription of this app",
              "GET /ebus/datashare/v1/subscriptions 列出本应用的订阅 / lists this app's subscriptions",
            ),
          ],
        );
      return ok({ id: input.params.subscriptionId, deleted: true });
    },

    async datashareDeliveryList(input) {
      const ds_ = await ds.subscriptions.deliveries(input.tenant.paasid, str(input.query.subscriptionId));
      return ok({ total: ds_.length, items: ds_.map(deliveryView) });
    },

    // ------------------------------------------------------------------ licence catalogue (facts §4.6)
    async datashareLicenceSubmit(input, ctx) {
      const subs = await ds.licences.submit(ctx.store, ctx.clock, input.tenant.paasid, bodyOf(input).records, "api");
      const late = subs.filter((s) => s.late).length;
      if (late)
        ctx.emit("datashare.licence.late", {
          count: late,
          sourceIds: subs.filter((s) => s.late).map((s) => s.record.certificate_source_id),
        });
      return ok({ accepted: subs.length, late, items: subs.map(licenceView) }, 201);
    },

    async datashareLicenceList(input, ctx) {
      const items = await ds.licences.list(ctx.store, { lateOnly: input.query.late === true });
      return ok({ total: items.length, items: items.map(licenceView) });
    },

    async datashareLicenceReport(_input, ctx) {
      return ok(await ds.licences.report(ctx.store));
    },

    // ------------------------------------------------------------------ GatewayMsg query (facts §5.2, §8.5)
    async [DATASHARE_OPERATIONS.query](input, ctx) {
      // The pipeline hands over the parsed body, not its bytes: the audit's request hash is over canonical JSON.
      const out = await ds.query({
        paasid: input.tenant.paasid,
        serviceId: input.serviceId ?? "",
        body: gatewayMsgBody(input),
        rawBody: input.rawBody,
        traceId: input.traceId,
      });
      const v = out.providerViolations;
      if (v?.length) await reportViolations(out.audit, v, ctx);
      if (out.problem) throw new ProblemError(out.problem);
      return {
        status: 200,
        body: v?.length ? { ...out.body, _diagnostics: v } : out.body,
        ...(v?.length ? { headers: { "x-gatesim-provider-violations": String(v.length) } } : {}),
      };
    },
  };

  /** Both sides learn of a provider answering outside its catalogue: the consumer's journal and response, and the
   *  provider's violation log (GET /ebus/datashare/v1/provider/violations) next to its audit entry. */
  async function reportViolations(audit: AuditEntry, v: Diagnostic[], ctx: HandlerContext): Promise<void> {
    await violations.record(audit, v);
    const event = {
      auditId: audit.id,
      serviceId: audit.serviceId,
      resourceCode: audit.resourceCode,
      providerCode: audit.providerCode,
      count: v.length,
      violations: v,
    };
    ctx.emit("datashare.provider.violation", event);
    // the provider's journal too (the tenant that hooked the interface, else the one acting for the provider code)
    const provider =
      (audit.ownerPaasid ? directory.view(audit.ownerPaasid) : undefined) ??
      (audit.providerCode ? directory.byOrg(audit.providerCode) : undefined);
    if (provider && provider.tenant.paasid !== audit.consumerPaasid)
      provider.emit?.(
        "datashare.provider.violation",
        { ...event, consumerPaasid: audit.consumerPaasid },
        { traceId: audit.traceId, operationId: DATASHARE_OPERATIONS.query },
      );
  }

  /**
   * A decision is an event in the journal of the tenant whose application it was, whoever decided: the provider (whose
   * own journal has it too, next to its request) or the admin (whose control-plane requests are not journalled).
   */
  function decided(
    input: HandlerInput,
    ctx: HandlerContext,
    consumerPaasid: string,
    event: string,
    data: Record<string, unknown>,
  ): void {
    if (input.principal.kind !== "admin") ctx.emit(event, data);
    if (input.principal.kind === "admin" || consumerPaasid !== input.tenant.paasid)
      directory.view(consumerPaasid)?.emit?.(event, data, { traceId: input.traceId, operationId: input.operationId });
  }

  // The control plane's review routes run the providers' handlers with the admin as the actor.
  handlers.datashareAdminReviewList = handlers.datashareReviewList;
  handlers.datashareAdminApplicationApprove = handlers[DATASHARE_OPERATIONS.approve];
  handlers.datashareAdminApplicationDeny = handlers.datashareApplicationDeny;

  // Every handler learns the calling tenant (directory fallback) and explains refusals that lack diagnostics.
  const wrapped: Record<string, Handler> = {};
  for (const [id, h] of Object.entries(handlers)) {
    wrapped[id] = async (input, ctx) => {
      directory.remember(input.tenant, ctx.store, ctx.clock);
      try {
        return await h(input, ctx);
      } catch (e) {
        return explain(e, input);
      }
    };
  }
  return wrapped;
}
