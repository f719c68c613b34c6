// The state one request carries through the pipeline's steps (architecture.md §2).
import type { Operation } from "../../contracts/loader.js";
import type { Diagnostic, HandlerResult, PlatformModule, Principal } from "../../mocks/shared/types.js";
import type { TenantRuntime } from "../tenants.js";
import type { Runtime } from "../runtime.js";

/** The operations answering one method + route; GatewayMsg routes dispatch among them by x-tif-serviceId. */
export interface RouteEntry {
  method: string;
  path: string;
  /** The operation when the route is not serviceId-dispatched. */
  single?: Operation;
  byService: Map<string, Operation>;
}

export interface Exchange {
  rt: Runtime;
  traceId: string;
  started: number;
  method: string;
  url: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** Raw header name/value pairs, to see duplicates Node would have merged. */
  rawHeaders: string[];
  query: Record<string, unknown>;
  params: Record<string, string>;
  body: unknown;
  contentType?: string;
  ip: string;
  route: RouteEntry;
  op?: Operation;
  platform?: PlatformModule;
  serviceId?: string;
  tenant?: TenantRuntime;
  principal: Principal;
  scenario?: string;
  /** Contract violations of the response (handler faults). */
  responseViolations: Diagnostic[];
  result?: HandlerResult;
  /** True once the request reached the platform (validation onwards): refusals then use the platform's envelope. */
  platformStage?: boolean;
  /** Set when the connection must be dropped without an answer (fault injection). */
  drop?: "reset" | "timeout";
}

export type Step = (x: Exchange) => void | Promise<void>;

export function header(x: Exchange, name: string): string | undefined {
  const v = x.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** How often a header name occurs in the raw request (case-insensitive). */
export function headerCount(x: Exchange, name: string): number {
  let n = 0;
  for (let i = 0; i < x.rawHeaders.length; i += 2) if (x.rawHeaders[i].toLowerCase() === name) n++;
  return n;
}
