// The Fastify server options of the simulator, shared by the app (app.ts) and the HTTP thread (http-thread-worker.ts),
// so that both parse and refuse requests alike.
import type { FastifyServerOptions } from "fastify";
import type { BodyLimits } from "./body-parsers.js";

function noFastifySchemas(): never {
  throw new Error("gatesim routes declare no Fastify schemas: validate against the contract in the pipeline instead");
}

export function fastifyOptions(limits: BodyLimits): FastifyServerOptions {
  return {
    bodyLimit: limits.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 512 },
    // Routes carry no Fastify schemas: requests and responses are checked against the contracts by the pipeline
    // (validate-request / validate-response). Saying so spares start-up Fastify's own Ajv and fast-json-stringify
    // compilers (≈35 ms), and a route that ever declares a schema fails loudly instead of being validated twice.
    schemaController: { compilersFactory: { buildValidator: noFastifySchemas, buildSerializer: noFastifySchemas } },
  };
}
