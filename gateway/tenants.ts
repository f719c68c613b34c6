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

/**
 * Replay protection (facts §1.4): a nonce may not repeat within the window, per paasid, on the tenant's clock.
 *
 * Nonces live in generations of at most `max / 8` entries: a new generation starts when the current one
 * is full, a generation whose every nonce has expired is dropped whole, and when the cache holds `max` nonces the
 * oldest generation goes (bounded memory; documented trade-off). One big Map stalled the event loop for up to ≈120 ms
 * each time it grew (rehashing 1M entries) and for a full scan on every eviction — spikes a load test would see.
 */
export class NonceCache {
  private gens: { seen: Map<string, number>; maxUntil: number }[] = [];
  private current = { seen: new Map<string, number>(), maxUntil: 0 };
  private readonly genSize: number;
  private total = 0;
  /** The earliest time at which some past generation has fully expired. */
  private firstExpiry = Infinity;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {
    this.genSize = Math.max(1, Math.floor(max / 8));
  }

  /** Records the nonce; returns false when it was already used inside the window. */
  use(nonce: string, nowMs: number): boolean {
    const until = this.lookup(nonce);
    if (until !== undefined && until > nowMs) return false;
    this.dropExpired(nowMs);
    if (this.current.seen.size >= this.genSize) {
      this.gens.push(this.current);
      this.firstExpiry = Math.min(this.firstExpiry, this.current.maxUntil);
      this.current = { seen: new Map(), maxUntil: 0 };
    }
    while (this.total >= this.max && this.gens.length) this.total -= this.gens.shift()!.seen.size; // firstExpiry may now be early: harmless
    const u = nowMs + this.ttlMs;
    if (!this.current.seen.has(nonce)) this.total++;
    this.current.seen.set(nonce, u);
    if (u > this.current.maxUntil) this.current.maxUntil = u;
    return true;
  }

  private lookup(nonce: string): number | undefined {
    const c = this.current.seen.get(nonce);
    if (c !== undefined) return c;
    for (let i = this.gens.length - 1; i >= 0; i--) {
      const u = this.gens[i].seen.get(nonce);
      if (u !== undefined) return u;
    }
    return undefined;
  }

  /** Generations whose every nonce has expired (on this clock) go whole. */
  private dropExpired(nowMs: number): void {
    if (nowMs < this.firstExpiry) return;
    const keep: typeof this.gens = [];
    for (const g of this.gens) {
      if (g.maxUntil > nowMs) keep.push(g);
      else this.total -= g.seen.size;
    }
    this.gens = keep;
    this.firstExpiry = Math.min(...keep.map((g) => g.maxUntil), Infinity);
  }

  get size(): number {
    return this.total;
  }

  clear(): void {
    this.gens = [];
    this.current = { seen: new Map(), maxUntil: 0 };
    this.total = 0;
    this.firstExpiry = Infinity;
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
      store: new MemoryStore(clock),
      journal,
      nonces: new NonceCache(this.limits.nonceTtlMs, this.limits.nonceCacheMax),
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
