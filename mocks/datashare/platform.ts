// The data-sharing platform module (政务信息资源共享平台), wiring only: HTTP handlers (handlers/) over the domain, C… serviceIds resolved
// at run time, department providers over undici, webhook deliveries, scenarios, and the in-process API for e-licence.
import type { Seed } from "../shared/seed-types.js";
import type { HandlerContext, PlatformModule, TenantDirectoryView } from "../shared/types.js";
import { createDatashare, type Datashare, type DatashareConfig } from "./datashare.js";
import { GatewayTenantDirectory } from "./gateway-directory.js";
import { bindHandlers } from "../shared/operations.js";
import { applicationHandlers } from "./handlers/applications.js";
import { auditHandlers } from "./handlers/audit.js";
import { catalogueHandlers } from "./handlers/catalogue.js";
import { rememberAndExplain } from "./handlers/common.js";
import { licenceHandlers } from "./handlers/licences.js";
import { queryHandlers } from "./handlers/query.js";
import { subscriptionHandlers } from "./handlers/subscriptions.js";
import type { LicenceCatalogueRecord, LicenceSubmission } from "./licence-catalogue.js";
import type { ProviderCaller } from "./provider.js";
import { createProviderTransport } from "./provider-transport.js";
import { ProviderViolationLog } from "./provider-violations.js";
import { DATASHARE_OPERATIONS, DATASHARE_SCENARIOS } from "./scenarios.js";
import { createOutboundAgent } from "./signed-post.js";
import type { Delivery } from "./subscriptions.js";
import { WebhookScheduler, type WebhookOptions } from "./webhook-scheduler.js";
import { SUBSCRIPTION_INDEX_KIND } from "./subscriptions.js";

export const DATASHARE_PLATFORM = "datashare";

export interface DatasharePlatformOptions {
  config?: Partial<DatashareConfig>;
  /** Webhook timer and time limit; `intervalMs: 0` runs no timer (call runDeliveries()). */
  webhooks?: WebhookOptions;
  /** Replace the HTTP transport to department providers (e.g. an in-process fake). */
  callProvider?: ProviderCaller;
}

/** What a licence issuer hands over: the catalogue record and, optionally, when it was produced (default: now). */
export type PublishedLicenceRecord = LicenceCatalogueRecord & { produced_at?: string | number };

/** The in-process API other platforms reach with ctx.platforms.get("datashare"). */
export interface DatashareApi {
  /** The domain itself (catalogue, applications, audit …), for the control plane and tools. */
  readonly domain: Datashare;
  /**
   * E-licence publishes a licence's catalogue information on the calling tenant's clock (facts §4.6): the delay from
   * `produced_at` (default now) to now is recorded, and more than 2 h (configurable) is flagged late. Exactly 2 h is
   * on time. Throws a DatashareError 1108 with diagnostics for an invalid record.
   */
  publishLicenceRecord(
    ctx: Pick<HandlerContext, "store" | "clock">,
    record: PublishedLicenceRecord,
  ): Promise<LicenceSubmission>;
  /** The calling tenant's 2-hour report. */
  licenceReport(ctx: Pick<HandlerContext, "store">): ReturnType<Datashare["licences"]["report"]>;
}

export type DatasharePlatform = PlatformModule & {
  name: typeof DATASHARE_PLATFORM;
  api: DatashareApi;
  attachTenants(directory: TenantDirectoryView): void;
  /** Attempt every webhook delivery that is due now (the timer does this every second). */
  runDeliveries(): Promise<Delivery[]>;
  /** Tenants whose webhook deliveries this process runs (every subscriber, wherever it subscribed). */
  webhookSubscribers(): readonly string[];
  /** Stop the webhook timer and close outbound connections (call on app close). */
  close(): Promise<void>;
};

/** The data-sharing platform over a seed: pass it to buildApp's `platforms`, then call attachTenants (app.ts does). */
export function createDatasharePlatform(seed: Seed, opts: DatasharePlatformOptions = {}): DatasharePlatform {
  const directory = new GatewayTenantDirectory();
  const agent = createOutboundAgent();
  // the transport needs the catalogue, which needs the directory: bind it late
  let transport: ProviderCaller | undefined = opts.callProvider;
  const ds = createDatashare({ seed, directory, config: opts.config, callProvider: (call) => transport!(call) });
  transport ??= createProviderTransport({ dispatcher: agent, directory, catalogue: ds.catalogue });
  const webhooks = new WebhookScheduler(ds, directory, agent, opts.webhooks);
  const violations = new ProviderViolationLog(directory);
  const handlerDeps = { ds, directory, webhooks, violations };

  const api: DatashareApi = {
    domain: ds,
    async publishLicenceRecord(ctx, record) {
      const { produced_at, ...rec } = record;
      const [s] = await ds.licences.submit(
        ctx.store,
        ctx.clock,
        rec.issue_dept_code ?? "elicence",
        [{ ...rec, produced_at: produced_at ?? ctx.clock.now() }],
        "elicence",
      );
      return s;
    },
    licenceReport: (ctx) => ds.licences.report(ctx.store),
  };

  return {
    name: DATASHARE_PLATFORM,
    handlers: bindHandlers(
      handlerDeps,
      [catalogueHandlers, applicationHandlers, auditHandlers, subscriptionHandlers, licenceHandlers, queryHandlers],
      (run, input, ctx) => rememberAndExplain(handlerDeps, run, input, ctx),
    ),
    scenarios: [...DATASHARE_SCENARIOS],
    api,
    // the query reads its catalogue entry and grant while the nonce claim is in flight, and awaits it before writing
    readsBeforeClaim: new Set([DATASHARE_OPERATIONS.query]),
    resolveService: (serviceId) => (ds.ownsService(serviceId) ? DATASHARE_OPERATIONS.query : undefined),
    attachTenants: (view) => directory.attach(view),
    async attachStore(store) {
      directory.attachStore(store);
      await ds.catalogue.attach();
      await webhooks.follow(); // subscribers from before a restart get their deliveries
    },
    onStoreChange(change) {
      ds.catalogue.follow(change);
      // a tenant subscribed through another replica: this one runs its deliveries too (each attempt is claimed once)
      if (change.kind === SUBSCRIPTION_INDEX_KIND && change.op === "put") return webhooks.follow();
    },
    webhookSubscribers: () => webhooks.watched(),
    onTenant: { reset: (paasid) => void ds.resetTenant(paasid) },
    runDeliveries: () => webhooks.runDue(),
    async close() {
      await webhooks.close();
      await agent.close();
    },
  };
}

export { DATASHARE_SCENARIOS, DATASHARE_OPERATIONS } from "./scenarios.js";
export { DATASHARE_ERRORS } from "./errors.js";
