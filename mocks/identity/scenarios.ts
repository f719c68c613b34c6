// Named identity scenarios, forced per request with `x-gatesim-scenario` or by a tenant rule: the platform down, a
// login that ends in a forced refusal (redirected back with error=access_denied), a slow token endpoint.
import type { ScenarioDef } from "../shared/types.js";
import { idpProblem } from "./errors.js";
import { FORCED_LOGIN_OUTCOMES } from "./handlers/authorize.js";

export const TYRZ_AUTHORIZE = [
  "identityTyrzAuthorize",
  "identityPscpAuthorize",
  "identityPscpAuthorizeSlash",
  "identityTyrzStatic",
  "identityPscpStatic",
];
export const TYRZ_TOKEN = [
  "identityTyrzAccessToken",
  "identityTyrzAccessTokenPost",
  "identityPscpAccessToken",
  "identityPscpAccessTokenPost",
];
const AUTHORIZE_OPS = [...TYRZ_AUTHORIZE, "identityOidcAuthorize"];
const TOKEN_OPS = [...TYRZ_TOKEN, "identityOidcToken"];

/** Domain scenarios for the foundation's catalogue (x-gatesim-scenario or tenant rules). */
export const IDENTITY_SCENARIOS: ScenarioDef[] = [
  {
    name: "identity.unavailable",
    platform: "identity",
    zh: "统一身份认证平台不可用 (503)",
    en: "identity platform unavailable (503)",
    outcome: {
      kind: "problem",
      problem: idpProblem(
        "temporarilyUnavailable",
        "统一身份认证平台暂时不可用，请稍后重试",
        "the identity platform is temporarily unavailable; retry later",
      ),
    },
  },
  // Acted out by the authorize handler as a redirect back to the relying party (handlers/authorize.ts FORCED_LOGIN_OUTCOMES).
  ...Object.entries(FORCED_LOGIN_OUTCOMES).map(([name, o]): ScenarioDef => ({
    name,
    platform: "identity",
    zh: `${o.zh}（重定向回应用，error=access_denied）`,
    en: `${o.en} (redirect back to the application, error=access_denied)`,
    operations: AUTHORIZE_OPS,
    outcome: { kind: "latency", ms: 0 },
  })),
  {
    name: "identity.slow-token",
    platform: "identity",
    zh: "令牌接口应答延迟 5 秒",
    en: "token endpoint answers 5 s late",
    operations: TOKEN_OPS,
    outcome: { kind: "latency", ms: 5000 },
  },
];
