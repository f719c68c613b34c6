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

/** The body of one media-type map: the JSON type when the contract has one, raw bytes or text for the others. */
type ContentBody<C> =
  C extends Record<string, unknown>
    ? [keyof C] extends [never]
      ? undefined
      : | (C extends { "application/json": infer J } ? J : never)
        | ([Exclude<keyof C, "application/json">] extends [never] ? never : RawBody)
    : undefined;

/** A response object's body: its content's (no content → none). */
type ResponseBody<R> = R extends { content: infer C } ? ContentBody<C> : undefined;

type Extras = Omit<HandlerResult, "status" | "body">;

/** Statuses the contracts use for refusals. */
type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

type Responses<O extends OperationShape> = O["responses"];
type SuccessKey<O extends OperationShape> = Exclude<keyof Responses<O>, ErrorStatus | "default">;
type RefusalKey<O extends OperationShape> = Extract<keyof Responses<O>, ErrorStatus | "default">;

/**
 * Every answer an operation's contract allows. A success is `{ status, body }` with the literal status its contract
 * lists and that status's body. A refusal a handler gives itself (rather than throwing a ProblemError for the gateway
 * to render) may carry any status with a body of one of the operation's error responses: tsc checks the envelope,
 * and the gateway's response check (50001 on a status the contract lacks) the status.
 */
export type OperationAnswer<O extends OperationShape> =
  | {
      [S in SuccessKey<O>]: S extends number ? { status: S; body?: ResponseBody<Responses<O>[S]> } & Extras : never;
    }[SuccessKey<O>]
  | ([RefusalKey<O>] extends [never]
      ? never
      : { status: number; body?: { [S in RefusalKey<O>]: ResponseBody<Responses<O>[S]> }[RefusalKey<O>] } & Extras);

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
 * surrounds every handler: e-seal retries one that lost a compare-and-set to another replica, data sharing
 * remembers the caller and explains a refusal without diagnostics.
 */
export function bindHandlers<D>(
  deps: D,
  groups: readonly object[],
  wrap?: (run: () => Promise<HandlerResult>, input: HandlerInput, ctx: HandlerContext) => Promise<HandlerResult>,
): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const group of groups)
    for (const [id, h] of Object.entries(group)) {
      const typed = h as unknown as (input: HandlerInput, ctx: HandlerContext, deps: D) => Promise<HandlerResult>;
      out[id] = wrap
        ? (input, ctx) => wrap(async () => typed(input, ctx, deps), input, ctx)
        : (input, ctx) => typed(input, ctx, deps);
    }
  return out;
}

/** A success in the `{errcode: 0, errmsg, data}` envelope (e-seal and data-sharing REST), with its status. */
export interface EnvelopedSuccess<T, S extends number> {
  status: S;
  body: { errcode: 0; errmsg: string; data: T };
  headers?: Record<string, string>;
}

export interface SuccessAnswer {
  /** 200 with `data`. */
  <T>(data: T): EnvelopedSuccess<T, 200>;
  /** The status the contract gives the operation's success (201 for a creation …). */
  <T, S extends number>(data: T, status: S, headers?: Record<string, string>): EnvelopedSuccess<T, S>;
}

/** The `ok(data, status?, headers?)` of a platform whose successes carry `errmsg`. */
export function successAnswer(errmsg: string): SuccessAnswer {
  function ok<T>(data: T): EnvelopedSuccess<T, 200>;
  function ok<T, S extends number>(data: T, status: S, headers?: Record<string, string>): EnvelopedSuccess<T, S>;
  function ok<T>(data: T, status = 200, headers?: Record<string, string>): EnvelopedSuccess<T, number> {
    return { status, body: { errcode: 0, errmsg, data }, ...(headers ? { headers } : {}) };
  }
  return ok;
}
