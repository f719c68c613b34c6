// The identity platform's error catalogue and its two native envelopes: OAuth 2.0 (RFC 6749 §5.2) and tyrz {errcode, errmsg}.
import { defineCatalogue, entryByCode } from "../shared/error-catalogue.js";
import { ProblemError } from "../shared/problem.js";
import type { Diagnostic, EnvelopeFormatter, Problem } from "../shared/types.js";
import type { IdentitySchemas } from "./types.js";

/**
 * One catalogue entry per refusal kind. `code` is the tyrz face's errcode; `oauth` the RFC 6749 / RFC 6750 / OIDC error
 * code of the OAuth face. The tyrz errcode values are simulator-defined: the real platform only shows that failures carry `errcode`
 * (facts §2.1 step 4, [N] for the values), so they are documented in contracts/identity.yaml.
 */
export const IDENTITY_ERRORS = defineCatalogue({
  invalidRequest: {
    code: 10001,
    oauth: "invalid_request",
    status: 400,
    zh: "参数缺失、重复或无效",
    en: "parameter missing, repeated or invalid",
  },
  invalidClient: {
    code: 10002,
    oauth: "invalid_client",
    status: 401,
    zh: "客户端认证失败",
    en: "client authentication failed",
  },
  invalidGrant: {
    code: 10003,
    oauth: "invalid_grant",
    status: 400,
    zh: "授权码或刷新令牌无效、过期、已用",
    en: "code or refresh token invalid, expired or used",
  },
  unauthorizedClient: {
    code: 10004,
    oauth: "unauthorized_client",
    status: 400,
    zh: "客户端未获准使用该授权类型",
    en: "grant not allowed for this client",
  },
  unsupportedGrantType: {
    code: 10005,
    oauth: "unsupported_grant_type",
    status: 400,
    zh: "不支持的 grant_type",
    en: "unsupported grant_type",
  },
  unsupportedResponseType: {
    code: 10006,
    oauth: "unsupported_response_type",
    status: 400,
    zh: "response_type 不是 code",
    en: "response_type is not code",
  },
  invalidScope: { code: 10007, oauth: "invalid_scope", status: 400, zh: "scope 超出允许范围", en: "scope not allowed" },
  accessDenied: { code: 10008, oauth: "access_denied", status: 403, zh: "拒绝", en: "denied" },
  invalidToken: { code: 10009, oauth: "invalid_token", status: 401, zh: "访问令牌无效", en: "access token invalid" },
  redirectUriMismatch: {
    code: 10010,
    oauth: "invalid_request",
    status: 400,
    zh: "redirect_uri 与登记的不一致",
    en: "redirect_uri not registered (exact match)",
  },
  accountLocked: { code: 10011, oauth: "access_denied", status: 403, zh: "账号已锁定", en: "account locked" },
  interactionExpired: {
    code: 10012,
    oauth: "invalid_request",
    status: 400,
    zh: "登录请求已过期",
    en: "login request expired",
  },
  levelInsufficient: {
    code: 10013,
    oauth: "access_denied",
    status: 403,
    zh: "实名等级不足",
    en: "real-name level too low",
  },
  loginCancelled: { code: 10014, oauth: "access_denied", status: 403, zh: "用户取消登录", en: "login cancelled" },
  insufficientScope: {
    code: 10015,
    oauth: "insufficient_scope",
    status: 403,
    zh: "令牌缺少所需 scope",
    en: "token lacks a scope",
  },
  loginRequired: {
    code: 10016,
    oauth: "login_required",
    status: 400,
    zh: "prompt=none 且无会话",
    en: "prompt=none without a session",
  },
  unsupportedTokenType: {
    code: 10017,
    oauth: "unsupported_token_type",
    status: 400,
    zh: "token_type_hint 无效",
    en: "token_type_hint invalid",
  },
  notFound: { code: 40401, oauth: "invalid_request", status: 404, zh: "管理接口：对象不存在", en: "admin: not found" },
  conflict: { code: 40901, oauth: "invalid_request", status: 409, zh: "管理接口：冲突", en: "admin: conflict" },
  serverError: { code: 50001, oauth: "server_error", status: 500, zh: "模拟器内部错误", en: "simulator bug" },
  temporarilyUnavailable: {
    code: 50301,
    oauth: "temporarily_unavailable",
    status: 503,
    zh: "平台不可用",
    en: "platform unavailable",
  },
});

export type IdentityErrorKey = keyof typeof IDENTITY_ERRORS;

/** Build a Problem from a catalogue key with a precise bilingual explanation; its code is the entry's errcode. */
export function idpProblem(key: IdentityErrorKey, zh: string, en: string, diagnostics?: Diagnostic[]): Problem {
  return {
    code: IDENTITY_ERRORS[key].code,
    status: IDENTITY_ERRORS[key].status,
    zh,
    en,
    ...(diagnostics?.length ? { diagnostics: diagnostics.map((d) => bilingual(d, zh)) } : {}),
  };
}

const CJK = /[\u4e00-\u9fff]/;
/** Diagnostics name the problem in English at their own location; the refusal's zh-CN leads, as everywhere else. */
function bilingual(d: Diagnostic, zh: string): Diagnostic {
  return CJK.test(d.message) ? d : { ...d, message: `${zh} / ${d.message}` };
}

/** The OAuth error of an OAuth error code a problem carries as its code (another platform's or a caller's). */
const BY_OAUTH = new Map(Object.values(IDENTITY_ERRORS).map((e) => [e.oauth as string, e]));

function entryOf(problem: Problem): { oauth: string; errcode: number } {
  const own = entryByCode(IDENTITY_ERRORS, problem.code);
  if (own) return { oauth: own.oauth, errcode: own.code };
  // Problems raised by the gateway pipeline (validation, scenarios, …) carry their own codes: keep them when they
  // already fit the envelope, otherwise derive one from the HTTP status.
  const s = problem.status;
  const oauth =
    typeof problem.code === "string"
      ? problem.code
      : s === 401
        ? "invalid_token"
        : s === 403
          ? "access_denied"
          : s === 503 || s === 429 || s === 502 || s === 504
            ? "temporarily_unavailable"
            : s >= 500
              ? "server_error"
              : "invalid_request";
  const errcode = typeof problem.code === "number" ? problem.code : (BY_OAUTH.get(oauth)?.code ?? s * 100);
  return { oauth, errcode };
}

/** OAuth face: `{error, error_description}` (RFC 6749 §5.2), zh-CN first then English after " / ". */
export const oauthEnvelope = (problem: Problem, opts: { traceId: string }): IdentitySchemas["OauthError"] => ({
  error: entryOf(problem).oauth,
  error_description: `${problem.zh} / ${problem.en}`,
  ...(problem.diagnostics?.length ? { _diagnostics: problem.diagnostics } : {}),
  _trace_id: opts.traceId,
});

/** tyrz face: failures carry `errcode` (facts §2.1 step 4) with an `errmsg`. */
export const tyrzEnvelope = (problem: Problem, opts: { traceId: string }): IdentitySchemas["TyrzError"] => ({
  errcode: entryOf(problem).errcode,
  errmsg: `${problem.zh} / ${problem.en}`,
  ...(problem.diagnostics?.length ? { _diagnostics: problem.diagnostics } : {}),
  _trace_id: opts.traceId,
});

export const identityEnvelopes = { oauth: oauthEnvelope, tyrz: tyrzEnvelope } satisfies Record<
  string,
  EnvelopeFormatter
>;
export type EnvelopeName = keyof typeof identityEnvelopes;

/**
 * A refusal that needs its own headers (RFC 6750 §3 `WWW-Authenticate`; every identity refusal is `no-store`), thrown
 * for the gateway to render in the operation's envelope (x-gatesim-envelope), honouring strict mode.
 */
export function refusal(problem: Problem, headers?: Record<string, string>): ProblemError {
  return new ProblemError({ ...problem, headers: { "cache-control": "no-store", ...problem.headers, ...headers } });
}

/** Throw a refusal; the gateway renders it in the operation's envelope (x-gatesim-envelope), honouring strict mode. */
export function fail(key: IdentityErrorKey, zh: string, en: string, diagnostics?: Diagnostic[]): never {
  throw new ProblemError(idpProblem(key, zh, en, diagnostics));
}

/** Shorthand for a Diagnostic. */
export function diag(location: string, rule: string, message: string, hint: string, seen?: unknown): Diagnostic {
  return { location, rule, message, hint, ...(seen !== undefined ? { seen } : {}) };
}

/** Thrown by admin-side changes (clients, personas) that break a rule; carries the refusal for the admin API. */
export class IdentityInputError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.zh} / ${problem.en}`);
  }
}
