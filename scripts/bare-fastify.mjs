// Calibration for the benchmarks: a bare Fastify server (the same Fastify, no gatesim) that answers the benchmarked
// routes with bodies of the same shape and size, doing no checking at all. Measured by the same load generator on the
// same machine, it is the ceiling for that route here: loopback TCP, HTTP parsing, Fastify routing and reply. The
// ratio gatesim / bare tells whether a figure is the simulator's or the machine's, and lets figures taken on different
// machines be compared.
// Usage (from a bench): const bare = await startBare(); … bare.url, bare.pid … await bare.stop();
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What the simulator answers on the benchmarked routes (sizes as of the benchmark's own requests). */
const GET_BODY = JSON.stringify({ type: "gb11643-id", value: "440507199001011233", valid: true });
const QUERY_BODY = JSON.stringify({
  errcode: 0, errmsg: "成功 / OK",
  data: {
    data: [{ XM: "张春瑜", SFZH: "440507********860X", XB: "女", CSRQ: "1974-05-26", ZZ: "广东省汕头*****************" }],
    metadata: {
      resource_code: "101001/000001", resource_name: "人口基础信息-居民身份信息查询", service_id: "C1534277412332", total: 1, page: 1,
      page_size: 20, fields: ["XM", "SFZH", "XB", "CSRQ", "ZZ"], masked_fields: ["SFZH", "ZZ"], denied_fields: [],
      quota_remaining: 999999999, request_id: "DSL0000000001",
    },
  },
});

if (process.argv[2] === "--serve") {
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false });
  let seq = 0;
  app.get("/gatesim/v1/identifiers/:type/:value", async (req, reply) => {
    reply.header("x-gatesim-trace-id", `bare-${(++seq).toString(36)}`).type("application/json; charset=utf-8");
    return GET_BODY;
  });
  // parses the body as gatesim does (Fastify's JSON parser), answers the data-sharing query's bytes
  app.post("/GatewayMsg/http/api/proxy/invoke", async (req, reply) => {
    reply.header("x-gatesim-trace-id", `bare-${(++seq).toString(36)}`).type("application/json; charset=utf-8");
    return typeof req.body === "object" ? QUERY_BODY : "{}";
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }) + "\n");
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
}

/** Start the bare server in a child process (so the load generator does not share its event loop). */
export async function startBare() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve"], { stdio: ["ignore", "pipe", "inherit"] });
  const { url } = await new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (c) => {
      buf += c;
      const nl = buf.indexOf("\n");
      if (nl !== -1) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once("exit", (code) => reject(new Error(`bare Fastify server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () => new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

/** "  = N % of bare Fastify here (M req/s)" */
export const ofBare = (rps, bareRps) => `${Math.round((100 * rps) / bareRps)} % of bare Fastify's ${Math.round(bareRps).toLocaleString("en-US")} req/s on this machine`;
