// Subscriptions to resource changes: webhook deliveries with exponential backoff on the consumer's clock.
import { outboundPolicy, withoutUrlPassword, type OutboundPolicy } from "../shared/outbound.js";
import { randomBytes } from "node:crypto";
import type { Applications } from "./applications.js";
import type { Catalogue } from "./catalogue.js";
import { DatashareError, diag } from "./errors.js";
import type { CatalogueEntry, DatashareTenant, TenantDirectory } from "./types.js";

const K_SUB = "ds.subscription";
/** One claim per (delivery, attempt number): the replica that takes it makes the attempt. */
const K_ATTEMPT = "ds.delivery-attempt";
/** How long an attempt stays claimed (the subscriber's clock): far above an attempt's time limit. */
const ATTEMPT_CLAIM_MS = 10 * 60_000;
const K_DELIVERY = "ds.delivery";
const K_SUB_INDEX = "ds.sub-index";
/** The platform-level index of every subscription (its writes tell other replicas of a new subscriber). */
export const SUBSCRIPTION_INDEX_KIND = K_SUB_INDEX;

export type ChangeEvent = "data.changed" | "resource.updated" | "resource.withdrawn";
export const CHANGE_EVENTS: readonly ChangeEvent[] = ["data.changed", "resource.updated", "resource.withdrawn"];

export interface Subscription {
  id: string;
  paasid: string;
  serviceId: string;
  resourceCode: string;
  webhookUrl: string;
  events: ChangeEvent[];
  createdAt: number;
}

export interface DeliveryAttempt {
  at: number;
  ok: boolean;
  status?: number;
  error?: string;
}

export interface Delivery {
  id: string;
  subscriptionId: string;
  paasid: string;
  webhookUrl: string;
  event: ChangeEvent;
  /** The notification body (no data rows: consumers re-query with their grant). */
  payload: Record<string, unknown>;
  status: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  nextAttemptAt: number;
  createdAt: number;
}

/** Retry policy [SIM]: delay after the n-th failure = min(initialDelayMs × factor^(n−1), maxDelayMs). */
export interface RetryPolicy {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1_000, factor: 2, maxDelayMs: 300_000, maxAttempts: 6 };

export function backoffDelay(failures: number, p: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(p.initialDelayMs * p.factor ** Math.max(0, failures - 1), p.maxDelayMs);
}

/** Sends one notification; resolves ok:false (or throws) on failure. Signing and undici live behind it. */
export type DeliverFn = (req: {
  url: string;
  body: Record<string, unknown>;
  delivery: Delivery;
}) => Promise<{ ok: boolean; status?: number; error?: string }>;

export class Subscriptions {
  constructor(
    private readonly directory: TenantDirectory,
    private readonly catalogue: Catalogue,
    private readonly applications: Applications,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
    private readonly outbound: OutboundPolicy = outboundPolicy(),
  ) {}

  private tenant(paasid: string): DatashareTenant {
    const t = this.directory.tenant(paasid);
    if (!t) throw new DatashareError("notFound", { zh: `未知应用 ${paasid}`, en: `unknown application ${paasid}` });
    return t;
  }

  /** Subscribe to a resource the consumer holds an active grant for. */
  async subscribe(
    paasid: string,
    input: { serviceId?: string; resourceCode?: string; webhookUrl: string; events?: ChangeEvent[] },
  ): Promise<Subscription> {
    const t = this.tenant(paasid);
    const entry = await this.catalogue.require(input);
    const badUrl = this.outbound.refusal(input.webhookUrl);
    const events = input.events ?? [...CHANGE_EVENTS];
    const d = [
      ...(badUrl
        ? [
            diag(
              "/webhookUrl",
              "url",
              withoutUrlPassword(input.webhookUrl),
              `webhookUrl: ${badUrl.message}`,
              badUrl.hint,
            ),
          ]
        : []),
      ...events
        .filter((e) => !CHANGE_EVENTS.includes(e))
        .map((e) =>
          diag(
            "/events",
            "enum",
            e,
            `未知事件 ${e} / unknown event ${e}`,
            `可用 / available: ${CHANGE_EVENTS.join(", ")}`,
          ),
        ),
    ];
    if (d.length)
      throw new DatashareError("subscriptionInvalid", { zh: `${d.length} 处错误`, en: `${d.length} problem(s)` }, d);
    const g = await this.applications.grant(t, entry.serviceId);
    if (!g || g.status !== "active" || g.validUntil < t.clock.now())
      throw new DatashareError("noGrant", {
        zh: `订阅前须持有 ${entry.resourceCode} 的有效授权`,
        en: `an active grant for ${entry.resourceCode} is needed to subscribe`,
      });
    const sub: Subscription = {
      id: "DSS" + randomBytes(8).toString("hex"),
      paasid,
      serviceId: entry.serviceId,
      resourceCode: entry.resourceCode,
      webhookUrl: input.webhookUrl,
      events,
      createdAt: t.clock.now(),
    };
    await t.store.put(K_SUB, sub.id, sub, { index: { serviceId: sub.serviceId } });
    await this.directory.platform.put(
      K_SUB_INDEX,
      sub.id,
      { paasid, serviceId: sub.serviceId },
      { index: { serviceId: sub.serviceId } },
    );
    return sub;
  }

  /** Every tenant holding a subscription (from the platform's index, so those of before a restart too). */
  async subscribers(): Promise<string[]> {
    const refs = await this.directory.platform.list<{ paasid: string }>(K_SUB_INDEX);
    return [...new Set(refs.map((r) => r.paasid))];
  }

  async unsubscribe(paasid: string, id: string): Promise<boolean> {
    const t = this.tenant(paasid);
    await this.directory.platform.delete(K_SUB_INDEX, id);
    return t.store.delete(K_SUB, id);
  }

  async list(paasid: string): Promise<Subscription[]> {
    return this.tenant(paasid).store.list<Subscription>(K_SUB);
  }

  /** Queue one delivery per subscriber of the resource; returns how many were queued. */
  async notifyChange(entry: CatalogueEntry, event: ChangeEvent, detail: Record<string, unknown> = {}): Promise<number> {
    const refs = await this.directory.platform.list<{ paasid: string; serviceId: string }>(K_SUB_INDEX, {
      index: "serviceId",
      value: entry.serviceId,
    });
    let n = 0;
    // one pass per subscribing tenant: stale index refs (after a tenant reset) must not double deliveries
    for (const paasid of new Set(refs.map((r) => r.paasid))) {
      const t = this.directory.tenant(paasid);
      const subs = t ? await t.store.list<Subscription>(K_SUB, { index: "serviceId", value: entry.serviceId }) : [];
      for (const sub of subs) {
        if (!sub.events.includes(event)) continue;
        const now = t!.clock.now();
        const delivery: Delivery = {
          id: "DSD" + randomBytes(8).toString("hex"),
          subscriptionId: sub.id,
          paasid: sub.paasid,
          webhookUrl: sub.webhookUrl,
          event,
          payload: {
            event,
            subscription_id: sub.id,
            service_id: entry.serviceId,
            resource_code: entry.resourceCode,
            resource_name: entry.name,
            occurred_at: new Date(now).toISOString(),
            ...detail,
          },
          status: "pending",
          attempts: [],
          nextAttemptAt: now,
          createdAt: now,
        };
        await t!.store.put(K_DELIVERY, delivery.id, delivery, { index: { status: "pending", subscription: sub.id } });
        n++;
      }
    }
    return n;
  }

  /**
   * Attempt every pending delivery of one tenant that is due on its clock; returns the deliveries attempted. Each
   * attempt is claimed in the tenant's store first, so replicas on one shared store (each runs its own scheduler)
   * make it exactly once; a replica that dies mid-attempt leaves the claim to expire, and another retries.
   */
  async runDue(paasid: string, deliver: DeliverFn): Promise<Delivery[]> {
    const t = this.tenant(paasid);
    const now = t.clock.now();
    const pending = (await t.store.list<Delivery>(K_DELIVERY, { index: "status", value: "pending" })).filter(
      (d) => d.nextAttemptAt <= now,
    );
    const due: Delivery[] = [];
    for (const d of pending)
      if (await t.store.claim(K_ATTEMPT, `${d.id}:${d.attempts.length}`, ATTEMPT_CLAIM_MS)) due.push(d);
    for (const d of due) {
      let result: { ok: boolean; status?: number; error?: string };
      try {
        result = await deliver({ url: d.webhookUrl, body: d.payload, delivery: d });
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      d.attempts.push({
        at: now,
        ok: result.ok,
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.error ? { error: result.error } : {}),
      });
      if (result.ok) d.status = "delivered";
      else if (d.attempts.length >= this.policy.maxAttempts) d.status = "failed";
      else d.nextAttemptAt = now + backoffDelay(d.attempts.length, this.policy);
      await t.store.put(K_DELIVERY, d.id, d, { index: { status: d.status, subscription: d.subscriptionId } });
    }
    return due;
  }

  /** The delivery log of a tenant, optionally of one subscription. */
  async deliveries(paasid: string, subscriptionId?: string): Promise<Delivery[]> {
    const s = this.tenant(paasid).store;
    return subscriptionId
      ? s.list<Delivery>(K_DELIVERY, { index: "subscription", value: subscriptionId })
      : s.list<Delivery>(K_DELIVERY);
  }

  /** Earliest pending attempt time of a tenant (for a scheduler's timer), or undefined. */
  async nextDueAt(paasid: string): Promise<number | undefined> {
    const pending = await this.tenant(paasid).store.list<Delivery>(K_DELIVERY, { index: "status", value: "pending" });
    return pending.length ? Math.min(...pending.map((d) => d.nextAttemptAt)) : undefined;
  }
}
