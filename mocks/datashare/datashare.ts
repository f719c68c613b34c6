// The data-sharing domain assembled over a TenantDirectory: what the handlers and other platforms call.
import { ALLOW_ALL_HOSTS, outboundPolicy } from "../shared/outbound.js";
import type { Seed } from "../shared/seed-types.js";
import { Applications, DEFAULT_GRANT, type GrantDefaults } from "./applications.js";
import { AuditLog } from "./audit-log.js";
import { createBaseLibraries, type BaseLibraries } from "./base-libraries.js";
import { Catalogue, type CompileInput, type HookRowsInput } from "./catalogue.js";
import { DEFAULT_LICENCE_DEADLINE_SECONDS, LicenceCatalogue } from "./licence-catalogue.js";
import { DEFAULT_PROVIDER_TIMEOUT_MS, type ProviderCaller } from "./provider.js";
import { executeQuery, type QueryOutcome, type QueryRequest } from "./query.js";
import { DEFAULT_RETRY, Subscriptions, type RetryPolicy } from "./subscriptions.js";
import type { Actor, CatalogueEntry, TenantDirectory } from "./types.js";

export interface DatashareConfig {
  grant: GrantDefaults;
  /** Licence catalogue delivery deadline in seconds (facts §4.6: 2 h). */
  licenceDeadlineSeconds: number;
  providerTimeoutMs: number;
  /** Most audit entries kept in memory. */
  auditCap: number;
  retry: RetryPolicy;
  /** Hosts provider URLs and webhooks may point at (config outbound.allowHosts; "*" = any). */
  outboundAllowHosts: readonly string[];
}

export const DEFAULT_DATASHARE_CONFIG: DatashareConfig = Object.freeze({
  grant: DEFAULT_GRANT,
  licenceDeadlineSeconds: DEFAULT_LICENCE_DEADLINE_SECONDS,
  providerTimeoutMs: DEFAULT_PROVIDER_TIMEOUT_MS,
  auditCap: 20_000,
  retry: DEFAULT_RETRY,
  outboundAllowHosts: ALLOW_ALL_HOSTS,
});

export interface Datashare {
  readonly directory: TenantDirectory;
  readonly libraries: BaseLibraries;
  readonly catalogue: Catalogue;
  readonly applications: Applications;
  readonly audit: AuditLog;
  readonly subscriptions: Subscriptions;
  readonly licences: LicenceCatalogue;
  /** Run one GatewayMsg data-sharing call. */
  query(req: QueryRequest): Promise<QueryOutcome>;
  /** Catalogue changes that notify subscribers. */
  hookRows(
    actor: Actor,
    resourceCode: string,
    input: HookRowsInput,
  ): Promise<{ entry: CatalogueEntry; rowCount: number }>;
  hookUrl(actor: Actor, resourceCode: string, url: string, timeoutMs?: number): Promise<CatalogueEntry>;
  withdraw(actor: Actor, resourceCode: string, reason: string): Promise<CatalogueEntry>;
  compile(actor: Actor, input: CompileInput): Promise<CatalogueEntry>;
  /** Whether a serviceId belongs to the catalogue (PlatformModule.resolveService). */
  ownsService(serviceId: string): boolean;
  /** Forget what a tenant created outside its own store (its compiled entries, review tickets). */
  resetTenant(paasid: string): Promise<void>;
}

export function createDatashare(opts: {
  seed: Seed;
  directory: TenantDirectory;
  callProvider?: ProviderCaller;
  config?: Partial<DatashareConfig>;
}): Datashare {
  const config = { ...DEFAULT_DATASHARE_CONFIG, ...opts.config };
  const { directory } = opts;
  const libraries = createBaseLibraries(opts.seed);
  const outbound = outboundPolicy(config.outboundAllowHosts);
  const catalogue = new Catalogue(directory, opts.seed, outbound);
  const applications = new Applications(directory, catalogue, config.grant);
  const audit = new AuditLog(directory, config.auditCap);
  const subscriptions = new Subscriptions(directory, catalogue, applications, config.retry, outbound);
  const licences = new LicenceCatalogue(config.licenceDeadlineSeconds);
  const nowFor = (actor: Actor) =>
    (actor.kind === "tenant" ? directory.tenant(actor.paasid)?.clock.now() : undefined) ?? directory.clock.now();

  return {
    directory,
    libraries,
    catalogue,
    applications,
    audit,
    subscriptions,
    licences,
    query: (req) =>
      executeQuery(
        {
          directory,
          catalogue,
          applications,
          audit,
          libraries,
          callProvider: opts.callProvider,
          providerTimeoutMs: config.providerTimeoutMs,
        },
        req,
      ),
    async hookRows(actor, code, input) {
      const r = await catalogue.hookRows(actor, code, input, nowFor(actor));
      await subscriptions.notifyChange(r.entry, "data.changed", { row_count: r.rowCount });
      return r;
    },
    async hookUrl(actor, code, url, timeoutMs) {
      const e = await catalogue.hookUrl(actor, code, url, nowFor(actor), timeoutMs);
      await subscriptions.notifyChange(e, "resource.updated", { source: "url" });
      return e;
    },
    async withdraw(actor, code, reason) {
      const e = await catalogue.withdraw(actor, code, reason, nowFor(actor));
      await subscriptions.notifyChange(e, "resource.withdrawn", { reason });
      return e;
    },
    compile: (actor, input) => catalogue.compile(actor, input, nowFor(actor)),
    ownsService: (serviceId) => catalogue.hasServiceId(serviceId),
    async resetTenant(paasid) {
      await catalogue.forgetOwner(paasid);
      await applications.forgetConsumer(paasid);
    },
  };
}
