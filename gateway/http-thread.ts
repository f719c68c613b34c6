// Serving HTTP from a second thread. One event loop doing everything tops out near 6,000 signed data-sharing queries a
// second on a 2-core machine while the other core idles: a third of each request is Node's HTTP work and the kernel's
// loopback writes, which need no simulator state. So the HTTP thread (http-thread-worker.ts) owns the socket, parses
// and routes with the same Fastify options and body parsers, and hands each request to the main thread as a record;
// the main thread runs the very same pipeline (Transport.routes, the handlers the in-process app uses) against a
// recording reply and hands the answer back. State never leaves the main thread, so nothing about tenants, clocks,
// nonces or journals changes. Unknown paths get the app's near-miss answer the same way; the landing page and /docs
// are replayed whole through the main app's inject(): rare, and exactly what the one-thread server answers.
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { keepRaw } from "./body-parsers.js";
import { startHttpThread, type StartedThread, type ThreadConfig } from "./http-thread-start.js";
import type { OperationTable } from "../contracts/loader.js";
import { routeKey, routesOf, toFastifyPath, type PipelineReply, type PipelineRequest, type Simulator } from "./app.js";
import {
  asBuffer,
  ownBytes,
  type AnswerRecord,
  type HoldMessage,
  type RequestRecord,
  type RoutesMessage,
  type ServeMessage,
  type ThreadRoute,
  type WorkerEvent,
} from "./http-thread-protocol.js";

/** Records what the pipeline does with a reply, for the HTTP thread to send. */
class RecordingReply implements PipelineReply {
  constructor(private readonly onHold?: () => void) {}
  status = 200;
  readonly out: Record<string, string | string[]> = {};
  payload: unknown;
  drop = false;
  readonly raw = { socket: { destroy: () => void (this.drop = true) } };
  code(status: number): this {
    this.status = status;
    return this;
  }
  header(name: string, value: string | string[]): this {
    this.out[name.toLowerCase()] = value;
    return this;
  }
  headers(values: Record<string, string | string[]>): this {
    for (const k in values) this.header(k, values[k]);
    return this;
  }
  type(contentType: string): this {
    this.out["content-type"] = contentType;
    return this;
  }
  send(payload: unknown): this {
    this.payload = payload;
    return this;
  }
  hijack(): this {
    return this;
  }
  /** A forced scenario delays or hangs this request on purpose: the HTTP thread must not answer it 504. */
  hold(): void {
    this.onHold?.();
  }
  answer(id: number): AnswerRecord {
    if (this.drop) return { id, status: 0, headers: {}, drop: true };
    return {
      id,
      status: this.status,
      headers: this.out,
      body: this.payload instanceof Uint8Array ? ownBytes(this.payload) : this.payload,
    };
  }
}

function requestOf(m: RequestRecord): PipelineRequest {
  const raw = m.rawBody && asBuffer(m.rawBody);
  const body = m.body instanceof Uint8Array ? asBuffer(m.body) : m.body;
  const req: PipelineRequest = {
    url: m.url,
    method: m.method,
    headers: m.headers,
    raw: { rawHeaders: m.rawHeaders },
    query: m.query ?? {},
    params: m.params ?? {},
    body,
    ip: m.ip,
  };
  if (raw) keepRaw(req, raw);
  return req;
}

/** Headers of an inject() answer that the HTTP thread's own reply sets again (length, framing, connection). */
const HOP = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "date"]);

export interface ServeOptions {
  host: string;
  port: number;
  log: Logger;
  /** The thread ended without close() (a crash): nothing is served any more. */
  onExit?: (code: number) => void;
}

export interface HttpThread {
  port: number;
  close(): Promise<void>;
}

/**
 * Start the HTTP thread now, with the contract routes of `table` (it loads Fastify and registers them while the main
 * thread builds the simulator from the same table); serve() when built. `script` is the worker's module (a test gives
 * one that fails).
 */
/**
 * Give the HTTP thread the contract routes of `table` (it registers them while the main thread builds the simulator
 * from the same table); serve() when built. The thread is started here unless the caller started it earlier
 * (`early`, http-thread-start.ts); `script` is the worker's module for a thread started here.
 */
export function spawnHttpThread(
  config: ThreadConfig,
  table: OperationTable,
  script?: URL,
  early?: StartedThread,
): { serve(sim: Simulator, opts: ServeOptions): Promise<HttpThread>; abort(): Promise<void> } {
  const { worker } = early ?? startHttpThread(config, script);
  const routes: ThreadRoute[] = routesOf(table).map((r) => ({
    key: routeKey(r),
    method: r.method,
    url: toFastifyPath(r.path),
  }));
  worker.postMessage({ type: "routes", routes } satisfies RoutesMessage);
  return { serve: (sim, opts) => serveFrom(worker, sim, opts), abort: () => worker.terminate().then(() => undefined) };
}

/** A request the HTTP thread hands over whole (no route of its own): run through Fastify's inject, answered as sent. */
async function injectAnswer(sim: Simulator, m: RequestRecord): Promise<AnswerRecord> {
  const headers = { ...m.headers };
  delete headers["content-length"];
  delete headers["transfer-encoding"];
  const res = await sim.app.inject({
    method: m.method as "GET",
    url: m.url,
    headers: headers as Record<string, string>,
    ...(m.rawBody?.length ? { payload: asBuffer(m.rawBody) } : {}),
    remoteAddress: m.ip,
  });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined && !HOP.has(k)) out[k] = Array.isArray(v) ? v : String(v);
  return { id: m.id, status: res.statusCode, headers: out, body: ownBytes(res.rawPayload) };
}

/** Serve `sim` on host:port from the HTTP thread. Resolves once it listens; rejects as listen() would (EADDRINUSE …). */
async function serveFrom(worker: Worker, sim: Simulator, opts: ServeOptions): Promise<HttpThread> {
  const { routes, answerNotFound, answerError } = sim.transport;
  let closing = false;
  let onEvent: ((e: WorkerEvent) => void) | undefined;

  async function answer(m: RequestRecord): Promise<AnswerRecord> {
    if (m.kind === "inject") return injectAnswer(sim, m);
    const entry = m.key ? routes.get(m.key) : undefined;
    const reply = new RecordingReply(() => worker.postMessage({ type: "hold", id: m.id } satisfies HoldMessage));
    if (m.kind === "route" && entry) await entry.handle(requestOf(m), reply);
    else if (m.kind === "notfound") await answerNotFound(requestOf(m), reply);
    else
      await answerError(
        Object.assign(new Error(m.error?.message ?? "request refused"), m.error ?? {}),
        requestOf(m),
        reply,
        entry?.route,
      );
    return reply.answer(m.id);
  }

  const failed = (m: RequestRecord, e: unknown) => {
    // the pipeline answers its own errors; this is a bug in the bridge itself
    opts.log.error({ err: e, url: m.url }, "http thread: request not answered");
    worker.postMessage({
      id: m.id,
      status: 500,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ errcode: 50001, errmsg: "gatesim 内部错误 / gatesim internal error", data: null }),
    } satisfies AnswerRecord);
  };
  worker.on("message", (m: RequestRecord | WorkerEvent) => {
    if ("type" in m) {
      if (m.type === "self-answered")
        return void opts.log.error(
          { traceId: m.traceId, method: m.method, url: m.url, status: m.status },
          `http thread answered a request itself: ${m.reason}`,
        );
      return onEvent?.(m);
    }
    answer(m).then(
      (a) => {
        try {
          worker.postMessage(a);
        } catch (e) {
          failed(m, e); // an answer that cannot cross the thread
        }
      },
      (e: unknown) => failed(m, e),
    );
  });
  // A record that cannot be deserialised here never reaches "message"; the HTTP thread's sweep answers it 504.
  worker.on("messageerror", (e) => opts.log.error({ err: e }, "http thread: a request could not be received"));
  worker.on("error", (e) => opts.log.error({ err: e }, "http thread failed"));
  worker.on("exit", (code) => {
    if (closing) return;
    opts.log.fatal({ code }, "http thread exited: the simulator no longer serves");
    opts.onExit?.(code);
  });

  const listening = await new Promise<WorkerEvent>((resolve, reject) => {
    onEvent = resolve;
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`http thread exited (${code}) before listening`)));
    worker.postMessage({ type: "serve", host: opts.host, port: opts.port } satisfies ServeMessage);
  });
  if (listening.type !== "listening") {
    closing = true;
    await worker.terminate();
    const msg = listening.type === "listen-failed" ? listening : { message: "http thread did not start" };
    throw Object.assign(new Error(msg.message), "code" in msg && msg.code ? { code: msg.code } : {});
  }
  return {
    port: listening.port,
    async close() {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => (onEvent = (e) => e.type === "closed" && resolve()));
      worker.postMessage({ type: "close" });
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]);
      await worker.terminate();
    },
  };
}
