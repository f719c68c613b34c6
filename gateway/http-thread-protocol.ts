// Messages between the main thread (state, pipeline) and the HTTP thread (sockets, parsing): http-thread.ts.
import type { BodyLimits } from "./body-parsers.js";

/** A contract route the HTTP thread registers: `key` names it to the main thread, `url` is its Fastify path. */
export interface ThreadRoute {
  key: string;
  method: string;
  url: string;
}

/** Main → HTTP thread, once the simulator is built: where to listen. */
export interface ServeMessage {
  type: "serve";
  host: string;
  port: number;
}

/** Main → HTTP thread, as soon as the operation table is loaded: the contract routes to register. */
export interface RoutesMessage {
  type: "routes";
  routes: ThreadRoute[];
}

/** What the HTTP thread is started with, first thing at start-up: it loads Fastify while the main thread loads the
 *  simulator's modules, and registers the routes when they come (RoutesMessage). */
export interface WorkerInit {
  limits: BodyLimits;
  /** A request the main thread has not answered after this long (and did not hold) is answered 504 by the thread. */
  answerTimeoutMs: number;
  /** Error bodies the thread writes itself leave out `_diagnostics` / `_trace_id` (config.strictEnvelope). */
  strictEnvelope: boolean;
  /** Prefix of the trace ids of answers the thread writes itself (the main thread's boot id). */
  tracePrefix: string;
  /** GET paths of the pages (landing, /docs): handed over whole */
  pages: readonly string[];
}

/** A request as the HTTP thread received and parsed it. */
export interface RequestRecord {
  id: number;
  /** route: a contract route, parsed; error: refused before its handler (on `key`, when it matched one); notfound: no
   *  route at all; inject: the landing page and /docs, and errors off the contract routes, replayed whole in the main
   *  thread's app. */
  kind: "route" | "error" | "notfound" | "inject";
  key?: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  query?: unknown;
  params?: unknown;
  body?: unknown;
  rawBody?: Uint8Array;
  ip: string;
  error?: { message: string; code?: string; statusCode?: number };
}

/** Main → HTTP thread: request `id` waits on a forced delay or hang (a scenario): no 504 for it. */
export interface HoldMessage {
  type: "hold";
  id: number;
}

/** Main → HTTP thread: the answer to request `id`. */
export interface AnswerRecord {
  id: number;
  status: number;
  headers: Record<string, string | string[]>;
  body?: unknown;
  /** close the connection without answering (timeout and reset scenarios) */
  drop?: boolean;
}

/** HTTP thread → main, besides requests. */
export type WorkerEvent =
  | { type: "listening"; port: number }
  | { type: "listen-failed"; message: string; code?: string }
  | { type: "closed" }
  /** the thread answered a request itself: the hand-over failed, or the main thread did not answer in time */
  | { type: "self-answered"; traceId: string; method: string; url: string; status: number; reason: string };

/** The code of a hand-over failure the main thread answers (app.ts answerError): the record could not be sent whole. */
export const HANDOVER_FAILED = "GATESIM_HANDOVER_FAILED";

/**
 * The bytes of a buffer as a message part of their own. postMessage copies a view's whole backing store, and Node's
 * small buffers are views into shared 8 KB pool slabs: a 500-byte body would cross as 8 KB.
 */
export function ownBytes(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

/** A Buffer over bytes that crossed the thread (they arrive as a plain Uint8Array); no copy. */
export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
