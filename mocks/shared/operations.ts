// Handlers typed from the contracts: openapi-typescript's `operations` interface (contracts/types/<name>.d.ts, generated)
// read as operationId → the request a handler gets and the answers it may give. A platform's types.ts names its table
// (`type EsealOperations = operations` of eseal.d.ts); its handlers/<group>.ts declare each handler as
// `OperationHandler<EsealOperations["esealGetSeal"], EsealDeps>`, so tsc refuses an answer the contract does not allow.
import type { Handler, HandlerContext, HandlerInput, HandlerResult } from "./types.js";

/** The parts of an openapi-typescript operation this file reads. */
export interface OperationShape {
  parameters: { query?: unknown; path?: unknown; header?: unknown };
  requestBody?: unknown;
  responses: Record<string | number, unknown>;
}

/** Bytes or text: what a handler gives for a media type other than JSON (PDF, OFD, SVG, PEM, HTML …). */
export type RawBody = Buffer | string;

/** The body of one media-type map: the JSON type when the contract has one, else raw bytes or text. */
type ContentBody<C> = C extends { "application/json": infer J }
  ? J
  : C extends Record<string, unknown>
    ? keyof C extends never
      ? undefined
      : RawBody
    : undefined;

/** A response object's body: its content's (no content → none). */
type ResponseBody<R> = R extends { content: infer C } ? ContentBody<C> : undefined;

type Extras = Omit<HandlerResult, "status" | "body">;

/**
 * Every answer an operation's contract allows: `{ status, body }` with the body its status's response declares.
 * Statuses the contract lists are literal; a `default` response admits any other status with its body.
 */
export type OperationAnswer<O extends OperationShape> = {
  [S in keyof O["responses"]]: S extends number
    ? { status: S; body?: ResponseBody<O["responses"][S]> } & Extras
    : S extends "default"
      ? { status: number; body?: ResponseBody<O["responses"][S]> } & Extras
      : never;
}[keyof O["responses"]];

/** A parameter group the gateway always hands over (an empty object when none were sent); Else when there are none. */
type Defined<T, Else> = [Exclude<T, undefined>] extends [never] ? Else : Exclude<T, undefined>;
type RequestBodyOf<O extends OperationShape> = O["requestBody"] extends { content: infer C }
  ? ContentBody<C>
  : O["requestBody"] extends { content: infer C } | undefined
    ? ContentBody<C> | undefined
    : unknown;

/**
 * The request as the gateway hands it over after validation: path parameters, query and body as the contract
 * declares them (the gateway refuses anything else with 40005 before a handler runs).
 */
export type OperationInput<O extends OperationShape> = Omit<HandlerInput, "params" | "query" | "body"> & {
  params: Defined<O["parameters"]["path"], Record<string, string>>;
  query: Defined<O["parameters"]["query"], Record<string, unknown>>;
  body: RequestBodyOf<O>;
};

/** A handler of one operation: the contract's request in, one of the contract's answers out; `deps` its platform's. */
export type OperationHandler<O extends OperationShape, D = void> = (
  input: OperationInput<O>,
  ctx: HandlerContext,
  deps: D,
) => OperationAnswer<O> | Promise<OperationAnswer<O>>;

/** A group of handlers keyed by operationId, each typed by its operation in the platform's table. */
export type OperationHandlers<Ops, D = void> = {
  [K in keyof Ops]?: Ops[K] extends OperationShape ? OperationHandler<Ops[K], D> : never;
};

/**
 * The gateway's untyped Handler map from typed groups, each handler given the platform's deps. `wrap` (optional)
 * surrounds every handler (e-seal retries one that lost a compare-and-set to another replica).
 */
export function bindHandlers<D>(
  deps: D,
  groups: readonly object[],
  wrap?: (run: () => Promise<HandlerResult>) => Promise<HandlerResult>,
): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const group of groups)
    for (const [id, h] of Object.entries(group)) {
      const typed = h as unknown as (input: HandlerInput, ctx: HandlerContext, deps: D) => Promise<HandlerResult>;
      out[id] = wrap
        ? (input, ctx) => wrap(async () => typed(input, ctx, deps))
        : (input, ctx) => typed(input, ctx, deps);
    }
  return out;
}
