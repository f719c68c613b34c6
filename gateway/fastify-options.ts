// The Fastify server options of the simulator, shared by the app (app.ts) and the HTTP thread (http-thread-worker.ts),
// so that both parse and refuse requests alike.
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import type { BodyLimits } from "./body-parsers.js";
import { answerClientError } from "./client-errors.js";

function noFastifySchemas(): never {
  throw new Error("gatesim routes declare no Fastify schemas: validate against the contract in the pipeline instead");
}

export type FrameworkErrorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void;

export function fastifyOptions(limits: BodyLimits, onFrameworkError?: FrameworkErrorHandler): FastifyServerOptions {
  return {
    bodyLimit: limits.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 512 },
    // A path that cannot be percent-decoded never reaches a route nor the error handler: the caller answers it in
    // the gateway's envelope (and lets the body be read to its end, like a 413) instead of Fastify's own JSON.
    clientErrorHandler: answerClientError,
    ...(onFrameworkError ? { frameworkErrors: onFrameworkError } : {}),
    // Routes carry no Fastify schemas: requests and responses are checked against the contracts by the pipeline
    // (validate-request / validate-response). Saying so spares start-up Fastify's own Ajv and fast-json-stringify
    // compilers (≈35 ms), and a route that ever declares a schema fails loudly instead of being validated twice.
    schemaController: { compilersFactory: { buildValidator: noFastifySchemas, buildSerializer: noFastifySchemas } },
  };
}
