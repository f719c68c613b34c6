// The HTTP thread (see http-thread.ts): owns the listening socket and does what needs no state — HTTP parsing, body
// reading and parsing (the simulator's own Fastify options and body parsers), routing to a contract route, writing the
// answer — and hands every request to the main thread, where tenants, platforms and journals live.
import { parentPort, workerData } from "node:worker_threads";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { GATEWAY_ERRORS, gatewayEnvelope } from "../mocks/gateway/errors.js";
import type { Problem } from "../mocks/shared/types.js";
import { lingerAfterTooLarge, rawBodyOf, registerBodyParsers } from "./body-parsers.js";
import { fastifyOptions } from "./fastify-options.js";
import {
  asBuffer,
  HANDOVER_FAILED,
  ownBytes,
  type AnswerRecord,
  type HoldMessage,
  type RequestRecord,
  type RoutesMessage,
  type ServeMessage,
  type ThreadRoute,
  type WorkerEvent,
  type WorkerInit,
} from "./http-thread-protocol.js";

const port = parentPort!;
const init = workerData as WorkerInit;

/** A request handed over and not yet answered: its reply, when it was handed, whether a forced scenario holds it. */
interface Pending {
  reply: FastifyReply;
  since: number;
  held: boolean;
}
const pending = new Map<number, Pending>();
let seq = 0;

// a path that cannot be percent-decoded: the main thread answers it in the gateway's envelope, like any refusal
const app = Fastify(
  fastifyOptions(init.limits, (err, req, reply) => {
    lingerAfterTooLarge(err, req, reply);
    hand("error", req, reply, undefined, err);
  }),
);
registerBodyParsers(app, init.limits);

/**
 * Answer a request here, in the gateway's envelope, when the main thread cannot: the hand-over failed twice, or no
 * answer came in time. The main thread logs it (self-answered event) with the trace id the client sees.
 */
function answerHere(id: number, reply: FastifyReply, problem: Problem, reason: string): void {
  pending.delete(id);
  const traceId = `${init.tracePrefix}-w${id.toString(36)}`;
  const body = gatewayEnvelope(problem, { traceId });
  if (init.strictEnvelope) {
    delete body._diagnostics;
    delete body._trace_id;
  }
  void reply
    .code(problem.status)
    .header("x-gatesim-trace-id", traceId)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(body));
  port.postMessage({
    type: "self-answered",
    traceId,
    method: reply.request.method,
    url: reply.request.url,
    status: problem.status,
    reason,
  } satisfies WorkerEvent);
}

/** Post a record; if it cannot be sent whole (a clone failure), send what the main thread needs to refuse it. */
function post(rec: RequestRecord, reply: FastifyReply): void {
  try {
    port.postMessage(rec);
    return;
  } catch (e) {
    const reason = `请求无法交给主线程：${(e as Error).message} / the request could not be handed to the main thread: ${(e as Error).message}`;
    try {
      port.postMessage({
        id: rec.id,
        kind: "error",
        ...(rec.key !== undefined ? { key: rec.key } : {}),
        method: rec.method,
        url: rec.url,
        headers: rec.headers,
        rawHeaders: rec.rawHeaders,
        ip: rec.ip,
        error: { message: reason, code: HANDOVER_FAILED, statusCode: 500 },
      } satisfies RequestRecord);
    } catch {
      answerHere(
        rec.id,
        reply,
        {
          code: 50001,
          status: 500,
          zh: "gatesim 内部错误",
          en: "gatesim internal error",
          diagnostics: [
            {
              location: "/",
              rule: "gatesim.hand-over",
              message: reason,
              hint: "这是 gatesim 的缺陷，请附跟踪号报告 / this is a gatesim bug; report it with the trace id",
            },
          ],
        },
        reason,
      );
    }
  }
}

/** Hand a request over; Fastify waits for the answer (handlers return undefined and send later). */
function hand(
  kind: RequestRecord["kind"],
  req: FastifyRequest,
  reply: FastifyReply,
  key?: string,
  err?: Error & { code?: string; statusCode?: number },
): void {
  const id = ++seq;
  pending.set(id, { reply, since: Date.now(), held: false });
  const raw = rawBodyOf(req);
  const rec: RequestRecord = {
    id,
    kind,
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.raw.rawHeaders,
    ip: req.ip,
  };
  if (raw) rec.rawBody = ownBytes(raw);
  if (key !== undefined) rec.key = key;
  if (kind === "route") {
    rec.query = req.query;
    rec.params = req.params;
    rec.body = Buffer.isBuffer(req.body) ? ownBytes(req.body) : req.body;
  }
  if (err)
    rec.error = {
      message: err.message,
      ...(err.code ? { code: err.code } : {}),
      ...(err.statusCode ? { statusCode: err.statusCode } : {}),
    };
  post(rec, reply);
}

/**
 * The safety net under the main thread's own 504 (app.ts): a request not answered `answerTimeoutMs` after it was
 * handed over (a record lost between the threads, a bridge bug) is answered 504 here — never left hanging. Requests a
 * forced scenario holds (delays, hangs) are left to their scenario.
 */
const sweep = setInterval(
  () => {
    const late = Date.now() - init.answerTimeoutMs;
    for (const [id, p] of pending) {
      if (p.since > late) break; // handed over in order: the rest are younger
      if (p.held) continue;
      const reason = `主线程 ${init.answerTimeoutMs} 毫秒内未应答 / the main thread gave no answer within ${init.answerTimeoutMs} ms`;
      answerHere(
        id,
        p.reply,
        {
          ...GATEWAY_ERRORS.upstreamTimeout,
          diagnostics: [
            {
              location: "/",
              rule: "gateway.answer-timeout",
              message: reason,
              hint: "这是 gatesim 的缺陷，请附跟踪号报告 / this is a gatesim bug; report it with the trace id",
            },
          ],
        },
        reason,
      );
    }
  },
  Math.min(1000, Math.max(50, init.answerTimeoutMs / 4)),
);
sweep.unref();

app.setNotFoundHandler((req, reply) => {
  hand("notfound", req, reply);
});
app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
  lingerAfterTooLarge(err, req, reply);
  const key = (req.routeOptions?.config as { key?: string } | undefined)?.key;
  hand(key ? "error" : "inject", req, reply, key, err);
});

port.on("message", (m: AnswerRecord | ServeMessage | HoldMessage | RoutesMessage | { type: "close" }) => {
  if ("type" in m) {
    if (m.type === "routes") registerRoutes(m.routes);
    else if (m.type === "hold") {
      const p = pending.get(m.id);
      if (p) p.held = true;
    } else if (m.type === "serve") void serve(m);
    else {
      clearInterval(sweep);
      void app.close().then(() => port.postMessage({ type: "closed" } satisfies WorkerEvent));
    }
    return;
  }
  const reply = pending.get(m.id)?.reply;
  if (!reply) return; // answered here already (504)
  pending.delete(m.id);
  if (m.drop) {
    reply.hijack();
    reply.raw.socket?.destroy();
    return;
  }
  void reply
    .code(m.status)
    .headers(m.headers)
    .send(m.body instanceof Uint8Array ? asBuffer(m.body) : m.body);
});

/** The contract routes arrive once the main thread has loaded the operation table (before "serve": messages keep order). */
function registerRoutes(routes: ThreadRoute[]): void {
  for (const r of routes)
    app.route({
      method: r.method as "GET",
      url: r.url,
      config: { key: r.key },
      handler: (req, reply) => {
        hand("route", req, reply, r.key);
      },
    });
}

for (const url of init.pages)
  app.get(url, (req, reply) => {
    hand("inject", req, reply);
  });

async function serve(m: ServeMessage): Promise<void> {
  try {
    await app.listen({ port: m.port, host: m.host });
    const a = app.server.address();
    port.postMessage({ type: "listening", port: typeof a === "object" && a ? a.port : m.port } satisfies WorkerEvent);
  } catch (e) {
    const err = e as Error & { code?: string };
    port.postMessage({
      type: "listen-failed",
      message: err.message,
      ...(err.code ? { code: err.code } : {}),
    } satisfies WorkerEvent);
  }
}
