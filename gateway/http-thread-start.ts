// Starting the HTTP thread (http-thread.ts) as early as possible: the CLI starts it before it loads the simulator's own
// modules, so the thread's Fastify loads on the other core meanwhile; the routes follow once the contracts are loaded.
// Light on purpose: it imports nothing of the simulator but the message types, the page list and the trace id.
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { BodyLimits } from "./body-parsers.js";
import type { GatesimConfig } from "./config.js";
import type { WorkerInit } from "./http-thread-protocol.js";
import { applyHeapProfile, threadLimits } from "./heap-profile.js";
import { PAGE_ROUTES } from "./page-routes.js";
import { traceBootId } from "./trace-id.js";

export type ThreadConfig = BodyLimits & Pick<GatesimConfig, "scenarioTimeoutMs" | "strictEnvelope" | "heap">;

/** How long past the main thread's own 504 (scenarioTimeoutMs) the HTTP thread waits before answering 504 itself. */
const THREAD_GRACE_MS = 2000;

/** An HTTP thread started but not yet given its routes or told to listen. */
export interface StartedThread {
  worker: Worker;
}

/** The worker beside this module — its one-file bundle when the build made it (scripts/bundle.mjs), else the compiled
 *  module; from the TypeScript sources (tests) the build's copy. */
function workerUrl(): URL {
  for (const rel of [
    "./http-thread-worker.bundle.mjs",
    "./http-thread-worker.js",
    "../dist/gateway/http-thread-worker.bundle.mjs",
  ]) {
    const u = new URL(rel, import.meta.url);
    if (existsSync(u)) return u;
  }
  return new URL("../dist/gateway/http-thread-worker.js", import.meta.url);
}

/** Start the HTTP thread now; `script` is the worker's module (a test gives one that fails or loses messages). */
export function startHttpThread(config: ThreadConfig, script: URL = workerUrl()): StartedThread {
  const init: WorkerInit = {
    limits: { bodyLimitBytes: config.bodyLimitBytes, jsonMaxDepth: config.jsonMaxDepth },
    answerTimeoutMs: config.scenarioTimeoutMs + THREAD_GRACE_MS,
    strictEnvelope: config.strictEnvelope,
    tracePrefix: traceBootId,
    pages: PAGE_ROUTES,
  };
  applyHeapProfile(config.heap); // before the thread's isolate is made, and as early as the main thread can
  const resourceLimits = threadLimits(config.heap);
  return { worker: new Worker(script, { workerData: init, ...(resourceLimits ? { resourceLimits } : {}) }) };
}
