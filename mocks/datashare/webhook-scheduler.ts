// Webhook deliveries of subscription notifications: a lazily started, unref'd timer runs the due
// deliveries of every subscribing tenant, one tick at a time; each POST is signed like the gateway's calls to a
// department backend (facts §1.5) with the subscriber's own token, so the receiver verifies it as it would the gateway.
import type { Datashare } from "./datashare.js";
import type { GatewayTenantDirectory } from "./gateway-directory.js";
import type { Delivery, DeliverFn } from "./subscriptions.js";
import { OutboundError, signedPost, type OutboundPool } from "./signed-post.js";

export interface WebhookOptions {
  /** Tick period; 0 = no timer (call runDue yourself, e.g. in tests). Default 1000 ms. */
  intervalMs?: number;
  /** Time limit per POST. Default 5000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_WEBHOOK_INTERVAL_MS = 1_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;

export class WebhookScheduler {
  private timer?: NodeJS.Timeout;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly tenants = new Set<string>();
  private closed = false;
  private readonly intervalMs: number;
  private readonly deliver: DeliverFn;

  constructor(
    private readonly ds: Datashare,
    private readonly directory: GatewayTenantDirectory,
    dispatcher: OutboundPool,
    opts: WebhookOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_WEBHOOK_INTERVAL_MS;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.deliver = async ({ url, body, delivery }) => {
      const t = directory.view(delivery.paasid);
      if (!t) return { ok: false, error: "subscriber unknown" };
      try {
        const r = await signedPost(dispatcher, {
          url,
          body,
          timeoutMs,
          paasToken: t.tenant.paasToken,
          now: t.clock.now(),
          maxBytes: 64 * 1024,
          headers: {
            "x-tif-paasid": delivery.paasid,
            "x-gatesim-delivery-id": delivery.id,
            "x-gatesim-event": delivery.event,
          },
        });
        const ok = r.status >= 200 && r.status < 300;
        return ok ? { ok, status: r.status } : { ok, status: r.status, error: `HTTP ${r.status}` };
      } catch (e) {
        return { ok: false, error: e instanceof OutboundError ? e.message : String(e) };
      }
    };
  }

  /** A tenant subscribed: its deliveries are run from now on; the timer starts with the first subscriber. */
  watch(paasid: string): void {
    this.tenants.add(paasid);
    if (this.timer || this.closed || this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runDue(), this.intervalMs);
    this.timer.unref();
  }

  /** Watch every tenant the platform's subscription index names (after a restart, or another replica's subscribe). */
  async follow(): Promise<void> {
    for (const paasid of await this.ds.subscriptions.subscribers()) this.watch(paasid);
  }

  /** Tenants whose deliveries this scheduler runs. */
  watched(): readonly string[] {
    return [...this.tenants];
  }

  /**
   * Attempt every delivery that is due on its subscriber's clock. Ticks are chained, never concurrent; across replicas
   * each attempt is claimed in the store (Subscriptions.runDue), so none is made twice. Resolves with the deliveries attempted.
   */
  runDue(): Promise<Delivery[]> {
    const run = this.chain.then(async () => {
      const out: Delivery[] = [];
      for (const paasid of this.tenants) {
        if (!this.directory.tenant(paasid)) continue;
        out.push(...(await this.ds.subscriptions.runDue(paasid, this.deliver)));
      }
      return out;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stop the timer; an attempt in flight finishes. */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.chain.then(() => undefined);
  }
}
