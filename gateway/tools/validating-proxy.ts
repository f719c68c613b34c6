// `gatesim proxy`: a validating proxy in front of a real provincial test environment. It forwards
// every request with undici, validates both directions against the contracts, journals the exchange with its
// violations, and with --record saves each exchange as a JSON fixture the simulator can replay (replay-step.ts).
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Fastify, { type FastifyInstance } from "fastify";
import { Agent, request } from "undici";
import { loadContracts, type OperationTable } from "../../contracts/loader.js";
import type { Diagnostic } from "../../mocks/shared/types.js";
import { Journal } from "../journal.js";
import { redactDeep } from "../redact.js";
import { mediaType, validateRequest, validateResponse } from "../validation.js";
import { OperationMatcher } from "./operation-matcher.js";
import { processIo, type CommandIo } from "./command-io.js";

/** What a recorded exchange looks like on disk (version 1). */
export interface Fixture {
  gatesimFixture: 1;
  recordedAt: string;
  operationId: string | null;
  serviceId?: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, unknown>;
    body?: unknown;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    body?: unknown;
    bodyEncoding?: "json" | "text" | "base64";
  };
  violations?: Diagnostic[];
}

export interface ProxyOptions {
  upstream: string;
  /** Folder to save fixtures in. */
  record?: string;
  table?: OperationTable;
  journalCap?: number;
  timeoutMs?: number;
}

export interface ValidatingProxy {
  app: FastifyInstance;
  journal: Journal;
  /** Fixtures written so far. */
  recorded(): number;
}

// RFC 9110 §7.6.1: hop-by-hop fields are not forwarded; content-length is recomputed.
const HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
  "host",
  "content-length",
]);

function parseBody(
  raw: Buffer | undefined,
  contentType: string | undefined,
): { value: unknown; encoding: "json" | "text" | "base64"; error?: string } {
  if (!raw || raw.length === 0) return { value: undefined, encoding: "text" };
  const mt = mediaType(contentType);
  if (mt === "application/json" || mt.endsWith("+json")) {
    try {
      return { value: JSON.parse(raw.toString("utf8")), encoding: "json" };
    } catch (e) {
      return { value: raw.toString("utf8"), encoding: "text", error: (e as Error).message };
    }
  }
  if (mt === "application/x-www-form-urlencoded")
    return { value: Object.fromEntries(new URLSearchParams(raw.toString("utf8"))), encoding: "json" };
  if (mt.startsWith("text/") || mt === "application/xml" || mt === "")
    return { value: raw.toString("utf8"), encoding: "text" };
  return { value: raw.toString("base64"), encoding: "base64" };
}

export function buildProxy(o: ProxyOptions): ValidatingProxy {
  const table = o.table ?? loadContracts();
  const matcher = new OperationMatcher(table);
  const journal = new Journal(o.journalCap ?? 5000, 64 * 1024);
  const upstream = o.upstream.replace(/\/+$/, "");
  const dispatcher = new Agent({ headersTimeout: o.timeoutMs ?? 30_000, bodyTimeout: o.timeoutMs ?? 30_000 });
  let seq = 0;
  if (o.record) mkdirSync(o.record, { recursive: true });
  const app = Fastify({ bodyLimit: 20 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.addHook("onClose", async () => dispatcher.close());

  app.get("/_gatesim/proxy/journal", async (req) => {
    const q = req.query as { violations?: string; limit?: string };
    return journal.query({ violations: q.violations === "true", limit: q.limit ? Number(q.limit) : 100 });
  });

  app.route({
    method: ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
    url: "/*",
    handler: async (req, reply) => {
      const traceId = `proxy-${randomBytes(4).toString("hex")}`;
      const started = performance.now();
      const u = new URL(req.url, "http://proxy");
      const headers = req.headers as Record<string, string | string[] | undefined>;
      const serviceId = typeof headers["x-tif-serviceid"] === "string" ? headers["x-tif-serviceid"] : undefined;
      const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
      const contentType = typeof headers["content-type"] === "string" ? headers["content-type"] : undefined;
      const reqBody = parseBody(raw, contentType);
      const query = Object.fromEntries(u.searchParams);
      const matched = matcher.match(req.method, u.pathname, serviceId);
      const violations: Diagnostic[] = [];
      if (!matched)
        violations.push({
          location: "/path",
          rule: "route.exists",
          seen: `${req.method} ${u.pathname}${serviceId ? ` (${serviceId})` : ""}`,
          message: `契约中没有匹配的接口 / no contract operation matches ${req.method} ${u.pathname}`,
          hint: "检查路径、方法与 x-tif-serviceId，或补充契约 / check path, method and x-tif-serviceId, or add the operation to the contracts",
        });
      else {
        if (reqBody.error)
          violations.push({
            location: "/body",
            rule: "body.parse",
            message: `请求体不是合法 JSON / the body is not valid JSON: ${reqBody.error}`,
            hint: "发送合法的 UTF-8 JSON / send valid UTF-8 JSON",
          });
        else
          violations.push(
            ...validateRequest(matched.op, {
              params: matched.params,
              query,
              headers,
              body: reqBody.value,
              contentType,
            }),
          );
        if (matched.op.security.includes("tif") && !matched.op.security.includes("bearer"))
          for (const h of ["x-tif-paasid", "x-tif-timestamp", "x-tif-nonce", "x-tif-signature"])
            if (headers[h] === undefined)
              violations.push({
                location: `/headers/${h}`,
                rule: "x-tif.header-required",
                message: `缺少 ${h} / ${h} is missing`,
                hint: "网关调用带齐四个 x-tif 头（facts §1.2）/ send all four x-tif headers",
              });
      }
      const forward: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k)) forward[k] = v;
      let status: number,
        resHeaders: Record<string, string> = {},
        resRaw: Buffer;
      try {
        const res = await request(upstream + req.url, {
          method: req.method as "GET",
          headers: forward,
          body: raw && raw.length ? raw : undefined,
          dispatcher,
        });
        status = res.statusCode;
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined && !HOP.has(k)) resHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
        resRaw = Buffer.from(await res.body.arrayBuffer());
      } catch (e) {
        status = 502;
        resHeaders = { "content-type": "application/json; charset=utf-8" };
        resRaw = Buffer.from(
          JSON.stringify({
            errcode: 50201,
            errmsg: `上游不可用 / upstream unavailable: ${(e as Error).message}`,
            data: null,
          }),
        );
        violations.push({
          location: "/upstream",
          rule: "proxy.upstream",
          message: `无法连接上游 ${upstream} / cannot reach the upstream: ${(e as Error).message}`,
          hint: "检查 --upstream 与网络（可先运行 gatesim probe）/ check --upstream and the network (try gatesim probe)",
        });
      }
      const resBody = parseBody(resRaw, resHeaders["content-type"]);
      if (matched && status !== 502)
        violations.push(
          ...validateResponse(
            matched.op,
            status,
            resRaw.length ? resHeaders["content-type"] : undefined,
            resBody.value,
          ),
        );
      journal.record({
        time: Date.now(),
        traceId,
        tenant: typeof headers["x-tif-paasid"] === "string" ? headers["x-tif-paasid"] : "",
        operationId: matched?.op.operationId ?? null,
        serviceId,
        method: req.method,
        url: req.url,
        status,
        durationMs: performance.now() - started,
        requestHeaders: headers,
        requestBody: reqBody.value,
        responseBody: resBody.value,
        violations: violations.length ? violations : undefined,
      });
      if (o.record) {
        const fixture: Fixture = {
          gatesimFixture: 1,
          recordedAt: new Date().toISOString(),
          operationId: matched?.op.operationId ?? null,
          ...(serviceId ? { serviceId } : {}),
          request: {
            method: req.method,
            path: u.pathname,
            query,
            headers: redactDeep(headers) as Record<string, unknown>,
            ...(reqBody.value !== undefined ? { body: reqBody.value } : {}),
          },
          response: {
            status,
            headers: resHeaders,
            ...(resBody.value !== undefined ? { body: resBody.value, bodyEncoding: resBody.encoding } : {}),
          },
          ...(violations.length ? { violations } : {}),
        };
        const name = `${String(++seq).padStart(5, "0")}-${(matched?.op.operationId ?? "unmatched").replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
        writeFileSync(join(o.record, name), JSON.stringify(fixture, null, 2) + "\n");
      }
      reply.code(status).headers(resHeaders).header("x-gatesim-trace-id", traceId);
      if (violations.length) reply.header("x-gatesim-contract-violations", String(violations.length));
      return reply.send(resRaw);
    },
  });
  return { app, journal, recorded: () => seq };
}

export const PROXY_HELP = `  gatesim proxy --upstream <url> [--port <n>] [--host <addr>] [--record <dir>]
                                校验代理：转发到真实测试环境，双向按契约校验并记录；--record 保存为可回放的夹具
                                / validating proxy in front of a real test environment; --record saves replayable fixtures
                                (违规见 violations: GET /_gatesim/proxy/journal?violations=true)
`;

export async function proxyCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        upstream: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        record: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${PROXY_HELP}`);
    return 2;
  }
  if (values.help) return (io.stdout(PROXY_HELP), 0);
  const problems: string[] = [];
  try {
    if (!values.upstream || !/^https?:$/.test(new URL(values.upstream).protocol))
      problems.push("--upstream 必填，http(s) 地址 / --upstream is required, an http(s) URL");
  } catch {
    problems.push(`--upstream 不是有效地址 / is not a valid URL: ${values.upstream}`);
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) problems.push("--port 应为整数 / must be an integer");
  if (problems.length) {
    io.stderr(`${problems.map((p) => `  - ${p}`).join("\n")}\n\n${PROXY_HELP}`);
    return 2;
  }
  const proxy = buildProxy({ upstream: values.upstream!, record: values.record });
  const address = await proxy.app.listen({
    port: values.port ? Number(values.port) : 8081,
    host: values.host ?? "127.0.0.1",
  });
  io.stdout(
    `gatesim proxy ${address} → ${values.upstream}${values.record ? `，记录到 / recording to ${values.record}` : ""}\n  违规 violations: ${address}/_gatesim/proxy/journal?violations=true\n`,
  );
  const stop = async () => {
    await proxy.app.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return -1; // keep running
}
