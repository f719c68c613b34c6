// Tenants: every registered application (paasid) with its own store (nonces included), virtual clock, journal and rules.
import { createHash, randomBytes } from "node:crypto";
import { Clock, type ClockState } from "../mocks/shared/clock.js";
import { MemoryBackend, type Store, type StoreBackend, type StoreChange } from "../mocks/shared/store.js";
import type { Tenant } from "../mocks/shared/types.js";
import { Journal } from "./journal.js";
import { RuleSet, type Rule } from "./scenarios.js";

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

/** Sandbox-store kinds: tenants registered at run time (with their secrets), and every tenant's clock and rules. */
const TENANT_KIND = "gateway.tenant";
const TENANT_STATE_KIND = "gateway.tenant-state";
/** A reset, told to the other processes on a shared store (they clear what they keep in memory: the journal). */
const TENANT_RESET_KIND = "gateway.tenant-reset";

interface StoredTenant {
  tenant: Tenant;
}
interface StoredTenantState {
  clock?: ClockState;
  rules?: Rule[];
}

export interface TenantRuntime {
  tenant: Tenant;
  builtIn: boolean;
  clock: Clock;
  store: Store;
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
  private readonly states = new Map<string, StoredTenantState>();

  /**
   * `backend` keeps each tenant's store, and in its sandbox namespace the tenants registered at run time and every
   * tenant's clock and rules, so a durable backend restores them (restore()); `onStoreError` hears a failed write.
   */
  constructor(
    private readonly seed: string,
    private readonly limits: TenantLimits,
    readonly backend: StoreBackend = new MemoryBackend({ claimMax: limits.nonceCacheMax }),
    private readonly onStoreError: (e: unknown) => void = () => {},
  ) {}

  /** Tenants registered at run time, and every tenant's clock and rules, back from the sandbox store. */
  async restore(): Promise<number> {
    const sandbox = this.backend.sandbox();
    let restored = 0;
    for (const { tenant } of await sandbox.list<StoredTenant>(TENANT_KIND)) {
      if (this.tenants.has(tenant.paasid)) continue; // a built-in tenant of the same name wins (config)
      this.add(tenant, false, tenant);
      restored++;
    }
    for (const rt of this.tenants.values()) {
      const st = await sandbox.get<StoredTenantState>(TENANT_STATE_KIND, rt.tenant.paasid);
      if (!st) continue;
      this.states.set(rt.tenant.paasid, st);
      if (st.clock) rt.clock.restore(st.clock);
      if (st.rules) rt.rules.restore(st.rules);
    }
    return restored;
  }

  private readonly pending = new Set<Promise<void>>();

  private save(p: Promise<void>): void {
    this.pending.add(p);
    p.catch(this.onStoreError).finally(() => this.pending.delete(p));
  }

  /** The clock and rule writes fired so far have landed (the control plane answers after this). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private saveState(paasid: string, change: StoredTenantState): void {
    const st = { ...this.states.get(paasid), ...change };
    this.states.set(paasid, st);
    this.save(this.backend.sandbox().put(TENANT_STATE_KIND, paasid, st));
  }

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
  add(spec: TenantSpec, builtIn: boolean, stored?: Tenant): TenantRuntime {
    if (this.tenants.has(spec.paasid)) throw new Error(`tenant ${spec.paasid} exists`);
    const tenant: Tenant = stored ?? {
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
    clock.onChange = (c) => this.saveState(tenant.paasid, { clock: c });
    const journal = new Journal(this.limits.journalCap, this.limits.journalMaxBodyBytes);
    const store = this.backend.forTenant(tenant.paasid, clock);
    // a shared backend (the one that watches: Redis) makes replicas one sandbox, journals included
    if (this.backend.watch) journal.share(store, this.onStoreError);
    const rt: TenantRuntime = {
      tenant,
      builtIn,
      clock,
      store,
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
    rt.rules.onChange = (rules) => this.saveState(tenant.paasid, { rules });
    this.tenants.set(tenant.paasid, rt);
    this.byControl.set(tenant.controlToken, rt);
    for (const h of this.createHooks) h(rt);
    return rt;
  }

  /**
   * A tenant registered through the control plane: added, and stored before the caller answers 201 — secrets are
   * state, so it keeps its paasToken and control token across a restart.
   */
  async register(spec: TenantSpec): Promise<TenantRuntime> {
    const rt = this.add(spec, false);
    try {
      await this.backend.sandbox().put<StoredTenant>(TENANT_KIND, rt.tenant.paasid, { tenant: rt.tenant });
    } catch (e) {
      this.tenants.delete(rt.tenant.paasid);
      this.byControl.delete(rt.tenant.controlToken);
      throw e;
    }
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
  async reset(paasid: string): Promise<boolean> {
    const rt = this.tenants.get(paasid);
    if (!rt) return false;
    rt.journal.clear(); // first: entries not yet shared are of before the reset
    await rt.store.clear(); // records, nonce claims, counters, logs
    rt.clock.reset();
    rt.rules.clear();
    for (const h of this.resetHooks) h(rt);
    for (const h of this.createHooks) h(rt);
    if (this.backend.watch)
      this.save(this.backend.sandbox().put(TENANT_RESET_KIND, paasid, { paasid, at: Date.now() }));
    await this.flush();
    return true;
  }

  /**
   * Another process on the shared store changed a tenant (StoreBackend.watch): registered it, moved its clock or its
   * rules, or reset it. What this process keeps in memory follows; nothing is written back.
   */
  async followRemote(change: StoreChange): Promise<void> {
    if (change.op !== "put") return;
    const sandbox = this.backend.sandbox();
    if (change.kind === TENANT_KIND && !this.tenants.has(change.id)) {
      const stored = await sandbox.get<StoredTenant>(TENANT_KIND, change.id);
      if (stored && !this.tenants.has(change.id)) this.add(stored.tenant, false, stored.tenant);
    } else if (change.kind === TENANT_STATE_KIND) {
      const rt = this.tenants.get(change.id);
      const st = rt && (await sandbox.get<StoredTenantState>(TENANT_STATE_KIND, change.id));
      if (!rt || !st) return;
      this.states.set(change.id, st);
      if (st.clock) rt.clock.restore(st.clock);
      if (st.rules) rt.rules.restore(st.rules);
    } else if (change.kind === TENANT_RESET_KIND) {
      this.tenants.get(change.id)?.journal.clear();
    }
  }
}

/** Public view of a tenant: never the paasToken or control token. */
export function publicTenant(rt: TenantRuntime): Record<string, unknown> {
  const { paasToken: _p, controlToken: _c, ...rest } = rt.tenant;
  return { ...rest, builtIn: rt.builtIn };
}
