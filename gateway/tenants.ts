// Tenants: every registered application (paasid) with its own store, virtual clock, journal, nonce cache and rules.
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

/** Replay protection (facts §1.4): a nonce may not repeat within the window, per paasid, on the tenant's clock. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs: number, private readonly max: number) {}

  /** Records the nonce; returns false when it was already used inside the window. */
  use(nonce: string, nowMs: number): boolean {
    const until = this.seen.get(nonce);
    if (until !== undefined && until > nowMs) return false;
    if (until !== undefined) this.seen.delete(nonce);
    if (this.seen.size >= this.max) this.evict(nowMs);
    this.seen.set(nonce, nowMs + this.ttlMs);
    return true;
  }

  /** Drop expired entries; if still full, the oldest (bounded memory; documented trade-off). */
  private evict(nowMs: number): void {
    for (const [n, until] of this.seen) if (until <= nowMs) this.seen.delete(n);
    const excess = this.seen.size - Math.floor(this.max * 0.9);
    if (excess > 0) {
      let i = 0;
      for (const n of this.seen.keys()) {
        if (i++ >= excess) break;
        this.seen.delete(n);
      }
    }
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }
}

export interface TenantRuntime {
  tenant: Tenant;
  builtIn: boolean;
  clock: Clock;
  store: MemoryStore;
  journal: Journal;
  nonces: NonceCache;
  rules: RuleSet;
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

  constructor(private readonly seed: string, private readonly limits: TenantLimits) {}

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
      paasToken: spec.paasToken ?? (builtIn ? derive(this.seed, "paasToken", spec.paasid, 32) : randomBytes(16).toString("hex")),
      serviceIds: spec.serviceIds ?? ["*"],
      ipAllowList: spec.ipAllowList,
      signatureCase: spec.signatureCase ?? "any",
      orgCode: spec.orgCode,
      controlToken: `ctl-${builtIn ? derive(this.seed, "control", spec.paasid, 32) : randomBytes(16).toString("hex")}`,
    };
    const clock = new Clock();
    const rt: TenantRuntime = {
      tenant,
      builtIn,
      clock,
      store: new MemoryStore(clock),
      journal: new Journal(this.limits.journalCap, this.limits.journalMaxBodyBytes),
      nonces: new NonceCache(this.limits.nonceTtlMs, this.limits.nonceCacheMax),
      rules: new RuleSet(),
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
    rt.store.clear();
    rt.clock.reset();
    rt.journal.clear();
    rt.nonces.clear();
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
