// Listening: build the app, bind the port, tell the person at the terminal what they have.
import { buildApp, openStore, type BuildOptions, type Simulator } from "./app.js";
import type { StoreBackend } from "../mocks/shared/store.js";
import type { GatesimConfig } from "./config.js";
import { spawnHttpThread } from "./http-thread.js";
import type { StartedThread } from "./http-thread-start.js";
import { tableFor } from "./byoc/table.js";
import { applyHeapProfile } from "./heap-profile.js";

export interface RunningSimulator extends Simulator {
  url: string;
  close(): Promise<void>;
}

/** A free TCP port on the host (the OIDC issuer and links need the real port before the app is built). */
async function freePort(host: string): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

export interface ListenOptions extends Omit<BuildOptions, "config"> {
  /** Called if the HTTP thread ends unexpectedly (the CLI exits then: a simulator that no longer serves must not linger). */
  onHttpThreadExit?: (code: number) => void;
  /** An HTTP thread the caller started before loading the simulator (the CLI, http-thread-start.ts). */
  httpThread?: StartedThread;
}

export async function listen(config: Readonly<GatesimConfig>, options: ListenOptions = {}): Promise<RunningSimulator> {
  const { onHttpThreadExit, httpThread, ...opts } = options;
  applyHeapProfile(config.heap); // a server's process, not a test's buildApp()
  if (config.port === 0) config = Object.freeze({ ...config, port: await freePort(config.host) });
  // HTTP on a second thread, state on this one (http-thread.ts); the thread starts while the simulator is built
  const table = opts.table ?? (await tableFor(config));
  const early = config.httpThread ? spawnHttpThread(config, table, undefined, httpThread) : undefined;
  let sim: Simulator;
  let backend: StoreBackend | undefined;
  try {
    backend = opts.backend ?? (await openStore(config));
    sim = buildApp({ ...opts, config, table, backend });
  } catch (e) {
    await backend?.close();
    await early?.abort();
    throw e;
  }
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  if (early) {
    await sim.app.ready();
    const thread = await early
      .serve(sim, {
        host: config.host,
        port: config.port,
        log: sim.runtime.log,
        ...(onHttpThreadExit ? { onExit: onHttpThreadExit } : {}),
      })
      .catch(async (e: unknown) => {
        await sim.app.close();
        throw e;
      });
    return {
      ...sim,
      url: config.publicUrl ?? `http://${host}:${thread.port}`,
      close: () => thread.close().then(() => sim.app.close()),
    };
  }
  const address = await sim.app.listen({ port: config.port, host: config.host });
  const addr = sim.app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const url = config.publicUrl ?? (address.startsWith("http") ? `http://${host}:${port}` : address);
  return { ...sim, url, close: () => sim.app.close() };
}

export function banner(sim: RunningSimulator, adminTokenGenerated: boolean): string {
  const rt = sim.runtime;
  const lines = [
    `gatesim ${rt.version} 已启动 / is up: ${sim.url}`,
    `  首页 landing   ${sim.url}/`,
    `  接口文档 docs  ${sim.url}/docs`,
    `  HTTP          ${rt.config.httpThread ? "独立线程，状态在主线程 / served from a second thread, state on the main one (--single-thread: one thread)" : "单线程 / one thread"}`,
    `  状态 state     ${rt.tenants.backend.name === "memory" ? "内存，重启即清空 / memory, gone at restart (--data-dir DIR keeps it)" : `${rt.tenants.backend.describe()}（${rt.tenants.backend.name === "redis" ? "共享，持久取决于 Redis 的持久化设置 / shared; as durable as Redis's persistence" : "持久 / durable"}）`}`,
    `  管理令牌 admin token: ${rt.adminToken}${adminTokenGenerated ? "  (本次生成 generated for this run; set GATESIM_ADMIN_TOKEN to fix it)" : "  (from config)"}`,
    `  测试应用 test apps:`,
    ...rt.tenants
      .list()
      .filter((t) => t.builtIn)
      .map(
        (t) =>
          `    ${t.tenant.paasid}  paasToken=${rt.config.landing.showCredentials ? t.tenant.paasToken : "(hidden)"}`,
      ),
  ];
  return lines.join("\n");
}
