// Builds the simulator (Fastify app + runtime) without listening: tests inject(), the server listens
// (fastify/demo's app/server split).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import pino, { type Logger } from "pino";
import { loadContracts, type Operation, type OperationTable } from "../contracts/loader.js";
import { GATEWAY_ERRORS, gatewayEnvelope } from "../mocks/gateway/errors.js";
import { gatewayPlatform } from "../mocks/gateway/handlers.js";
import { ProblemError } from "../mocks/shared/problem.js";
import type { Seed } from "../mocks/shared/seed-types.js";
import { createSeed } from "../mocks/shared/seed/index.js";
import type { Diagnostic, EnvelopeFormatter, PlatformModule, Problem } from "../mocks/shared/types.js";
import { loadConfig, type GatesimConfig } from "./config.js";
import { Journal } from "./journal.js";
import { nearestOperation } from "./near-miss.js";
import type { Exchange, RouteEntry, Step } from "./pipeline/exchange.js";
import { resolveOperation } from "./pipeline/resolve-operation.js";
import { resolveTenant } from "./pipeline/resolve-tenant.js";
import { authenticate } from "./pipeline/authenticate.js";
import { applyScenarios } from "./pipeline/apply-scenarios.js";
import { validate } from "./pipeline/validate-request.js";
import { dispatch } from "./pipeline/dispatch.js";
import { checkResponse } from "./pipeline/validate-response.js";
import { journalOf, recordJournal } from "./pipeline/record-journal.js";
import type { Runtime } from "./runtime.js";
import { GATEWAY_SCENARIOS, ScenarioCatalogue } from "./scenarios.js";
import { TenantRegistry } from "./tenants.js";
import { Clock } from "../mocks/shared/clock.js";
import { MemoryBackend, StoreUnavailableError, type StoreBackend } from "../mocks/shared/store.js";
import { SqliteBackend } from "../mocks/shared/sqlite-store.js";
import { createAdminPlatform } from "./admin.js";
import { createToolsPlatform } from "./tools/platform.js";
import { JSON_TOO_DEEP, lingerAfterTooLarge, rawBodyOf, registerBodyParsers } from "./body-parsers.js";
import { HANDOVER_FAILED } from "./http-thread-protocol.js";
import { traceBootId } from "./trace-id.js";
import { registerDocs } from "./docs.js";
import { fastifyOptions, type FrameworkErrorHandler } from "./fastify-options.js";
import { registerLanding } from "./landing.js";
import { defaultPlatforms } from "./platforms.js";
import { userContractPlatforms } from "./byoc/platform.js";
import { namespaceOf } from "./byoc/user-contracts.js";

/** The request path, step by step (architecture.md §2). Each is swappable in tests. */
export const DEFAULT_STEPS: Step[] = [
  resolveOperation,
  resolveTenant,
  authenticate,
  applyScenarios,
  validate,
  dispatch,
  checkResponse,
];

export interface BuildOptions {
  /** A complete config, or partial overrides applied over the defaults (no env/file reading). */
  config?: Readonly<GatesimConfig> | Record<string, unknown>;
  /** Platform modules besides the gateway's own and the control plane; default: every built-in platform. */
  platforms?: (seed: Seed, config: Readonly<GatesimConfig>) => PlatformModule[];
  steps?: Step[];
  logger?: Logger;
  table?: OperationTable;
  seed?: Seed;
  /** Where state is kept; default from config.store (memory, or SQLite in store.sqlite). Closed with the app. */
  backend?: StoreBackend;
}

/** The configured backend: SQLite when config.store.sqlite names a folder (opening it may throw StoreOpenError). */
export function openBackend(config: Readonly<GatesimConfig>): StoreBackend {
  if (config.store?.redis)
    throw new Error(
      "a Redis store is opened asynchronously: use listen()/startSimulator(), or pass BuildOptions.backend (openStore)",
    );
  if (config.store?.sqlite) return new SqliteBackend(config.store.sqlite, { synchronous: config.store.synchronous });
  return new MemoryBackend({
    claimMax: config.gateway.nonceCacheMax,
    // GATESIM_STORE_CHECK=json keeps values as JSON text, as a durable backend does: the suite run that way proves
    // no platform relies on changing a stored object in place or stores a non-JSON value.
    json: process.env.GATESIM_STORE_CHECK === "json",
  });
}

/** The configured backend, Redis included (connecting may throw StoreOpenError within 5 s). */
export async function openStore(config: Readonly<GatesimConfig>): Promise<StoreBackend> {
  if (!config.store?.redis) return openBackend(config);
  const { RedisBackend } = await import("../mocks/shared/redis-store.js");
  return RedisBackend.open(config.store.redis, { prefix: config.store.redisPrefix });
}

export interface Simulator {
  app: FastifyInstance;
  runtime: Runtime;
  /** The contract routes' handlers by `routeKey`, the not-found and body-error answers: for a second transport
   *  (http-thread.ts). */
  transport: Transport;
}

/** What the pipeline reads of a request: a FastifyRequest, or the HTTP thread's record of one. */
export interface PipelineRequest {
  url: string;
  method: string;
  headers: FastifyRequest["headers"];
  raw: { rawHeaders: string[] };
  query: unknown;
  params: unknown;
  body: unknown;
  ip: string;
}

/** What the pipeline does with a reply: a FastifyReply, or the HTTP thread's recorder. */
export interface PipelineReply {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  headers(values: Record<string, string | string[]>): unknown;
  type(contentType: string): unknown;
  send(payload: unknown): unknown;
  hijack(): unknown;
  raw: { socket?: { destroy(): void } | null };
}

/** A contract route and the pipeline that answers it. */
export interface RouteHandler {
  route: RouteEntry;
  handle(req: PipelineRequest, reply: PipelineReply): Promise<unknown>;
}

export interface Transport {
  routes: ReadonlyMap<string, RouteHandler>;
  /** The answer to a request no route matches: 404 (or 405) with the nearest operation. */
  answerNotFound(req: PipelineRequest, reply: PipelineReply): Promise<unknown>;
  /** The answer to a request refused before its handler (body unparsable, too large, media type), on `route`. */
  answerError(
    err: Error & { code?: string; statusCode?: number },
    req: PipelineRequest,
    reply: PipelineReply,
    route?: RouteEntry,
  ): Promise<unknown>;
}

/** "GET /ebus/…/{id}": a contract route's name across transports. */
export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/** package.json is one level up from gateway/ in the source tree, two from dist/gateway/. */
const VERSION: string = (() => {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
      if (pkg.name === "gatesim") return pkg.version as string;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
})();

/**
 * Built-in tenants without an orgCode act for a seeded legal person — government bodies first (they issue licences and
 * own official seals), then the other persona organisations — so e-seal and e-licence work out of the box.
 */
function defaultOrganisations(seed: Seed): string[] {
  const all = Array.from({ length: seed.enterprises.personaCount }, (_, i) => seed.enterprises.at(i)!).filter(
    (e) => e.status === "存续" || e.status === "在业",
  );
  return [
    ...all.filter((e) => e.subjectType === "government"),
    ...all.filter((e) => e.subjectType !== "government"),
  ].map((e) => e.uscc);
}

export const toFastifyPath = (p: string): string => p.replace(/\{([^}]+)\}/g, ":$1");

/** One route per method + path; GatewayMsg-style paths dispatch to several operations by serviceId. */
export function routesOf(table: OperationTable): RouteEntry[] {
  const routes = new Map<string, RouteEntry>();
  for (const op of table.operations) {
    const key = routeKey(op);
    let r = routes.get(key);
    if (!r) routes.set(key, (r = { method: op.method, path: op.path, byService: new Map() }));
    if (op.serviceId) r.byService.set(op.serviceId, op);
    else if (r.single) throw new Error(`two operations on ${key}: ${r.single.operationId}, ${op.operationId}`);
    else r.single = op;
  }
  for (const r of routes.values())
    if (r.single && r.byService.size)
      throw new Error(`${r.method} ${r.path} mixes a plain operation and serviceId dispatch`);
  return [...routes.values()];
}

let traceSeq = 0;
const newTraceId = () => `${traceBootId}-${(++traceSeq).toString(36)}`;

function envelopeOf(x: Exchange, problem: Problem): EnvelopeFormatter {
  // Gateway checks answer in the gateway's envelope; once the platform has the request, in the platform's own.
  const gatewayOwned =
    x.op?.security.includes("tif") && (!x.platformStage || problem.code === GATEWAY_ERRORS.contractBroken.code);
  if (!x.platform || gatewayOwned) return gatewayEnvelope;
  return (x.op?.envelope && x.platform.envelopes?.[x.op.envelope]) || x.platform.envelope || gatewayEnvelope;
}

function problemOf(e: unknown, rt: Runtime, traceId: string): Problem {
  if (e instanceof ProblemError) return e.problem;
  if (e instanceof StoreUnavailableError) {
    rt.log.warn({ traceId, reason: e.reason }, "状态存储不可用 / the state store is unavailable");
    return {
      ...GATEWAY_ERRORS.upstreamUnavailable,
      diagnostics: [
        {
          location: "/",
          rule: "store.unavailable",
          message: e.message,
          hint: "稍后重试：存储恢复后自动继续服务，已应答的写入不会丢失 / retry shortly: serving resumes by itself once the store is back, and no acknowledged write is lost",
        },
      ],
    };
  }
  rt.log.error({ err: e, traceId }, "unexpected error in the pipeline");
  return {
    code: 50001,
    status: 500,
    zh: "gatesim 内部错误",
    en: "gatesim internal error",
    diagnostics: [
      {
        location: "/",
        rule: "gatesim.bug",
        message: `gatesim 内部错误（跟踪号 ${traceId}）/ internal error (trace ${traceId})`,
        hint: "这是 gatesim 的缺陷，请附跟踪号报告 / this is a gatesim bug; report it with the trace id",
      },
    ],
  };
}

/**
 * Strict-envelope mode: the body as the real platform would send it, without gatesim's `_diagnostics`/`_trace_id` —
 * whoever built it (envelope formatters always add them; handlers cannot see the config).
 */
function withoutExtensions(body: unknown): unknown {
  if (
    body === null ||
    typeof body !== "object" ||
    Buffer.isBuffer(body) ||
    Array.isArray(body) ||
    !("_diagnostics" in body || "_trace_id" in body)
  )
    return body;
  const { _diagnostics: _d, _trace_id: _t, ...rest } = body as Record<string, unknown>;
  return rest;
}

function send(x: Exchange, reply: PipelineReply, problem?: Problem): unknown {
  const strict = x.rt.config.strictEnvelope;
  let status: number, body: unknown, contentType: string | undefined, headers: Record<string, string> | undefined;
  if (problem) {
    status = problem.status;
    body = envelopeOf(x, problem)(problem, { traceId: x.traceId });
    contentType = "application/json; charset=utf-8";
    headers = problem.headers;
  } else if (x.drop) {
    status = 0;
  } else {
    const r = x.result!;
    status = r.status;
    body = r.body;
    contentType = r.contentType;
    headers = r.headers;
  }
  if (strict) body = withoutExtensions(body);
  // JSON answers are serialised here rather than by Fastify: once, and the journal keeps the very text that was sent
  // (summarised only if someone reads it).
  let json: string | undefined;
  if (
    body !== undefined &&
    body !== null &&
    typeof body === "object" &&
    !Buffer.isBuffer(body) &&
    (contentType === undefined || contentType.includes("json"))
  ) {
    json = JSON.stringify(body);
    contentType ??= "application/json; charset=utf-8";
  }
  recordJournal(x, { status, body, json }, problem);
  if (x.drop) {
    reply.hijack();
    reply.raw.socket?.destroy();
    return reply;
  }
  reply.code(status);
  if (headers) reply.headers(headers);
  // RFC 6750 §3: a refused bearer token says so in WWW-Authenticate.
  if (problem?.code === GATEWAY_ERRORS.tokenInvalid.code)
    reply.header("www-authenticate", 'Bearer realm="gatesim", error="invalid_token"');
  if (x.responseViolations.length && !problem)
    reply.header("x-gatesim-contract-violations", String(x.responseViolations.length));
  if (contentType) reply.type(contentType);
  else if (body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body))
    reply.type("application/json; charset=utf-8");
  return reply.send(json ?? (body === undefined ? "" : body));
}

/**
 * Run the steps in order; synchronous while they are (most are), a promise from the first one that is not. The
 * platform stage starts at the first step that declares it (validation): refusals from then on use the platform's
 * envelope.
 */
function runSteps(x: Exchange, steps: readonly Step[]): Promise<void> | undefined {
  for (let i = 0; i < steps.length; i++) {
    if (steps[i].stage === "platform") x.platformStage = true;
    const pending = steps[i](x);
    if (pending) return pending.then(() => runSteps(x, steps.slice(i + 1)));
  }
  return undefined;
}

/**
 * A request still unanswered `scenarioTimeoutMs` after it arrived is answered 504 and logged with its trace id — unless
 * a forced scenario (a delay, a hang) is what holds it. The late pipeline's outcome is then dropped.
 */
function answerInTime(x: Exchange, pending: Promise<void>): Promise<void> {
  const ms = x.rt.config.scenarioTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((_, reject) => {
    const check = () => {
      if (x.scenario) return; // forced: the scenario decides when and how this ends
      x.rt.log.error(
        { traceId: x.traceId, method: x.method, url: x.url, operationId: x.op?.operationId },
        `no answer within scenarioTimeoutMs (${ms} ms): answered 504`,
      );
      reject(
        new ProblemError({
          ...GATEWAY_ERRORS.upstreamTimeout,
          diagnostics: [
            {
              location: "/",
              rule: "gateway.answer-timeout",
              message: `模拟平台 ${ms} 毫秒内未应答 / the simulated platform gave no answer within ${ms} ms`,
              hint: `这是 gatesim 的缺陷或出站调用挂起；请附跟踪号 ${x.traceId} 报告 / a gatesim bug or a hung outbound call; report it with trace id ${x.traceId}`,
            },
          ],
        }),
      );
    };
    timer = setTimeout(check, Math.max(0, ms - (performance.now() - x.started)));
  });
  pending.catch(() => {}); // a late failure after the 504 must not go unhandled
  return Promise.race([pending, late]).finally(() => clearTimeout(timer));
}

function exchangeFor(rt: Runtime, route: RouteEntry, req: PipelineRequest): Exchange {
  const url = req.url;
  const q = url.indexOf("?");
  return {
    rt,
    traceId: newTraceId(),
    started: performance.now(),
    method: req.method,
    url,
    path: q === -1 ? url : url.slice(0, q),
    headers: req.headers,
    rawHeaders: req.raw.rawHeaders,
    query: (req.query ?? {}) as Record<string, unknown>,
    params: (req.params ?? {}) as Record<string, string>,
    body: req.body,
    rawBody: rawBodyOf(req),
    contentType: req.headers["content-type"],
    ip: req.ip,
    route,
    principal: { kind: "anonymous" },
    responseViolations: [],
  };
}

export function buildApp(opts: BuildOptions = {}): Simulator {
  const config = (
    opts.config && "tenants" in opts.config && "journal" in opts.config
      ? opts.config
      : loadConfig({ overrides: opts.config as Record<string, unknown> | undefined })
  ) as Readonly<GatesimConfig>;
  const log = opts.logger ?? pino({ level: config.logLevel });
  const table = opts.table ?? loadContracts();
  const seed = opts.seed ?? createSeed(config.seed);
  const backend = opts.backend ?? openBackend(config);
  const tenants = new TenantRegistry(
    config.seed,
    {
      journalCap: config.journal.cap,
      journalMaxBodyBytes: config.journal.maxBodyBytes,
      nonceTtlMs: config.gateway.nonceTtlSec * 1000,
      nonceCacheMax: config.gateway.nonceCacheMax,
    },
    backend,
    (e) => log.error({ err: e, store: backend.describe() }, "状态写入失败 / a state write failed"),
  );
  const orgs = defaultOrganisations(seed);
  config.tenants.forEach((t, i) => tenants.add(t.orgCode ? t : { ...t, orgCode: orgs[i % orgs.length] }, true));
  const scenarios = new ScenarioCatalogue();
  scenarios.register(GATEWAY_SCENARIOS);
  const runtime: Runtime = {
    config,
    table,
    platforms: new Map(),
    securitySchemes: new Map(),
    tenants,
    scenarios,
    seed,
    log,
    unmatched: new Journal(config.journal.cap, config.journal.maxBodyBytes),
    adminToken: config.adminToken ?? randomBytes(18).toString("base64url"),
    startedAt: Date.now(),
    version: VERSION,
    defaultTenant: () => tenants.first()!,
  };
  const modules = [
    gatewayPlatform,
    createAdminPlatform(runtime),
    createToolsPlatform(runtime),
    ...(opts.platforms ?? defaultPlatforms)(seed, config),
    // departments' own contracts (gateway/byoc/), already in the table
    ...userContractPlatforms(table, config.seed, (ns) =>
      (config.contracts ?? []).some((c) => namespaceOf(c) === ns && c.crud),
    ),
  ];
  for (const m of modules) {
    runtime.platforms.set(m.name, m);
    for (const [scheme, verifier] of Object.entries(m.securitySchemes ?? {}))
      runtime.securitySchemes.set(scheme, verifier);
    if (m.scenarios) scenarios.register(m.scenarios);
    const hook = m.onTenant;
    if (hook?.reset) tenants.onReset((t) => hook.reset!(t.tenant.paasid));
    if (hook?.create) tenants.onCreate((t) => hook.create!(t.tenant.paasid));
  }

  for (const m of modules) m.attachTenants?.({ get: (p) => tenants.get(p), list: () => tenants.list() });

  let onBadUrl: FrameworkErrorHandler = () => {}; // bound below, once answerError exists
  const app = Fastify(fastifyOptions(config, (err, req, reply) => onBadUrl(err, req, reply)));
  registerBodyParsers(app, config);
  // Platforms with timers or outbound connections (data-sharing webhooks) stop with the app, then the store closes.
  app.addHook("onClose", async () => {
    for (const m of modules) await m.close?.();
    // journal entries still queued for a shared store go before it closes
    await Promise.all(tenants.list().map((t) => t.journal.flush()));
    await backend.close();
  });
  // Tenants registered at run time, clocks and rules come back from a durable store before the first request.
  app.addHook("onReady", async () => {
    const n = await tenants.restore();
    if (n) log.info({ tenants: n, store: backend.describe() }, "已恢复租户 / tenants restored");
    // each platform its own namespace ("~name": no paasid can look like it), on the real clock; in memory the
    // platforms keep their own in-process state (the data-sharing audit log's compact arena, no store round trips)
    if (backend.name !== "memory")
      for (const m of modules) await m.attachStore?.(backend.forTenant(`~${m.name}`, new Clock()));
    // several processes on one shared store: follow what the others change in the sandbox and platform namespaces
    backend.watch?.((change) => {
      const done = change.kind.startsWith("gateway.")
        ? tenants.followRemote(change)
        : modules.find((m) => change.ns === `~${m.name}`)?.onStoreChange?.(change);
      void Promise.resolve(done).catch((e: unknown) =>
        log.warn(
          { err: e, kind: change.kind },
          "跟随其他实例的状态变更失败 / following another replica's change failed",
        ),
      );
    });
  });
  const steps = opts.steps ?? DEFAULT_STEPS;

  const routes = new Map<string, RouteHandler>();
  for (const route of routesOf(table)) {
    const handle = async (req: PipelineRequest, reply: PipelineReply): Promise<unknown> => {
      const x = exchangeFor(runtime, route, req);
      reply.header("x-gatesim-trace-id", x.traceId);
      x.hold = () => (reply as { hold?: () => void }).hold?.();
      let problem: Problem | undefined;
      let failure: unknown;
      try {
        const pending = runSteps(x, steps);
        if (pending) await answerInTime(x, pending);
      } catch (e) {
        failure = e ?? new Error("pipeline failed");
      }
      // a nonce claim still in flight (shared store) decides before anything else: a replay gets 40003, whatever ran
      if (x.pendingClaim)
        try {
          await x.pendingClaim;
        } catch (e) {
          failure = e;
          x.platformStage = false;
          x.result = undefined;
          x.drop = undefined;
        }
      if (failure !== undefined) problem = problemOf(failure, runtime, x.traceId);
      if (!problem && !x.result && !x.drop)
        problem = problemOf(new Error("pipeline produced no result"), runtime, x.traceId);
      // a group-committing store (SQLite): what this request wrote is on disk before its answer leaves
      if (backend.sync)
        try {
          await backend.sync();
        } catch (e) {
          problem = problemOf(new StoreUnavailableError((e as Error).message), runtime, x.traceId);
        }
      return send(x, reply, problem);
    };
    routes.set(routeKey(route), { route, handle });
    app.route({ method: route.method as "GET", url: toFastifyPath(route.path), config: { route }, handler: handle });
  }

  // Near misses are computed once per method + path (bounded), so a flood of bad URLs stays cheap.
  const nearCache = new Map<string, ReturnType<typeof nearestOperation>>();
  const answerNotFound = async (req: PipelineRequest, reply: PipelineReply): Promise<unknown> => {
    const x = exchangeFor(runtime, { method: req.method, path: req.url, byService: new Map() }, req);
    reply.header("x-gatesim-trace-id", x.traceId);
    const path = x.path;
    const paasid = typeof req.headers["x-tif-paasid"] === "string" ? req.headers["x-tif-paasid"] : undefined;
    x.tenant = paasid ? runtime.tenants.get(paasid) : undefined;
    const nearKey = `${req.method} ${path}`;
    let near = nearCache.get(nearKey);
    if (near === undefined && !nearCache.has(nearKey)) {
      near = nearestOperation(req.method, path, table.operations);
      if (nearCache.size >= 1000) nearCache.delete(nearCache.keys().next().value!);
      nearCache.set(nearKey, near);
    }
    const methodOnly = !!near && near.reason.startsWith("the path exists");
    const d: Diagnostic = {
      location: "/path",
      rule: methodOnly ? "route.method" : "route.exists",
      seen: `${req.method} ${path}`,
      message: methodOnly
        ? `${near!.reasonZh} / ${near!.reason}`
        : `没有接口匹配 ${req.method} ${path} / no operation matches ${req.method} ${path}`,
      hint: near
        ? `最接近的接口 / nearest operation: ${near.method} ${near.path} (${near.operationId}) — ${near.reasonZh} / ${near.reason}`
        : "见 /docs / see /docs",
    };
    const problem = { ...(methodOnly ? GATEWAY_ERRORS.methodNotAllowed : GATEWAY_ERRORS.notFound), diagnostics: [d] };
    journalOf(x).record({
      time: Date.now(),
      traceId: x.traceId,
      tenant: x.tenant?.tenant.paasid ?? "",
      operationId: null,
      method: req.method,
      url: req.url,
      status: problem.status,
      durationMs: performance.now() - x.started,
      requestHeaders: req.headers,
      nearMiss: near ? { ...near } : undefined,
      violations: [d],
    });
    reply.code(problem.status);
    reply.type("application/json; charset=utf-8");
    const body = gatewayEnvelope(problem, { traceId: x.traceId });
    return reply.send(JSON.stringify(config.strictEnvelope ? withoutExtensions(body) : body));
  };
  app.setNotFoundHandler((req, reply) => answerNotFound(req, reply));

  const answerError = async (
    err: Error & { code?: string; statusCode?: number },
    req: PipelineRequest,
    reply: PipelineReply,
    matched?: RouteEntry,
  ): Promise<unknown> => {
    const route: RouteEntry = matched ?? { method: req.method, path: req.url, byService: new Map() };
    const x = exchangeFor(runtime, route, req);
    reply.header("x-gatesim-trace-id", x.traceId);
    x.op = route.single ?? route.byService.get(String(req.headers["x-tif-serviceid"] ?? ""));
    x.platform = x.op ? runtime.platforms.get(x.op.platform) : undefined;
    const paasid = req.headers["x-tif-paasid"];
    x.tenant = typeof paasid === "string" ? runtime.tenants.get(paasid) : undefined;
    let problem: Problem;
    if (err instanceof ProblemError) problem = err.problem;
    else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      problem = {
        ...GATEWAY_ERRORS.bodyTooLarge,
        diagnostics: [
          {
            location: "/body",
            rule: "gateway.body-limit",
            seen: req.headers["content-length"],
            message: `请求体超过 ${config.bodyLimitBytes} 字节 / the body exceeds ${config.bodyLimitBytes} bytes`,
            hint: "缩小请求体，或传摘要而非全文 / send a smaller body, e.g. a digest instead of the whole document",
          },
        ],
      };
    else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      problem = {
        ...GATEWAY_ERRORS.unsupportedMediaType,
        diagnostics: [
          {
            location: "/headers/content-type",
            rule: "gateway.content-type",
            seen: req.headers["content-type"],
            message: "不支持的 Content-Type / unsupported Content-Type",
            hint: "使用 application/json / use application/json",
          },
        ],
      };
    else if (err.code === "FST_ERR_BAD_URL")
      problem = {
        ...GATEWAY_ERRORS.contractViolation,
        diagnostics: [
          {
            location: "/path",
            rule: "gateway.url-encoding",
            seen: req.url.slice(0, 200),
            message: "路径中的百分号编码无效 / the path holds an invalid percent-encoding",
            hint: "路径参数先按 UTF-8 再做百分号编码（如 encodeURIComponent）/ percent-encode path parameters as UTF-8 (e.g. encodeURIComponent)",
          },
        ],
      };
    else if (err.code === JSON_TOO_DEEP)
      problem = {
        ...GATEWAY_ERRORS.badBody,
        diagnostics: [
          {
            location: "/body",
            rule: "body.json-depth",
            message: err.message,
            hint: `把数组/对象的嵌套控制在 ${config.jsonMaxDepth} 层以内（契约里的请求体都远浅于此；配置项 jsonMaxDepth）/ keep arrays and objects within ${config.jsonMaxDepth} levels (every contract's bodies are far shallower; config jsonMaxDepth)`,
          },
        ],
      };
    else if (err.code === HANDOVER_FAILED) {
      runtime.log.error({ traceId: x.traceId, url: req.url, reason: err.message }, "http thread: hand-over failed");
      problem = {
        code: 50001,
        status: 500,
        zh: "gatesim 内部错误",
        en: "gatesim internal error",
        diagnostics: [
          {
            location: "/",
            rule: "gatesim.hand-over",
            message: err.message,
            hint: `这是 gatesim 的缺陷，请附跟踪号 ${x.traceId} 报告 / this is a gatesim bug; report it with trace id ${x.traceId}`,
          },
        ],
      };
    } else if (err.statusCode && err.statusCode < 500)
      problem = {
        ...GATEWAY_ERRORS.badBody,
        diagnostics: [
          {
            location: "/body",
            rule: err.code ?? "body.parse",
            message: `请求体无法解析：${err.message} / the body cannot be parsed: ${err.message}`,
            hint: "发送合法的 UTF-8 JSON，且与 Content-Type 一致 / send valid UTF-8 JSON matching the Content-Type",
          },
        ],
      };
    else problem = problemOf(err, runtime, x.traceId);
    x.platformStage = !!x.op && !x.op.security.includes("tif");
    return send(x, reply, problem);
  };
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    lingerAfterTooLarge(err, req, reply);
    return answerError(err, req, reply, (req.routeOptions?.config as { route?: RouteEntry } | undefined)?.route);
  });
  onBadUrl = (err, req, reply) => {
    lingerAfterTooLarge(err, req, reply);
    void answerError(err, req, reply);
  };

  registerDocs(app, runtime);
  // a mock-mode contract may serve its own GET / (gatesim mock)
  if (!table.operations.some((o) => o.method === "GET" && o.path === "/")) registerLanding(app, runtime);
  return { app, runtime, transport: { routes, answerNotFound, answerError } };
}

export type { Operation };
