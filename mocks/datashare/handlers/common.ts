// What the data-sharing handler groups share: the success envelope, who acts, path references, instants, and the
// refusal explained where it lacks a diagnostic.
import { successAnswer } from "../../shared/operations.js";
import type { HandlerContext, HandlerInput, HandlerResult } from "../../shared/types.js";
import { DatashareError, diag, DATASHARE_ERRORS, type ErrorDef } from "../errors.js";
import { entryView } from "../http-views.js";
import type { Actor, CatalogueEntry, DatashareDeps } from "../types.js";

export type Obj = Record<string, unknown>;

/** `{errcode: 0, errmsg, data}`: 200, or the status the contract gives the operation's success. */
export const ok = successAnswer(`${DATASHARE_ERRORS.ok.zh} / ${DATASHARE_ERRORS.ok.en}`);

export const bodyOf = (input: Pick<HandlerInput, "body">): Obj =>
  input.body && typeof input.body === "object" && !Buffer.isBuffer(input.body) && !Array.isArray(input.body)
    ? (input.body as Obj)
    : {};
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Who acts: the calling application, or the admin on the control plane (/_gatesim/datashare/…). */
export const actorOf = (input: Pick<HandlerInput, "principal" | "tenant">): Actor =>
  input.principal.kind === "admin" ? { kind: "admin" } : { kind: "tenant", paasid: input.tenant.paasid };

/** `{ref}` in a path: a serviceId (C + 13 digits), or a resource code with its "/" percent-encoded or written "-". */
export function refOf(ref: string): { serviceId?: string; resourceCode?: string } {
  if (/^C\d{13}$/.test(ref)) return { serviceId: ref };
  return { resourceCode: ref.includes("/") ? ref : ref.replace(/-(?=[^-]*$)/, "/") };
}

export function instant(v: unknown, location: string): number | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  if (Number.isNaN(t))
    throw new DatashareError("applicationInvalid", { zh: "时间格式无效", en: "invalid date-time" }, [
      diag(
        location,
        "date-time",
        v,
        "应为 ISO 8601 时间 / must be an ISO 8601 date-time",
        "如 2026-12-31T16:00:00Z / e.g. 2026-12-31T16:00:00Z",
      ),
    ]);
  return t;
}

/** A catalogue entry as the actor may see it (a provider URL only to its provider). */
export const entryFor = (deps: DatashareDeps, actor: Actor, e: CatalogueEntry) =>
  entryView(e, deps.ds.catalogue.isProvider(actor, e));

/** The entry a `{ref}` path parameter names (1101 when there is none). */
export const resolve = (deps: DatashareDeps, ref: string) => deps.ds.catalogue.require(refOf(ref));

/** A refusal without diagnostics still says where to look (architecture §5: never make the developer guess). */
export function explain(e: unknown, input: HandlerInput): never {
  if (e instanceof DatashareError && !e.problem.diagnostics?.length) {
    const loc = Object.keys(input.params).length ? `/params/${Object.keys(input.params)[0]}` : "/body";
    e.problem.diagnostics = [
      diag(
        loc,
        `datashare.${e.kind}`,
        undefined,
        `${e.problem.zh} / ${e.problem.en}`,
        (DATASHARE_ERRORS[e.kind] as ErrorDef).hint ??
          "见 /docs 中的数据共享接口说明 / see the data-sharing operations in /docs",
      ),
    ];
  }
  throw e;
}

/**
 * A decision is an event in the journal of the tenant whose application it was, whoever decided: the provider (whose
 * own journal has it too, next to its request) or the admin (whose control-plane requests are not journalled).
 */
export function decided(
  deps: DatashareDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  consumerPaasid: string,
  event: string,
  data: Record<string, unknown>,
): void {
  if (input.principal.kind !== "admin") ctx.emit(event, data);
  if (input.principal.kind === "admin" || consumerPaasid !== input.tenant.paasid)
    deps.directory
      .view(consumerPaasid)
      ?.emit?.(event, data, { traceId: input.traceId, operationId: input.operationId });
}

/** Every handler learns the calling tenant (directory fallback) and explains refusals that lack diagnostics. */
export async function rememberAndExplain(
  deps: DatashareDeps,
  run: () => Promise<HandlerResult>,
  input: HandlerInput,
  ctx: HandlerContext,
): Promise<HandlerResult> {
  deps.directory.remember(input.tenant, ctx.store, ctx.clock);
  try {
    return await run();
  } catch (e) {
    return explain(e, input);
  }
}
