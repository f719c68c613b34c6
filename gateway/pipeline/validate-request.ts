// Step: the request against its operation's contract — every violation, not the first (Prism's habit).
//  - any violation → 40005 (or 41501 when only the Content-Type is wrong), each with location, rule, seen, hint
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import { validateRequest } from "../validation.js";
import type { Exchange } from "./exchange.js";

export function validate(x: Exchange): void {
  if (x.result || x.drop) return; // a scenario already decided
  const diags = validateRequest(x.op!, {
    params: x.params,
    query: x.query,
    headers: x.headers,
    body: x.body,
    contentType: x.contentType,
  });
  if (!diags.length) return;
  const onlyMedia = diags.every((d) => d.rule === "requestBody.content");
  refuse(onlyMedia ? GATEWAY_ERRORS.unsupportedMediaType : GATEWAY_ERRORS.contractViolation, diags);
}

/** From validation on the request is the platform's: refusals answer in its envelope. */
validate.stage = "platform" as const;
