// Step (the last, once the answer is built): the exchange into the journal of the tenant it belongs to, or into the
// unmatched journal when none.
//  - the request as received: a JSON body as its text (one string per entry, parsed when read), others as parsed
//  - the answer as sent: the JSON text that went out, else the body; nothing for a dropped connection
//  - the request's violations and the answer's own contract violations
//  - never the control plane's own requests (every admin-secured operation reads journals; it does not write into them)
import type { Problem } from "../../mocks/shared/types.js";
import { isJsonMediaType } from "../body-parsers.js";
import type { Journal } from "../journal.js";
import type { Runtime } from "../runtime.js";
import type { Exchange } from "./exchange.js";

/** What was answered: the status, and the body as an object (`body`) and, when JSON, as the text sent (`json`). */
export interface SentAnswer {
  status: number;
  body: unknown;
  json?: string;
}

export function journalOf(x: { tenant?: Exchange["tenant"]; rt: Runtime }): Journal {
  return x.tenant?.journal ?? x.rt.unmatched;
}

export function recordJournal(x: Exchange, a: SentAnswer, problem?: Problem): void {
  if (x.op?.security.includes("admin")) return;
  const jsonBody =
    x.rawBody !== undefined &&
    x.body !== null &&
    typeof x.body === "object" &&
    !Buffer.isBuffer(x.body) &&
    isJsonMediaType(x.contentType);
  journalOf(x).record({
    time: x.tenant?.clock.now() ?? Date.now(),
    traceId: x.traceId,
    tenant: x.tenant?.tenant.paasid ?? "",
    operationId: x.op?.operationId ?? null,
    serviceId: x.serviceId,
    method: x.method,
    url: x.url,
    status: x.drop ? 0 : a.status,
    durationMs: performance.now() - x.started,
    requestHeaders: x.headers,
    requestBody: jsonBody ? undefined : x.body,
    requestJson: jsonBody ? x.rawBody!.toString("utf8") : undefined,
    requestBytes: x.rawBody?.length,
    responseJson: x.drop ? undefined : a.json,
    responseBody: x.drop || a.json !== undefined ? undefined : a.body,
    violations: problem?.diagnostics?.length
      ? [...problem.diagnostics, ...x.responseViolations]
      : x.responseViolations.length
        ? x.responseViolations
        : undefined,
    scenario: x.scenario,
  });
}
