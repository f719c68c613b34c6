// Named data-sharing scenarios: §8.5 refusals and provider faults with §8.1 gateway codes.
import type { ScenarioDef } from "../shared/types.js";
import { problemOf } from "../shared/error-catalogue.js";
import { DATASHARE_ERRORS } from "./errors.js";

/** operationIds the data-sharing contract is expected to use (contracts/CONVENTIONS.md: platform prefix, camelCase). */
export const DATASHARE_OPERATIONS = {
  /** Every catalogue serviceId (C + 13 digits) on POST /GatewayMsg/http/api/proxy/invoke. */
  query: "datashareQuery",
  apply: "datashareApplicationCreate",
  approve: "datashareApplicationApprove",
} as const;

const PLATFORM = "datashare";

export const DATASHARE_SCENARIOS: readonly ScenarioDef[] = Object.freeze([
  {
    name: "datashare.application-denied",
    platform: PLATFORM,
    zh: "共享申请被提供方驳回",
    en: "the provider denies the sharing application",
    operations: [DATASHARE_OPERATIONS.apply],
    outcome: {
      kind: "result",
      result: {
        status: 200,
        body: {
          errcode: 0,
          errmsg: "成功 / OK",
          // a fixed answer (nothing is stored): the shape of datashareApplicationCreate's ApplicationResult
          data: {
            application: {
              id: "DSA0000000000000000",
              status: "denied",
              decidedBy: "scenario",
              reason:
                "提供方驳回：申请用途与共享条件不符（模拟场景） / denied by the provider: the purpose does not meet the sharing conditions (scenario)",
            },
          },
        },
      },
    },
  },
  {
    name: "datashare.grant-expired",
    platform: PLATFORM,
    zh: "共享授权已过期",
    en: "the sharing grant has expired",
    operations: [DATASHARE_OPERATIONS.query],
    outcome: {
      kind: "problem",
      problem: problemOf(DATASHARE_ERRORS.noGrant, {
        zh: "授权已过期（模拟场景）",
        en: "the grant has expired (scenario)",
      }),
    },
  },
  {
    name: "datashare.quota-exhausted",
    platform: PLATFORM,
    zh: "授权调用次数已用完",
    en: "the grant's call quota is used up",
    operations: [DATASHARE_OPERATIONS.query],
    outcome: {
      kind: "problem",
      problem: problemOf(DATASHARE_ERRORS.quotaExhausted, {
        zh: "调用次数已用完（模拟场景）",
        en: "quota used up (scenario)",
      }),
    },
  },
  {
    name: "datashare.resource-withdrawn",
    platform: PLATFORM,
    zh: "资源已被提供方撤销",
    en: "the provider has withdrawn the resource",
    operations: [DATASHARE_OPERATIONS.query, DATASHARE_OPERATIONS.apply],
    outcome: {
      kind: "problem",
      problem: problemOf(DATASHARE_ERRORS.resourceWithdrawn, {
        zh: "资源已撤销（模拟场景）",
        en: "resource withdrawn (scenario)",
      }),
    },
  },
  {
    name: "datashare.provider-slow",
    platform: PLATFORM,
    zh: "提供方接口响应缓慢（3 秒）",
    en: "the provider answers slowly (3 s)",
    operations: [DATASHARE_OPERATIONS.query],
    outcome: { kind: "latency", ms: 3_000 },
  },
  {
    name: "datashare.provider-timeout",
    platform: PLATFORM,
    zh: "提供方接口超时",
    en: "the provider times out",
    operations: [DATASHARE_OPERATIONS.query],
    outcome: {
      kind: "problem",
      problem: problemOf(DATASHARE_ERRORS.providerTimeout, {
        zh: "提供方未在时限内应答（模拟场景）",
        en: "the provider did not answer in time (scenario)",
      }),
    },
  },
  {
    name: "datashare.provider-down",
    platform: PLATFORM,
    zh: "提供方接口不可用",
    en: "the provider is down",
    operations: [DATASHARE_OPERATIONS.query],
    outcome: {
      kind: "problem",
      problem: problemOf(DATASHARE_ERRORS.providerDown, {
        zh: "提供方不可用（模拟场景）",
        en: "the provider is unavailable (scenario)",
      }),
    },
  },
]);
