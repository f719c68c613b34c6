// The 2-hour rule (plan 附件2, facts §4.6): each issued licence's catalogue record is published to the data-sharing
// platform in-process; gatesim records when it was produced and when it arrived, and flags anything over the threshold.
import type { ElicenceSchemas } from "./types.js";
import type { HandlerContext } from "../shared/types.js";
import type { Store } from "../shared/store.js";
import type { CatalogueRecord } from "./licences.js";

const DELIVERY_KIND = "elicence.delivery";

/** Default threshold: 2 hours (facts §4.6 [D]); configurable (createElicencePlatform opts). */
export const DEFAULT_DELIVERY_THRESHOLD_SECONDS = 7_200;

/** What e-licence needs from the data-sharing platform's in-process API (mocks/datashare/platform.ts). */
export interface DatashareLicencePublisher {
  publishLicenceRecord(ctx: HandlerContext, record: CatalogueRecord): Promise<unknown> | unknown;
}

export interface CatalogueDelivery {
  certIdentifier: string;
  record: CatalogueRecord;
  producedAt: number;
  deliveredAt?: number;
  attempts: number;
  lastError?: string;
}

/** One delivery as the report shows it (contracts/elicence.yaml DeliveryReport). */
export type DeliveryView = ElicenceSchemas["DeliveryReport"]["records"][number];

async function attempt(ctx: HandlerContext, d: CatalogueDelivery): Promise<CatalogueDelivery> {
  const ds = ctx.platforms.get<Partial<DatashareLicencePublisher>>("datashare");
  const next: CatalogueDelivery = { ...d, attempts: d.attempts + 1 };
  if (typeof ds?.publishLicenceRecord !== "function") {
    next.lastError = "数据共享平台未启用 / the data-sharing platform is not loaded";
    return next;
  }
  try {
    await ds.publishLicenceRecord(ctx, d.record);
    next.deliveredAt = ctx.clock.now();
    delete next.lastError;
    ctx.emit("elicence.catalogue-published", {
      certIdentifier: d.certIdentifier,
      producedAt: d.producedAt,
      deliveredAt: next.deliveredAt,
    });
  } catch (e) {
    const err = e as { zh?: string; en?: string; message?: string };
    next.lastError = err.zh && err.en ? `${err.zh} / ${err.en}` : String(err.message ?? e);
  }
  return next;
}

/** Publish a freshly produced catalogue record (issuance or change) and remember the outcome. */
export async function publishCatalogueRecord(ctx: HandlerContext, record: CatalogueRecord): Promise<CatalogueDelivery> {
  const d = await attempt(ctx, {
    certIdentifier: record.certificate_source_id,
    record,
    producedAt: record.produced_at,
    attempts: 0,
  });
  await ctx.store.put(DELIVERY_KIND, d.certIdentifier, d);
  return d;
}

/** Try again every record not yet delivered (admin retry). */
export async function retryDeliveries(ctx: HandlerContext): Promise<void> {
  for (const d of await ctx.store.list<CatalogueDelivery>(DELIVERY_KIND)) {
    if (d.deliveredAt !== undefined) continue;
    await ctx.store.put(DELIVERY_KIND, d.certIdentifier, await attempt(ctx, d));
  }
}

export function deliveryView(d: CatalogueDelivery, now: number, thresholdSeconds: number): DeliveryView {
  const limit = thresholdSeconds * 1000;
  const delay = d.deliveredAt !== undefined ? d.deliveredAt - d.producedAt : undefined;
  return {
    certIdentifier: d.certIdentifier,
    producedAt: new Date(d.producedAt).toISOString(),
    ...(d.deliveredAt !== undefined
      ? { deliveredAt: new Date(d.deliveredAt).toISOString(), delaySeconds: delay! / 1000 }
      : {}),
    status: d.deliveredAt !== undefined ? "delivered" : "pending",
    // Exactly the threshold is on time; one millisecond more is late (same rule as the data-sharing platform).
    late: delay !== undefined && delay > limit,
    overdue: delay === undefined && now - d.producedAt > limit,
    attempts: d.attempts,
    ...(d.lastError ? { lastError: d.lastError } : {}),
    record: d.record,
  };
}

export async function deliveryReport(
  store: Store,
  paasid: string,
  now: number,
  thresholdSeconds: number,
): Promise<ElicenceSchemas["DeliveryReport"]> {
  const records = (await store.list<CatalogueDelivery>(DELIVERY_KIND)).map((d) =>
    deliveryView(d, now, thresholdSeconds),
  );
  return {
    paasid,
    thresholdSeconds,
    now: new Date(now).toISOString(),
    summary: {
      total: records.length,
      delivered: records.filter((r) => r.status === "delivered").length,
      pending: records.filter((r) => r.status === "pending").length,
      late: records.filter((r) => r.late).length,
      overdue: records.filter((r) => r.overdue).length,
    },
    records,
  };
}
