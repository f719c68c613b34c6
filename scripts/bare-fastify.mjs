// Calibration for the benchmarks: a bare Fastify server (the same Fastify, no gatesim) that answers the benchmarked
// routes with the very bytes the simulator answered, doing no checking at all. Measured by the same load generator on the
// same machine, it is the ceiling for that route here: loopback TCP, HTTP parsing, Fastify routing and reply. The
// ratio gatesim / bare tells whether a figure is the simulator's or the machine's, and lets figures taken on different
// machines be compared.
// Usage (from a bench): const bare = await startBare({ get, post }); … bare.url, bare.pid … await bare.stop(); where
// `get` and `post` are the exact texts the simulator answered on the benchmarked GET and POST routes.
import { fileURLToPath } from "node:url";
import { startChild } from "./child-server.mjs";

if (process.argv[2] === "--serve") {
  const { default: Fastify } = await import("fastify");
  const GET_BODY = process.env.BARE_GET_BODY ?? "{}";
  const POST_BODY = process.env.BARE_POST_BODY ?? "{}";
  const app = Fastify({ logger: false });
  let seq = 0;
  app.get("/gatesim/v1/identifiers/:type/:value", async (req, reply) => {
    reply.header("x-gatesim-trace-id", `bare-${(++seq).toString(36)}`).type("application/json; charset=utf-8");
    return GET_BODY;
  });
  // parses the body as gatesim does (Fastify's JSON parser), answers the simulator's bytes
  app.post("/GatewayMsg/http/api/proxy/invoke", async (req, reply) => {
    reply.header("x-gatesim-trace-id", `bare-${(++seq).toString(36)}`).type("application/json; charset=utf-8");
    return typeof req.body === "object" ? POST_BODY : "{}";
  });
  await app.listen({ port: Number(process.env.BARE_PORT ?? 0), host: "127.0.0.1" });
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }) + "\n");
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
}

/** Start the bare server in a child process, answering `get` / `post` (texts) on the benchmarked routes. */
export async function startBare({ get, post } = {}) {
  const { info, pid, stop } = await startChild([fileURLToPath(import.meta.url), "--serve"], {
    env: { BARE_GET_BODY: get ?? "{}", BARE_POST_BODY: post ?? "{}" },
  });
  return { url: info.url, pid, stop };
}

/** "N % of bare Fastify's M req/s on this machine" */
export const ofBare = (rps, bareRps) =>
  `${Math.round((100 * rps) / bareRps)} % of bare Fastify's ${Math.round(bareRps).toLocaleString("en-US")} req/s on this machine`;
