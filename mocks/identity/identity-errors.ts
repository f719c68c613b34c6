// The identity platform's error catalogue and its two native envelopes: OAuth 2.0 (RFC 6749 §5.2) and tyrz {errcode, errmsg}.
import { ProblemError } from "../shared/problem.js";
import type { Diagnostic, EnvelopeFormatter, HandlerInput, HandlerResult, Problem } from "../shared/types.js";

/**
 * One catalogue entry per refusal kind. `oauth` is the RFC 6749 / RFC 6750 / OIDC error code; `errcode` the tyrz-face
 * code. The tyrz errcode values are simulator-defined: the real platform only shows that failures carry `errcode`
 * (facts §2.1 step 4, [N] for the values), so they are documented in contracts/identity.yaml.
 */
export const IDENTITY_ERRORS = {
  invalid_request: { oauth: "invalid_request", errcode: 10001, status: 400 },
  invalid_client: { oauth: "invalid_client", errcode: 10002, status: 401 },
  invalid_grant: { oauth: "invalid_grant", errcode: 10003, status: 400 },
  unauthorized_client: { oauth: "unauthorized_client", errcode: 10004, status: 400 },
  unsupported_grant_type: { oauth: "unsupported_grant_type", errcode: 10005, status: 400 },
  unsupported_response_type: { oauth: "unsupported_response_type", errcode: 10006, status: 400 },
  invalid_scope: { oauth: "invalid_scope", errcode: 10007, status: 400 },
  access_denied: { oauth: "access_denied", errcode: 10008, status: 403 },
  invalid_token: { oauth: "invalid_token", errcode: 10009, status: 401 },
  redirect_uri_mismatch: { oauth: "invalid_request", errcode: 10010, status: 400 },
  account_locked: { oauth: "access_denied", errcode: 10011, status: 403 },
  interaction_expired: { oauth: "invalid_request", errcode: 10012, status: 400 },
  level_insufficient: { oauth: "access_denied", errcode: 10013, status: 403 },
  login_cancelled: { oauth: "access_denied", errcode: 10014, status: 403 },
  insufficient_scope: { oauth: "insufficient_scope", errcode: 10015, status: 403 },
  login_required: { oauth: "login_required", errcode: 10016, status: 400 },
  unsupported_token_type: { oauth: "unsupported_token_type", errcode: 10017, status: 400 },
  not_found: { oauth: "invalid_request", errcode: 40401, status: 404 },
  conflict: { oauth: "invalid_request", errcode: 40901, status: 409 },
  server_error: { oauth: "server_error", errcode: 50001, status: 500 },
  temporarily_unavailable: { oauth: "temporarily_unavailable", errcode: 50301, status: 503 },
} as const;

export type IdentityErrorKey = keyof typeof IDENTITY_ERRORS;

/** Build a Problem from a catalogue key with a precise bilingual explanation. */
export function idpProblem(key: IdentityErrorKey, zh: string, en: string, diagnostics?: Diagnostic[]): Problem {
  return {
    code: key,
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

function entryOf(problem: Problem): { oauth: string; errcode: number } {
  if (typeof problem.code === "string" && problem.code in IDENTITY_ERRORS)
    return IDENTITY_ERRORS[problem.code as IdentityErrorKey];
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
  const errcode =
    typeof problem.code === "number" ? problem.code : (IDENTITY_ERRORS[oauth as IdentityErrorKey]?.errcode ?? s * 100);
  return { oauth, errcode };
}

/** OAuth face: `{error, error_description}` (RFC 6749 §5.2), zh-CN first then English after " / ". */
export const oauthEnvelope: EnvelopeFormatter = (problem, opts) => ({
  error: entryOf(problem).oauth,
  error_description: `${problem.zh} / ${problem.en}`,
  ...(problem.diagnostics?.length ? { _diagnostics: problem.diagnostics } : {}),
  _trace_id: opts.traceId,
});

/** tyrz face: failures carry `errcode` (facts §2.1 step 4) with an `errmsg`. */
export const tyrzEnvelope: EnvelopeFormatter = (problem, opts) => ({
  errcode: entryOf(problem).errcode,
  errmsg: `${problem.zh} / ${problem.en}`,
  ...(problem.diagnostics?.length ? { _diagnostics: problem.diagnostics } : {}),
  _trace_id: opts.traceId,
});

export const identityEnvelopes = { oauth: oauthEnvelope, tyrz: tyrzEnvelope } as const;
export type EnvelopeName = keyof typeof identityEnvelopes;

/**
 * A refusal returned directly (rather than thrown as ProblemError for the gateway to render) — only where the answer
 * needs its own headers, e.g. RFC 6750 §3 `WWW-Authenticate`. Strict-envelope mode is applied by the gateway.
 */
export function refusal(
  input: HandlerInput,
  problem: Problem,
  face: EnvelopeName,
  headers?: Record<string, string>,
): HandlerResult {
  return {
    status: problem.status,
    headers: { "cache-control": "no-store", ...headers },
    body: identityEnvelopes[face](problem, { traceId: input.traceId }),
  };
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
