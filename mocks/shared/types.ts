// The framework-free seam between the gateway and the platforms (architecture.md §4): handlers, context, results.
import type { Store, StoreChange } from "./store.js";
import type { Clock } from "./clock.js";
import type { Seed } from "./seed-types.js";

/** A registered application (paasid) and everything that is its own. */
export interface Tenant {
  paasid: string;
  /** Shared secret for x-tif signatures. Never logged, journalled or echoed. */
  paasToken: string;
  name: string;
  /** serviceIds (GatewayMsg) this app may call; "*" grants all. */
  serviceIds: string[];
  /** Optional caller IP allow-list: exact IPs or CIDRs (IPv4). Empty/undefined = any. */
  ipAllowList?: string[];
  /** Signature hex case policy (facts §8.1): "any" compares case-insensitively; "upper" requires upper case on GatewayMsg routes. */
  signatureCase: "any" | "upper";
  /** The organisation (USCC) this app acts for, when it belongs to one — e-seal ownership, e-licence issuer. */
  orgCode?: string;
  /** Bearer token that opens this tenant's own part of the control plane (not others'). */
  controlToken: string;
}

/** Who is calling, once authentication succeeded. */
export type Principal =
  | { kind: "app"; paasid: string }
  | { kind: "user"; sub: string; clientId: string; scope: string[]; claims: Record<string, unknown> }
  | { kind: "admin" }
  | { kind: "anonymous" };

export interface HandlerInput {
  operationId: string;
  /** GatewayMsg serviceId when the operation was dispatched by x-tif-serviceId. */
  serviceId?: string;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  rawBody?: Buffer;
  ip: string;
  tenant: Tenant;
  principal: Principal;
  traceId: string;
  /** The scenario forced on this request (header or tenant rule), when a handler acts it out itself. */
  scenario?: string;
  /**
   * Only for the operations a platform lists in `readsBeforeClaim`, on a shared store: the request's nonce claim, still
   * in flight. The handler may read first (its reads then share the claim's round trip) and must await this before
   * anything with an effect; it rejects with the 40003 refusal, which is what the request then gets.
   */
  claimed?: Promise<void>;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What platforms can ask of each other in-process (filled in by each platform issue). */
export interface PlatformRegistry {
  get<T = unknown>(name: string): T | undefined;
}

export interface HandlerContext {
  /** The calling tenant's own namespace. */
  store: Store;
  /** The calling tenant's virtual clock. */
  clock: Clock;
  /** Shared, read-only seed data. */
  seed: Seed;
  platforms: PlatformRegistry;
  log: Logger;
  /** Emit a cross-platform event; it is journalled for the tenant. */
  emit(event: string, data: Record<string, unknown>): void;
}

export interface HandlerResult {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialisable body, or a Buffer/string with contentType. */
  body?: unknown;
  contentType?: string;
}

export type Handler = (input: HandlerInput, ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

/** A refusal, before it is put in the platform's native envelope. */
export interface Problem {
  /** Platform-native code, e.g. 40004 on the gateway or "invalid_client" on identity. */
  code: string | number;
  status: number;
  zh: string;
  en: string;
  diagnostics?: Diagnostic[];
  /** Headers the refusal carries (RFC 6750 §3 WWW-Authenticate, Cache-Control: no-store …); never secrets. */
  headers?: Record<string, string>;
}

/** One violation: where, which rule, what was seen, how to fix it. */
export interface Diagnostic {
  /** JSON pointer into the request, e.g. /headers/x-tif-signature or /body/audit_info/operator_id. */
  location: string;
  rule: string;
  /** The value seen; secrets are redacted before this is filled. */
  seen?: unknown;
  message: string;
  hint: string;
}

/** Renders a Problem in a platform's own error format. */
/**
 * A refusal in a platform's native body. Formatters always add the gatesim extensions `_diagnostics` and `_trace_id`;
 * the gateway drops them from every answer in strict-envelope mode (app.ts withoutExtensions), whoever built it.
 */
export type EnvelopeFormatter = (problem: Problem, opts: { traceId: string }) => unknown;

/** A named domain scenario that can be forced per request (x-gatesim-scenario) or by tenant rule. */
export interface ScenarioDef {
  name: string;
  platform: string;
  zh: string;
  en: string;
  /** Operations it applies to (operationIds); empty = any operation of the platform. */
  operations?: string[];
  /** The forced outcome. */
  outcome:
    | { kind: "problem"; problem: Problem }
    | { kind: "result"; result: HandlerResult }
    | { kind: "latency"; ms: number }
    | { kind: "timeout" }
    | { kind: "reset" };
}

/** One tenant as a platform may see it from the directory. */
export interface TenantView {
  tenant: Tenant;
  store: Store;
  clock: Clock;
  /** An event in this tenant's journal (e.g. to tell a provider what its interface did in another tenant's call). */
  emit?(event: string, data: unknown, meta?: { traceId?: string; operationId?: string }): void;
}

export interface TenantDirectoryView {
  get(paasid: string): TenantView | undefined;
  list(): TenantView[];
}

/** What a platform module contributes. */
/**
 * A credential check a platform offers for one of the contracts' security schemes (the pipeline knows schemes, not
 * platforms): identity offers "bearer", its access tokens verified offline.
 */
export interface SecuritySchemeVerifier {
  verify(
    token: string,
    opts: { clock: { now(): number }; expectedTenant?: string },
  ): Promise<{ ok: true; principal: Principal } | { ok: false; problem: Problem }>;
  /** The tenant a request's credential names, before it is verified (verify then checks it with expectedTenant). */
  tenantOf(headers: Record<string, string | string[] | undefined>): string | undefined;
}

export interface PlatformModule {
  name: string;
  /** Verifiers this platform offers, keyed by the security scheme name the contracts use (e.g. "bearer"). */
  securitySchemes?: Record<string, SecuritySchemeVerifier>;
  /** Handlers keyed by operationId; operations without one are answered from the contract. */
  handlers: Record<string, Handler>;
  /** Native error envelope (defaults to the gateway's {errcode, errmsg, data}). */
  envelope?: EnvelopeFormatter;
  /** Named alternative envelopes an operation can pick with `x-gatesim-envelope: <name>` in its contract. */
  envelopes?: Record<string, EnvelopeFormatter>;
  scenarios?: ScenarioDef[];
  /** The refusal that replaces an answer outside the contract, when not the gateway's "gatesim bug" (user contracts). */
  contractBroken?: Omit<Problem, "diagnostics">;
  /** In-process API offered to other platforms (ctx.platforms.get(name)). */
  api?: unknown;
  /**
   * Operations whose handlers only read until they have awaited `input.claimed` (HandlerInput): on a shared store they
   * start while the nonce claim is in flight. Every other handler starts once the claim is settled.
   */
  readsBeforeClaim?: ReadonlySet<string>;
  /**
   * For routes without x-tif headers (browser-facing identity pages, OAuth token calls): name the tenant (paasid) a
   * request belongs to, e.g. from its client_id. Undefined = not this platform's request, or unknown.
   */
  /**
   * For GatewayMsg serviceIds created at run time (e.g. one per data-sharing catalogue resource): the operationId of
   * the contract operation that answers this serviceId, or undefined when the platform does not own it.
   */
  resolveService?(serviceId: string): string | undefined;
  /**
   * For platforms whose operations touch other tenants' state (a provider approving a consumer's application): called
   * once after start-up with a directory of every tenant's own store and clock.
   */
  attachTenants?(directory: TenantDirectoryView): void;
  /**
   * For state that spans tenants (sequences unique across tenants): the sandbox-wide namespace of the configured
   * store, called once before the first request (a durable store hands back what it kept).
   */
  attachStore?(store: Store): Promise<void> | void;
  /** On a shared store: another process wrote to this platform's namespace (what it keeps in memory follows). */
  onStoreChange?(change: StoreChange): Promise<void> | void;
  /** Stop timers and close outbound connections (called when the app closes). */
  close?(): Promise<void> | void;
  /** Per-tenant state a platform keeps outside the tenant store (e.g. identity's clients): seed it, restore it. */
  onTenant?: { create?(paasid: string): void; reset?(paasid: string): void };
  resolveTenant?(req: {
    query: Record<string, unknown>;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
  }): string | undefined;
}
