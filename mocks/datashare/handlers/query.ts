// The GatewayMsg query (facts §5.2, §8.5): every catalogue serviceId (C + 13 digits) on
// POST /GatewayMsg/http/api/proxy/invoke, answered by a base library, hooked rows or the provider's interface.
import { ProblemError } from "../../shared/problem.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { DATASHARE_OPERATIONS } from "../scenarios.js";
import type { AuditEntry, DatashareDeps, DatashareHandlers, Diagnostic } from "../types.js";

/** The §5.2 body: JSON, or JSON sent as text/plain (one x-tif client does, facts §1.2). */
function gatewayMsgBody(input: HandlerInput): unknown {
  const b = input.body;
  const text = typeof b === "string" ? b : Buffer.isBuffer(b) ? b.toString("utf8") : undefined;
  if (text === undefined) return b;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Both sides learn of a provider answering outside its catalogue: the consumer's journal and response, and the
 *  provider's violation log (GET /ebus/datashare/v1/provider/violations) next to its audit entry. */
async function reportViolations(
  deps: DatashareDeps,
  audit: AuditEntry,
  v: Diagnostic[],
  ctx: HandlerContext,
): Promise<void> {
  await deps.violations.record(audit, v);
  const event = {
    auditId: audit.id,
    serviceId: audit.serviceId,
    resourceCode: audit.resourceCode,
    providerCode: audit.providerCode,
    count: v.length,
    violations: v,
  };
  ctx.emit("datashare.provider.violation", event);
  // the provider's journal too (the tenant that hooked the interface, else the one acting for the provider code)
  const provider =
    (audit.ownerPaasid ? deps.directory.view(audit.ownerPaasid) : undefined) ??
    (audit.providerCode ? deps.directory.byOrg(audit.providerCode) : undefined);
  if (provider && provider.tenant.paasid !== audit.consumerPaasid)
    provider.emit?.(
      "datashare.provider.violation",
      { ...event, consumerPaasid: audit.consumerPaasid },
      { traceId: audit.traceId, operationId: DATASHARE_OPERATIONS.query },
    );
}

export const queryHandlers = {
  async [DATASHARE_OPERATIONS.query](input, ctx, deps) {
    // The pipeline hands over the parsed body, not its bytes: the audit's request hash is over canonical JSON.
    const out = await deps.ds.query({
      paasid: input.tenant.paasid,
      serviceId: input.serviceId ?? "",
      body: gatewayMsgBody(input),
      rawBody: input.rawBody,
      traceId: input.traceId,
      claimed: input.claimed,
    });
    const v = out.providerViolations;
    if (v?.length) await reportViolations(deps, out.audit, v, ctx);
    if (out.problem) throw new ProblemError(out.problem);
    return {
      status: 200,
      body: v?.length ? { ...out.body, _diagnostics: v } : out.body,
      ...(v?.length ? { headers: { "x-gatesim-provider-violations": String(v.length) } } : {}),
    };
  },
} satisfies DatashareHandlers;
