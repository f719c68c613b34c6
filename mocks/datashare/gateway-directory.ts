// The TenantDirectory the data-sharing domain needs, built over the gateway's tenant registry (attachTenants), with
// the tenants seen in handler calls as a fallback when the module runs without it.
import { Clock } from "../shared/clock.js";
import { MemoryStore } from "../shared/store.js";
import type { Store } from "../shared/store.js";
import type { Tenant, TenantDirectoryView, TenantView } from "../shared/types.js";
import type { DatashareTenant, TenantDirectory } from "./types.js";

export class GatewayTenantDirectory implements TenantDirectory {
  /** Platform-level state (catalogue, review queue, audit log) lives on the platform's own clock, not a tenant's. */
  readonly clock = new Clock();
  /** In memory until attachStore hands over the configured backend's namespace for this platform. */
  platform: Store = new MemoryStore(this.clock);
  /** Values go to a store that keeps JSON (no Buffers); sequences come from its counters, so they survive a restart. */
  durable = false;

  /** Called once before the first request (PlatformModule.attachStore): platform state in the configured store. */
  attachStore(store: Store): void {
    this.platform = store;
    this.durable = true;
  }
  private registry?: TenantDirectoryView;
  private readonly seen = new Map<string, TenantView>();

  /** Called once by the gateway after start-up (PlatformModule.attachTenants). */
  attach(registry: TenantDirectoryView): void {
    this.registry = registry;
    this.seen.clear();
  }

  get attached(): boolean {
    return this.registry !== undefined;
  }

  /** Without a registry, remember the calling tenant's store and clock so approvals can reach it later. */
  remember(tenant: Tenant, store: Store, clock: Clock): void {
    if (this.registry) return;
    const prev = this.seen.get(tenant.paasid);
    if (!prev || prev.store !== store || prev.tenant !== tenant) this.seen.set(tenant.paasid, { tenant, store, clock });
  }

  /** The gateway's view of a tenant (its secrets included: signing provider calls and webhooks). */
  view(paasid: string): TenantView | undefined {
    return this.registry?.get(paasid) ?? this.seen.get(paasid);
  }

  /** The first tenant acting for an organisation (USCC), e.g. the provider of a seeded resource. */
  byOrg(orgCode: string): TenantView | undefined {
    const all = this.registry ? this.registry.list() : [...this.seen.values()];
    return all.find((v) => v.tenant.orgCode === orgCode);
  }

  tenant(paasid: string): DatashareTenant | undefined {
    const v = this.view(paasid);
    if (!v) return undefined;
    return { paasid, store: v.store, clock: v.clock, ...(v.tenant.orgCode ? { orgCode: v.tenant.orgCode } : {}) };
  }
}
