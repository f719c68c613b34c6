// Named e-licence scenarios, forced per request with `x-gatesim-scenario` or by a tenant rule.
// Licence-state scenarios answer in the sharing envelope (HTTP 200, the code in head.status, as the platform would);
// "unavailable" is the gateway's own 50201: the gateway answers when the platform behind it is down (facts §8.1).
import type { ScenarioDef } from "../shared/types.js";
import { RESULT_CODES, type ResultCode } from "./errors.js";

export const ELICENCE_PLATFORM = "elicence";

/** Operations that use one named licence (the licence-state scenarios apply to them). */
const ON_A_LICENCE = [
  "elicenceDownloadUrl",
  "elicenceDownload",
  "elicenceVerifyInfo",
  "elicenceVerifyFile",
  "elicenceAnnotate",
  "elicenceGrantRedeem",
  "elicenceGrantCreate",
];

function sharing(code: ResultCode, zh: string, en: string, status = 200) {
  return {
    kind: "result" as const,
    result: {
      status,
      body: {
        head: {
          status: code,
          message: `${RESULT_CODES[code].zh}：${zh}（模拟场景）/ ${RESULT_CODES[code].en}: ${en} (scenario)`,
        },
        data: null,
      },
    },
  };
}

export const ELICENCE_SCENARIOS: ScenarioDef[] = [
  {
    name: "elicence.licence-expired",
    platform: ELICENCE_PLATFORM,
    zh: "证照已过期 (22)",
    en: "the licence has expired (22)",
    operations: ON_A_LICENCE,
    outcome: sharing(22, "证照已过期", "the licence has expired"),
  },
  {
    name: "elicence.licence-revoked",
    platform: ELICENCE_PLATFORM,
    zh: "证照已废止 (21)",
    en: "the licence is annulled (21)",
    operations: ON_A_LICENCE,
    outcome: sharing(21, "证照已废止", "the licence is annulled"),
  },
  {
    name: "elicence.licence-suspended",
    platform: ELICENCE_PLATFORM,
    zh: "证照已暂扣，受限使用 (23)",
    en: "the licence is withheld, restricted (23)",
    operations: ON_A_LICENCE,
    outcome: sharing(23, "证照已暂扣", "the licence is withheld"),
  },
  {
    name: "elicence.holder-type-invalid",
    platform: ELICENCE_PLATFORM,
    zh: "持证主体代码类型代码不符合规范 (103)",
    en: "holder id-type code invalid (103)",
    operations: ["elicenceQueryByHolder"],
    outcome: sharing(103, "持证主体代码类型代码不符合规范", "holder id-type code invalid"),
  },
  {
    name: "elicence.download-used",
    platform: ELICENCE_PLATFORM,
    zh: "下载地址已使用过 (410, 100)",
    en: "the download URL was already used (410, 100)",
    operations: ["elicenceDownload"],
    outcome: sharing(100, "下载地址已使用过，只能使用一次", "this one-time download URL has already been used", 410),
  },
  {
    name: "elicence.unavailable",
    platform: ELICENCE_PLATFORM,
    zh: "电子证照平台不可用（网关 50201）",
    en: "the e-licence platform is unavailable (gateway 50201)",
    outcome: {
      kind: "problem",
      problem: {
        code: 50201,
        status: 502,
        zh: "上游平台不可用：电子证照平台暂不可用（模拟场景）",
        en: "upstream platform unavailable: the e-licence platform is down (scenario)",
      },
    },
  },
];
