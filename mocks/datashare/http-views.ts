// What the data-sharing HTTP API shows of domain records: instants as ISO 8601 (UTC) instead of epoch ms, and a
// provider URL only to the entry's provider (contracts/datashare.yaml schemas).
import type { Delivery, Subscription } from "./subscriptions.js";
import type { LicenceSubmission } from "./licence-catalogue.js";
import type { ReviewTicket } from "./applications.js";
import type {
  Application,
  AuditEntry,
  CatalogueEntry,
  DatashareSchemas as Schemas,
  DataSource,
  Grant,
} from "./types.js";

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOpt = <K extends string>(key: K, ms: number | undefined): Partial<Record<K, string>> =>
  ms === undefined ? {} : ({ [key]: iso(ms) } as Record<K, string>);

function sourceView(s: DataSource, provider: boolean): Schemas["CatalogueEntry"]["source"] {
  switch (s.kind) {
    case "library":
      return { kind: s.kind, library: s.library };
    case "rows":
      return { kind: s.kind, rowCount: s.rowCount, hookedAt: iso(s.hookedAt) };
    case "url":
      // the department's internal address is its own business; consumers only learn that the data is live
      return {
        kind: s.kind,
        hookedAt: iso(s.hookedAt),
        ...(provider ? { url: s.url, ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}) } : {}),
      };
    default:
      return { kind: "none" };
  }
}

export function entryView(e: CatalogueEntry, provider: boolean): Schemas["CatalogueEntry"] {
  const { withdrawnAt, source, ownerPaasid, ...rest } = e;
  return {
    ...rest,
    ...isoOpt("withdrawnAt", withdrawnAt),
    ...(ownerPaasid !== undefined ? { ownerPaasid } : {}),
    source: sourceView(source, provider),
  };
}

export function applicationView(a: Application): Schemas["Application"] {
  const { createdAt, decidedAt, ...rest } = a;
  return { ...rest, createdAt: iso(createdAt), ...isoOpt("decidedAt", decidedAt) };
}

export function grantView(g: Grant, used: number, now: number): Schemas["Grant"] {
  const { validUntil, createdAt, withdrawnAt, ...rest } = g;
  return {
    ...rest,
    validUntil: iso(validUntil),
    createdAt: iso(createdAt),
    ...isoOpt("withdrawnAt", withdrawnAt),
    used,
    remaining: Math.max(0, g.quota - used),
    expired: now > validUntil,
  };
}

export function ticketView(t: ReviewTicket): Schemas["ReviewTicket"] {
  const { createdAt, ownerPaasid, ...rest } = t;
  return { ...rest, ...(ownerPaasid ? { ownerPaasid } : {}), createdAt: iso(createdAt) };
}

export function auditView(e: AuditEntry): Schemas["AuditEntry"] {
  return { ...e, time: iso(e.time) };
}

export function subscriptionView(s: Subscription): Schemas["Subscription"] {
  return { ...s, createdAt: iso(s.createdAt) };
}

export function deliveryView(d: Delivery): Schemas["Delivery"] {
  return {
    ...d,
    attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })),
    nextAttemptAt: iso(d.nextAttemptAt),
    createdAt: iso(d.createdAt),
  };
}

export function licenceView(s: LicenceSubmission): Schemas["LicenceSubmission"] {
  return { ...s, producedAt: iso(s.producedAt), arrivedAt: iso(s.arrivedAt) };
}
