// Step: a simulated platform that answers outside its own contract is a gatesim bug — report it (diagnostic + log),
// never pass it silently. Default: replace the answer with 50001 carrying the violations; config may only log.
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import { validateResponse } from "../validation.js";
import type { Exchange } from "./exchange.js";

export function checkResponse(x: Exchange): void {
  if (!x.result || x.drop || !x.rt.config.validateResponses) return;
  const r = x.result;
  const ct =
    r.contentType ??
    (r.body !== undefined && typeof r.body !== "string" && !Buffer.isBuffer(r.body) ? "application/json" : undefined);
  const diags = validateResponse(x.op!, r.status, ct, r.body);
  if (!diags.length) return;
  x.responseViolations = diags;
  x.rt.log.error(
    { operationId: x.op!.operationId, traceId: x.traceId, violations: diags },
    "handler answered outside its contract",
  );
  if (x.rt.config.responseViolation === "refuse")
    refuse(x.platform?.contractBroken ?? GATEWAY_ERRORS.contractBroken, diags);
}
