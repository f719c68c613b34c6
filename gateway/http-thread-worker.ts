// The HTTP thread (see http-thread.ts): owns the listening socket and does what needs no state — HTTP parsing, body
// reading and parsing (the simulator's own Fastify options and body parsers), routing to a contract route, writing the
// answer — and hands every request to the main thread, where tenants, platforms and journals live.
import { parentPort, workerData } from "node:worker_threads";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { rawBodyOf, registerBodyParsers } from "./body-parsers.js";
import { fastifyOptions } from "./fastify-options.js";
import { asBuffer, ownBytes, type AnswerRecord, type RequestRecord, type ServeMessage, type WorkerEvent, type WorkerInit } from "./http-thread-protocol.js";

const port = parentPort!;
const init = workerData as WorkerInit;
const pending = new Map<number, FastifyReply>();
let seq = 0;

const app = Fastify(fastifyOptions(init.bodyLimitBytes));
registerBodyParsers(app);

/** Hand a request over; Fastify waits for the answer (handlers return undefined and send later). */
function hand(kind: RequestRecord["kind"], req: FastifyRequest, reply: FastifyReply, key?: string, err?: Error & { code?: string; statusCode?: number }): void {
  const id = ++seq;
  pending.set(id, reply);
  const raw = rawBodyOf(req);
  const rec: RequestRecord = { id, kind, method: req.method, url: req.url, headers: req.headers, rawHeaders: req.raw.rawHeaders, ip: req.ip };
  if (raw) rec.rawBody = ownBytes(raw);
  if (key !== undefined) rec.key = key;
  if (kind === "route") {
    rec.query = req.query;
    rec.params = req.params;
    rec.body = Buffer.isBuffer(req.body) ? ownBytes(req.body) : req.body;
  }
  if (err) rec.error = { message: err.message, ...(err.code ? { code: err.code } : {}), ...(err.statusCode ? { statusCode: err.statusCode } : {}) };
  port.postMessage(rec);
}

app.setNotFoundHandler((req, reply) => {
  hand("notfound", req, reply);
});
app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
  const key = (req.routeOptions?.config as { key?: string } | undefined)?.key;
  hand(key ? "error" : "inject", req, reply, key, err);
});

port.on("message", (m: AnswerRecord | ServeMessage | { type: "close" }) => {
  if ("type" in m) {
    if (m.type === "serve") void serve(m);
    else void app.close().then(() => port.postMessage({ type: "closed" } satisfies WorkerEvent));
    return;
  }
  const reply = pending.get(m.id);
  if (!reply) return;
  pending.delete(m.id);
  if (m.drop) {
    reply.hijack();
    reply.raw.socket?.destroy();
    return;
  }
  void reply.code(m.status).headers(m.headers).send(m.body instanceof Uint8Array ? asBuffer(m.body) : m.body);
});

for (const r of init.routes)
  app.route({ method: r.method as "GET", url: r.url, config: { key: r.key }, handler: (req, reply) => {
    hand("route", req, reply, r.key);
  } });

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
    port.postMessage({ type: "listen-failed", message: err.message, ...(err.code ? { code: err.code } : {}) } satisfies WorkerEvent);
  }
}
