// Tenants: every registered application (paasid) with its own store (nonces included), virtual clock, journal and rules.
import { createHash, randomBytes } from "node:crypto";
import { Clock } from "../mocks/shared/clock.js";
import { MemoryStore } from "../mocks/shared/store.js";
import type { Tenant } from "../mocks/shared/types.js";
import { Journal } from "./journal.js";
import { RuleSet } from "./scenarios.js";

export interface TenantSpec {
  paasid: string;
  name: string;
  paasToken?: string;
  serviceIds?: string[];
  ipAllowList?: string[];
  signatureCase?: "any" | "upper";
  orgCode?: string;
}

/** The store kind under which the gateway claims nonces (facts §1.4); cleared with the tenant's store on reset. */
export const NONCE_KIND = "gateway.nonce";

export interface TenantRuntime {
  tenant: Tenant;
  builtIn: boolean;
  clock: Clock;
  store: MemoryStore;
  journal: Journal;
  rules: RuleSet;
  /** An event in this tenant's journal, from outside its own requests (TenantView.emit). */
  emit(event: string, data: unknown, meta?: { traceId?: string; operationId?: string }): void;
}

export interface TenantLimits {
  journalCap: number;
  journalMaxBodyBytes: number;
  nonceTtlMs: number;
  nonceCacheMax: number;
}

const derive = (seed: string, purpose: string, paasid: string, len: number) =>
  createHash("sha256").update(`${seed}\u0000${purpose}\u0000${paasid}`).digest("hex").slice(0, len);

export class TenantRegistry {
  private readonly tenants = new Map<string, TenantRuntime>();
  private readonly byControl = new Map<string, TenantRuntime>();
  private readonly resetHooks: ((rt: TenantRuntime) => void)[] = [];
  private readonly createHooks: ((rt: TenantRuntime) => void)[] = [];

  constructor(
    private readonly seed: string,
    private readonly limits: TenantLimits,
  ) {}

  /** Platforms that keep per-tenant state outside the store (e.g. identity clients) restore it here. */
  onReset(hook: (rt: TenantRuntime) => void): void {
    this.resetHooks.push(hook);
  }

  /** Platforms seed per-tenant defaults here (e.g. identity's default clients), for every tenant, old and new. */
  onCreate(hook: (rt: TenantRuntime) => void): void {
    this.createHooks.push(hook);
    for (const rt of this.tenants.values()) hook(rt);
  }

  /**
   * Built-in tenants get secrets derived from the seed (same on every machine, shown on the landing page);
   * tenants created at run time get random ones, returned once.
   */
  add(spec: TenantSpec, builtIn: boolean): TenantRuntime {
    if (this.tenants.has(spec.paasid)) throw new Error(`tenant ${spec.paasid} exists`);
    const tenant: Tenant = {
      paasid: spec.paasid,
      name: spec.name,
      paasToken:
        spec.paasToken ?? (builtIn ? derive(this.seed, "paasToken", spec.paasid, 32) : randomBytes(16).toString("hex")),
      serviceIds: spec.serviceIds ?? ["*"],
      ipAllowList: spec.ipAllowList,
      signatureCase: spec.signatureCase ?? "any",
      orgCode: spec.orgCode,
      controlToken: `ctl-${builtIn ? derive(this.seed, "control", spec.paasid, 32) : randomBytes(16).toString("hex")}`,
    };
    const clock = new Clock();
    const journal = new Journal(this.limits.journalCap, this.limits.journalMaxBodyBytes);
    const rt: TenantRuntime = {
      tenant,
      builtIn,
      clock,
      // GATESIM_STORE_CHECK=json keeps values as JSON text, as a durable backend will: the suite run that way proves
      // no platform relies on changing a stored object in place or stores a non-JSON value.
      store: new MemoryStore(clock, {
        claimMax: this.limits.nonceCacheMax,
        json: process.env.GATESIM_STORE_CHECK === "json",
      }),
      journal,
      rules: new RuleSet(),
      emit: (event, data, meta) =>
        journal.record({
          time: clock.now(),
          traceId: meta?.traceId ?? "",
          tenant: tenant.paasid,
          operationId: meta?.operationId ?? null,
          method: "EVENT",
          url: event,
          status: 0,
          durationMs: 0,
          responseBody: data,
          event,
        }),
    };
    this.tenants.set(tenant.paasid, rt);
    this.byControl.set(tenant.controlToken, rt);
    for (const h of this.createHooks) h(rt);
    return rt;
  }

  get(paasid: string): TenantRuntime | undefined {
    return this.tenants.get(paasid);
  }

  byControlToken(token: string): TenantRuntime | undefined {
    return this.byControl.get(token);
  }

  list(): TenantRuntime[] {
    return [...this.tenants.values()];
  }

  /** The first registered tenant (the default for open requests), without copying the list. */
  first(): TenantRuntime | undefined {
    return this.tenants.values().next().value;
  }

  /** Back to the seeded start: state, clock, journal, nonces, rules — and platform hooks. */
  reset(paasid: string): boolean {
    const rt = this.tenants.get(paasid);
    if (!rt) return false;
    rt.store.clear(); // records, nonce claims, counters, logs
    rt.clock.reset();
    rt.journal.clear();
    rt.rules.clear();
    for (const h of this.resetHooks) h(rt);
    for (const h of this.createHooks) h(rt);
    return true;
  }
}

/** Public view of a tenant: never the paasToken or control token. */
export function publicTenant(rt: TenantRuntime): Record<string, unknown> {
  const { paasToken: _p, controlToken: _c, ...rest } = rt.tenant;
  return { ...rest, builtIn: rt.builtIn };
}
