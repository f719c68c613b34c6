// `--watch`: when a mounted contract (or a file beside it, where its $refs point) changes, check the new version and,
// when it is valid, restart the simulator on the same port with it; an invalid one is reported and the running
// version stays. A restart starts the tenants' state afresh (the routes are built once per app).
import { watch, type FSWatcher } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Logger } from "pino";
import type { GatesimConfig } from "../config.js";
import type { ListenOptions, RunningSimulator } from "../server.js";
import { ContractError } from "./contract-file.js";
import { loadUserContracts, type MountMode } from "./user-contracts.js";

export interface Reloading {
  current(): RunningSimulator;
  /** Resolves after the next reload attempt (tests). */
  nextReload(): Promise<"reloaded" | "kept">;
  close(): Promise<void>;
}

type Start = (config: Readonly<GatesimConfig>) => Promise<RunningSimulator>;

/** Directories of the contracts, watched for YAML/JSON changes (editors often replace a file rather than write it). */
function watchFiles(files: string[], onChange: () => void, debounceMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [...new Set(files.map((f) => dirname(resolve(f))))].map((dir) =>
    watch(dir, (_event, name) => {
      if (name && !/\.(ya?ml|json)$/i.test(name)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    }),
  );
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

export async function serveWithReload(
  config: Readonly<GatesimConfig>,
  start: Start,
  opts: { log: Logger; mode?: MountMode; debounceMs?: number },
): Promise<Reloading> {
  let sim = await start(config);
  // the same port after a restart, also when the first start picked a free one
  const fixed = Object.freeze({ ...config, port: Number(new URL(sim.url).port) || config.port });
  let waiters: ((r: "reloaded" | "kept") => void)[] = [];
  let chain = Promise.resolve();
  const reload = async () => {
    let outcome: "reloaded" | "kept" = "kept";
    try {
      await loadUserContracts(config.contracts, opts.mode);
      await sim.close();
      sim = await start(fixed);
      outcome = "reloaded";
      opts.log.info({ contracts: config.contracts.map((c) => c.file) }, "契约已重新加载 / contracts reloaded");
    } catch (e) {
      if (!(e instanceof ContractError)) throw e;
      opts.log.error(
        { problems: e.problems },
        `新版契约无效，继续使用旧版 / the new contract is invalid; the previous one stays\n${e.message}`,
      );
    }
    const w = waiters;
    waiters = [];
    for (const f of w) f(outcome);
  };
  const stop = watchFiles(
    config.contracts.map((c) => c.file),
    () => void (chain = chain.then(reload)),
    opts.debounceMs ?? 150,
  );
  return {
    current: () => sim,
    nextReload: () => new Promise((r) => waiters.push(r)),
    close: async () => {
      stop();
      await chain;
      await sim.close();
    },
  };
}

export type { ListenOptions };
