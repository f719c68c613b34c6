// The state one request carries through the pipeline's steps (architecture.md §2).
import type { Operation } from "../../contracts/loader.js";
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
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
  /** The body's bytes as received, when it had one. */
  rawBody?: Buffer;
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
  /**
   * The nonce claim still in flight on a shared store (authenticate.ts): settled by the pipeline before any answer,
   * and before anything with an effect runs (a rule taken, a handler dispatched); rejects with the 40003 refusal.
   */
  pendingClaim?: Promise<void>;
  /** Set when the connection must be dropped without an answer (fault injection). */
  drop?: "reset" | "timeout";
  /** Say that a forced scenario delays or hangs this request on purpose (no 504 from the HTTP thread's sweep). */
  hold?: () => void;
}

/** One step of the request path; `stage: "platform"` marks where the platform takes over (its envelope from then on). */
export type Step = ((x: Exchange) => void | Promise<void>) & { stage?: "platform" };

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

const HEADERS_HINT =
  "每个网关调用都要带 x-tif-paasid、x-tif-timestamp、x-tif-nonce、x-tif-signature 各一个 / every gateway call carries exactly one each of x-tif-paasid, x-tif-timestamp, x-tif-nonce, x-tif-signature";

/** The value of an x-tif header that must appear exactly once and not be empty; otherwise 40001 naming it. */
export function singleHeader(x: Exchange, name: string, display: string = name, hint: string = HEADERS_HINT): string {
  const v = header(x, name);
  // Node joins repeated headers with ", ", so a value without a comma came once; only otherwise count the raw ones.
  if (v && !v.includes(",")) return v;
  const n = headerCount(x, name);
  if (n === 1 && v) return v;
  return refuse(GATEWAY_ERRORS.headerMissing, [
    {
      location: `/headers/${display}`,
      rule: n > 1 ? "x-tif.header-duplicated" : "x-tif.header-required",
      seen: n > 1 ? x.headers[name] : v,
      message:
        n > 1
          ? `${display} 出现 ${n} 次 / ${display} appears ${n} times`
          : `缺少 ${display} / ${display} is missing or empty`,
      hint,
    },
  ]);
}
