// A HandlerContext for unit tests of handlers without HTTP: memory store, virtual clock, a seed, captured events.
import { Clock } from "./clock.js";
import { MemoryStore } from "./store.js";
import type { HandlerContext, HandlerInput, Logger, Tenant } from "./types.js";
import type { Seed } from "./seed-types.js";

export interface TestContext extends HandlerContext {
  store: MemoryStore;
  events: { event: string; data: Record<string, unknown> }[];
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function makeTestContext(opts: { seed: Seed; clock?: Clock; platforms?: Record<string, unknown> }): TestContext {
  const clock = opts.clock ?? new Clock();
  const events: TestContext["events"] = [];
  const platforms = opts.platforms ?? {};
  return {
    store: new MemoryStore(clock),
    clock,
    seed: opts.seed,
    platforms: { get: <T>(name: string) => platforms[name] as T | undefined },
    log: quiet,
    emit: (event, data) => void events.push({ event, data }),
    events,
  };
}

export const testTenant: Tenant = {
  paasid: "stdemo",
  paasToken: "0123456789abcdef0123456789abcdef",
  name: "测试部门 Test department",
  serviceIds: ["*"],
  signatureCase: "any",
  orgCode: "11440500553696992R",
  controlToken: "ctl-test",
};

export function makeInput(partial: Partial<HandlerInput> & { operationId: string }): HandlerInput {
  return {
    method: "GET",
    path: "/",
    params: {},
    query: {},
    headers: {},
    body: undefined,
    ip: "127.0.0.1",
    tenant: testTenant,
    principal: { kind: "app", paasid: testTenant.paasid },
    traceId: "test-trace",
    ...partial,
  };
}
