// Step: run the operation's handler, or answer from the contract's examples/schemas when it has none.
import type { Handler, HandlerContext, HandlerInput } from "../../mocks/shared/types.js";
import { answerFromContract } from "../sample.js";
import type { Exchange } from "./exchange.js";

const access = new WeakMap<Exchange["rt"], HandlerContext["platforms"]>();
/** The other platforms' in-process APIs: one accessor per runtime, not one per request. */
function platformsOf(rt: Exchange["rt"]): HandlerContext["platforms"] {
  let a = access.get(rt);
  if (!a) access.set(rt, (a = { get: <T>(name: string) => rt.platforms.get(name)?.api as T | undefined }));
  return a;
}

/** Synchronous when the handler is (e.g. the identifier checker): the pipeline then has nothing to await. */
export function dispatch(x: Exchange): void | Promise<void> {
  if (x.result || x.drop) return;
  const op = x.op!;
  const handler = x.platform?.handlers[op.operationId];
  if (!handler) {
    x.result = answerFromContract(op, x.rt.config.seed);
    return;
  }
  // A nonce claim in flight (shared store): only a handler that says it reads before it settles the claim starts now.
  const claimed = x.pendingClaim;
  if (claimed && !x.platform!.readsBeforeClaim?.has(op.operationId)) return claimed.then(() => run(x, handler));
  return run(x, handler, claimed);
}

/** The handler, given the nonce claim still in flight when it reads before the claim is settled. */
function run(x: Exchange, handler: Handler, claimed?: Promise<void>): void | Promise<void> {
  const op = x.op!;
  const t = x.tenant!;
  const input: HandlerInput = {
    operationId: op.operationId,
    serviceId: x.serviceId,
    method: x.method,
    path: x.path,
    params: x.params,
    query: x.query,
    headers: x.headers,
    body: x.body,
    rawBody: x.rawBody,
    ip: x.ip,
    tenant: t.tenant,
    principal: x.principal,
    traceId: x.traceId,
    scenario: x.scenario,
  };
  if (claimed) input.claimed = claimed;
  const rt = x.rt;
  const ctx: HandlerContext = {
    store: t.store,
    clock: t.clock,
    seed: rt.seed,
    platforms: platformsOf(rt),
    log: rt.log,
    emit: (event, data) => t.emit(event, data, { traceId: x.traceId, operationId: op.operationId }),
  };
  const r = handler(input, ctx);
  if (r && typeof (r as PromiseLike<unknown>).then === "function")
    return (r as Promise<Exchange["result"]>).then((v) => void (x.result = v));
  x.result = r as Exchange["result"];
}
