// Audit views (facts §5.4): what this app read, who read this provider's resources (JSON, NDJSON or CSV), and where
// this provider's interface answered outside its catalogue.
import { toCsv, toNdjson, type AuditFilter } from "../audit-log.js";
import { auditView } from "../http-views.js";
import type { AuditEntry, DatashareHandlers } from "../types.js";
import { actorOf, num, ok, type Obj } from "./common.js";

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
function auditResult(entries: AuditEntry[], format: unknown, name: string) {
  if (format === "ndjson")
    return {
      status: 200 as const,
      body: toNdjson(entries),
      contentType: "application/x-ndjson; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="${name}.ndjson"` },
    };
  if (format === "csv")
    return {
      status: 200 as const,
      body: toCsv(entries, { bom: true }),
      contentType: "text/csv; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="${name}.csv"` },
    };
  return ok({ total: entries.length, items: entries.map(auditView) });
}

export const auditHandlers = {
  async datashareAuditConsumer(input, _ctx, deps) {
    const entries = await deps.ds.audit.forConsumer(input.tenant.paasid, auditFilter(input.query));
    return auditResult(entries, input.query.format, `datashare-reads-${input.tenant.paasid}`);
  },

  async datashareAuditProvider(input, _ctx, deps) {
    const entries = await deps.ds.audit.forProvider(actorOf(input), auditFilter(input.query));
    return auditResult(entries, input.query.format, `datashare-readers-${input.tenant.paasid}`);
  },

  async datashareProviderViolations(input, _ctx, deps) {
    const items = await deps.violations.forProvider(
      input.tenant.paasid,
      input.tenant.orgCode,
      num(input.query.limit) ?? 100,
    );
    return ok({ total: items.length, items });
  },
} satisfies DatashareHandlers;
