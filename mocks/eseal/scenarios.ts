// Named e-seal scenarios, forced per request with `x-gatesim-scenario` or by a tenant rule.
import type { ScenarioDef } from "../shared/types.js";
import { ESEAL_ERRORS } from "./errors.js";

export const ESEAL_PLATFORM = "eseal";
export const CORRUPTED_SCENARIO = "eseal.signature-corrupted";
/** The request header that forces a scenario (gateway/scenarios.ts SCENARIO_HEADER; mocks/ does not import gateway/). */
export const SCENARIO_HEADER_NAME = "x-gatesim-scenario";

export const ESEAL_SCENARIOS: ScenarioDef[] = [
  {
    name: "eseal.seal-revoked",
    platform: ESEAL_PLATFORM,
    zh: "盖章时印章已注销 (40920)",
    en: "the seal is revoked when signing (40920)",
    operations: ["esealSign"],
    outcome: {
      kind: "problem",
      problem: { ...ESEAL_ERRORS.sealRevoked, zh: "印章已注销（模拟场景）", en: "the seal is revoked (scenario)" },
    },
  },
  {
    name: "eseal.seal-expired",
    platform: ESEAL_PLATFORM,
    zh: "盖章时印章已过期 (40922)",
    en: "the seal has expired when signing (40922)",
    operations: ["esealSign"],
    outcome: {
      kind: "problem",
      problem: { ...ESEAL_ERRORS.sealExpired, zh: "印章已过期（模拟场景）", en: "the seal has expired (scenario)" },
    },
  },
  {
    name: "eseal.service-unavailable",
    platform: ESEAL_PLATFORM,
    zh: "电子印章服务暂不可用 (50320)",
    en: "the e-seal service is unavailable (50320)",
    outcome: {
      kind: "problem",
      problem: {
        ...ESEAL_ERRORS.serviceUnavailable,
        zh: "电子印章服务暂不可用（模拟场景）",
        en: "the e-seal service is unavailable (scenario)",
      },
    },
  },
  {
    // The handler runs as usual (a zero latency lets the request through) and flips one bit of the signature value
    // it returns, as a broken proxy would: the answer parses, but verification reports SIGNATURE_INVALID.
    name: CORRUPTED_SCENARIO,
    platform: ESEAL_PLATFORM,
    zh: "签章数据在传输中损坏（返回的签名有一个字节被改动）",
    en: "the signature is corrupted in transit (one byte of the returned signature is flipped)",
    operations: ["esealSign"],
    outcome: { kind: "latency", ms: 0 },
  },
];
