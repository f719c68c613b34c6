#!/usr/bin/env node
// The gatesim command: `gatesim [start] [flags]` starts the simulator with its built-in defaults.
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HELP = `gatesim — 广东省政务 API 网关与共享平台模拟器 / Guangdong provincial gateway and shared-platform simulator

用法 Usage:
  gatesim [start] [options]     启动模拟器 / start the simulator (default command)
  gatesim mock <file> [options] 只模拟一份 OpenAPI 契约 / mock one OpenAPI contract (see below)
  gatesim --help                本帮助 / this help

选项 Options (flags > env GATESIM_* > gatesim.config.yaml|json > defaults):
  --port <n>            端口 / port (GATESIM_PORT, default 8080; 0 = any free port)
  --host <addr>         监听地址 / bind address (GATESIM_HOST, default 127.0.0.1)
  --config <file>       配置文件 / config file (GATESIM_CONFIG, default ./gatesim.config.yaml|yml|json if present)
  --seed <s>            种子：同一种子在任何机器上生成相同的身份、企业、密钥 / seed for deterministic data (GATESIM_SEED, default "gatesim")
  --log-level <lvl>     fatal|error|warn|info|debug|trace|silent (GATESIM_LOG_LEVEL, default info)
  --admin-token <t>     管理平面令牌 / control-plane token, ≥16 chars (GATESIM_ADMIN_TOKEN; generated and printed when absent)
  --public-url <url>    客户端访问的基础地址 / base URL clients use (GATESIM_PUBLIC_URL)
  --strict-envelope     错误体不带 _diagnostics / drop _diagnostics from error bodies (GATESIM_STRICT_ENVELOPE)
  --data-dir <dir>      状态持久保存于该目录的 SQLite 文件 / keep state durable in a SQLite file in <dir> (GATESIM_DATA_DIR; default: memory)
  --redis <url>         状态存于 Redis，多个实例共享 / keep state in Redis, shared by every gatesim on it (GATESIM_REDIS_URL;
                        redis://[:password@]host:port[/db], rediss://…, redis+cluster://host:port,host:port)
  --single-thread       HTTP 与状态同一线程 / serve HTTP on the main thread too (GATESIM_HTTP_THREAD=false)
  --heap <profile>      lean（默认，限制 V8 堆余量）| throughput（V8 默认）/ V8 heap headroom (GATESIM_HEAP, default lean)
  --contract <f[:ns]>   挂载部门自己的 OpenAPI 契约于 /ebus/<ns>/（可重复）/ mount an OpenAPI contract under /ebus/<ns>/ (repeatable; docs/byoc.md)
  --watch               契约文件变化时重新加载 / reload contracts when their files change
  --replay <dir>        先按 gatesim proxy --record 录制的交换应答 / answer from exchanges recorded by gatesim proxy --record first
  -h, --help            帮助 / help
`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  config: { type: "string" },
  seed: { type: "string" },
  "log-level": { type: "string" },
  "admin-token": { type: "string" },
  "public-url": { type: "string" },
  "strict-envelope": { type: "boolean" },
  "single-thread": { type: "boolean" },
  heap: { type: "string" },
  "data-dir": { type: "string" },
  redis: { type: "string" },
  replay: { type: "string" },
  contract: { type: "string", multiple: true },
  watch: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The start command's flags as config keys; malformed ones noted in `problems`. */
function flagsFrom(values: ParsedValues, problems: string[]): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port)) problems.push(`--port: 应为整数 / must be an integer, got "${values.port}"`);
    flags.port = Number(values.port);
  }
  if (values.host !== undefined) flags.host = values.host;
  if (values.seed !== undefined) flags.seed = values.seed;
  if (values["log-level"] !== undefined) flags.logLevel = values["log-level"];
  if (values["admin-token"] !== undefined) flags.adminToken = values["admin-token"];
  if (values["public-url"] !== undefined) flags.publicUrl = values["public-url"];
  if (values["strict-envelope"]) flags.strictEnvelope = true;
  if (values["single-thread"]) flags.httpThread = false;
  if (values.heap !== undefined) flags.heap = values.heap;
  if (values["data-dir"] !== undefined) flags.store = { sqlite: values["data-dir"] };
  if (values.redis !== undefined) flags.store = { ...(flags.store as object), redis: values.redis };
  if (values.config !== undefined) flags.config = values.config;
  // FILE[:namespace]; a colon followed by a path separator is part of the file name (C:\…)
  if (values.contract)
    flags.contracts = values.contract.map((v) => {
      const m = /^(.+):([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(v);
      return m ? { file: m[1], namespace: m[2] } : { file: v };
    });
  return flags;
}

/** `gatesim mock`: from its own bundle beside this file when the build made it (scripts/bundle.mjs), else the module. */
async function mockCommand(): Promise<typeof import("./byoc/mock-command.js")> {
  const bundle = new URL("./gatesim-mock.mjs", import.meta.url);
  return existsSync(bundle) ? import(bundle.href) : import("./byoc/mock-command.js");
}

/** What `start` needs first, loaded when it runs, not at the top: `gatesim mock` has its own copies in its bundle. */
const startModules = () =>
  Promise.all([import("pino"), import("./config.js"), import("./http-thread-start.js")] as const);

type ParsedValues = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
>["values"];

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const first = argv[0];
  if (first === "mock") return (await mockCommand()).runMock(argv.slice(1), env);
  if (first && !first.startsWith("-") && first !== "start") {
    const { runTool } = await import("./tools/index.js");
    const code = await runTool(first, argv.slice(1));
    if (code !== undefined) return code;
    process.stderr.write(`未知命令 unknown command: ${first}\n\n${HELP}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? "start";
  if (values.help) {
    const { TOOL_HELP } = await import("./tools/index.js");
    const { MOCK_HELP } = await import("./byoc/mock-command.js");
    process.stdout.write(HELP + MOCK_HELP + TOOL_HELP);
    return 0;
  }
  if (command !== "start") {
    process.stderr.write(`未知命令 unknown command: ${command}\n\n${HELP}`);
    return 2;
  }
  const [{ default: pino }, { ConfigError, loadConfig }, { startHttpThread }] = await startModules();
  const problems: string[] = [];
  const flags = flagsFrom(values, problems);
  let config;
  try {
    config = loadConfig({ flags: problems.length ? { ...flags, port: undefined } : flags, env });
    if (problems.length) throw new ConfigError(problems);
  } catch (e) {
    if (e instanceof ConfigError) {
      const all = e.problems === problems ? problems : [...problems, ...e.problems];
      process.stderr.write(`${new ConfigError(all).message}\n`);
      return 2;
    }
    throw e;
  }
  const logger = pino(
    { level: config.logLevel },
    process.stdout.isTTY
      ? pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss" } })
      : undefined,
  );
  // The HTTP thread starts before the simulator's modules load (they are most of a cold start): its own Fastify loads
  // on the other core meanwhile.
  const httpThread =
    config.httpThread && !(values.watch && config.contracts.length) ? startHttpThread(config) : undefined;
  const { banner, listen } = await import("./server.js");
  const replay = values.replay ? await import("./tools/replay-step.js") : undefined;
  const { DEFAULT_STEPS } = await import("./app.js");
  const steps = replay ? { steps: replay.withReplay(DEFAULT_STEPS, replay.loadFixtures(values.replay!)) } : {};
  const start = (c: typeof config, thread?: typeof httpThread) =>
    listen(c, { logger, httpThread: thread, onHttpThreadExit: () => process.exit(1), ...steps });
  let running;
  try {
    running =
      values.watch && config.contracts.length
        ? await (await import("./byoc/watch.js")).serveWithReload(config, (c) => start(c), { log: logger })
        : await start(config, httpThread).then((s) => ({ current: () => s, close: () => s.close() }));
  } catch (e) {
    if ((e as Error).name !== "ContractError" && (e as Error).name !== "StoreOpenError") throw e;
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const sim = running.current();
  process.stdout.write(`${banner(sim, !config.adminToken)}\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return -1; // keep running
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
