// `gatesim mock ./api.yaml`: one contract at its own paths, without the gateway's x-tif checks (Prism's `prism mock`
// use case), with the same request validation, Prefer handling, self-validated answers and journal.
import { parseArgs } from "node:util";
import pino from "pino";
import { ConfigError, loadConfig, type GatesimConfig } from "../config.js";
import { startHttpThread, type StartedThread } from "../http-thread-start.js";
import { ContractError } from "./contract-file.js";
import { tableFor } from "./table.js";
import { serveWithReload } from "./watch.js";

export const MOCK_HELP = `  gatesim mock <file> [--port n] [--host a] [--crud] [--watch] [--seed s]
                                只按一份 OpenAPI 契约模拟（无 x-tif 检查）/ mock one OpenAPI contract at its own paths,
                                no x-tif checks (default port 4010, like prism mock); journal under /_gatesim/tenants/…
`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  seed: { type: "string" },
  crud: { type: "boolean" },
  watch: { type: "boolean" },
  "log-level": { type: "string" },
  "admin-token": { type: "string" },
  "single-thread": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `httpThread`: one started before the simulator's modules loaded (its Fastify loads on the other core meanwhile). */
export async function startMock(config: Readonly<GatesimConfig>, logger: pino.Logger, httpThread?: StartedThread) {
  try {
    const [{ listen }, table] = await Promise.all([import("../server.js"), tableFor(config, undefined, "mock")]);
    return await listen(config, { logger, table, platforms: () => [], httpThread });
  } catch (e) {
    await httpThread?.worker.terminate();
    throw e;
  }
}

export async function runMock(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n用法 Usage:\n${MOCK_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    (values.help ? process.stdout : process.stderr).write(`用法 Usage:\n${MOCK_HELP}`);
    return values.help ? 0 : 2;
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    process.stderr.write(`--port: 应为整数 / must be an integer, got "${values.port}"\n`);
    return 2;
  }
  let config: Readonly<GatesimConfig>;
  try {
    config = loadConfig({
      env,
      flags: {
        port: values.port !== undefined ? Number(values.port) : 4010,
        ...(values.host ? { host: values.host } : {}),
        ...(values.seed ? { seed: values.seed } : {}),
        ...(values["log-level"] ? { logLevel: values["log-level"] as GatesimConfig["logLevel"] } : {}),
        ...(values["admin-token"] ? { adminToken: values["admin-token"] } : {}),
        ...(values["single-thread"] ? { httpThread: false } : {}),
        contracts: [{ file: positionals[0], crud: !!values.crud }],
      },
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  const logger = pino({ level: config.logLevel });
  // as `gatesim start` does; --watch starts a thread per reload itself
  const early = config.httpThread && !values.watch ? startHttpThread(config) : undefined;
  try {
    const start = (c: Readonly<GatesimConfig>) => startMock(c, logger, early);
    const running = values.watch
      ? await serveWithReload(config, start, { log: logger, mode: "mock" })
      : await start(config).then((s) => ({ current: () => s, close: () => s.close() }));
    const sim = running.current();
    const ops = sim.runtime.table.operations.filter((o) => o.platform.startsWith("byoc:"));
    process.stdout.write(
      `gatesim mock ${positionals[0]} — ${ops.length} 个接口 operations at ${sim.url} (docs ${sim.url}/docs, admin token ${sim.runtime.adminToken})\n`,
    );
    const stop = async () => {
      await running.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return -1;
  } catch (e) {
    if (!(e instanceof ContractError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
}
