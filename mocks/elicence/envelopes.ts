// The e-licence platform's two native answers: the GatewayMsg envelope {ack_code, errors, timestamp} (facts §4.5) and
// the sharing services' {head: {status, message}, data} with GB/T 36906-style result codes (facts §4.5, §8.4).
import { randomBytes } from "node:crypto";
import { gatewayEnvelope } from "../gateway/errors.js";
import type { Diagnostic, EnvelopeFormatter, Problem } from "../shared/types.js";
import type { ElicenceSchemas } from "./types.js";
import { RESULT_CODES, type ElicenceError, type ResultCode } from "./errors.js";

const CST_MS = 8 * 3600_000;

/** `yyyy-MM-dd HH:mm:ss.SSS` in China Standard Time, as the observed envelope carries it (facts §4.5). */
export function cstTimestamp(ms: number): string {
  return new Date(ms + CST_MS).toISOString().replace("T", " ").replace("Z", "");
}

/** ISO 8601 (UTC) for dates in sharing answers. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** correlation_id / response_id: 32 hex characters. */
export const newId = (): string => randomBytes(16).toString("hex");

/** Which sharing result code a refusal that never reached a handler stands for (contract check, bearer, upstream). */
function resultCodeOf(problem: Problem): ResultCode {
  const c = Number(problem.code);
  if (c in RESULT_CODES) return c as ResultCode;
  if (c === 40005 || c === 40006 || c === 41501) return 12; // the contract check: a required parameter empty or malformed
  if (c === 40102) return 11; // bearer token missing or invalid: identity check failed
  if (c === 40301 || c === 40303) return 100;
  return 101;
}

/** GatewayMsg services: `{ack_code: "FAILURE", errors: [{code, message, location}], timestamp}` (+ gatesim diagnostics). */
export const elicenceEnvelope: EnvelopeFormatter = (problem, opts) => {
  const diags = problem.diagnostics ?? [];
  const body: Record<string, unknown> = {
    ack_code: "FAILURE",
    errors: [
      {
        code: String(problem.code),
        message: `${problem.zh} / ${problem.en}`,
        ...(diags[0] ? { location: diags[0].location } : {}),
      },
    ],
    timestamp: cstTimestamp(Date.now()),
    result_code: resultCodeOf(problem),
  };
  body._diagnostics = diags;
  body._trace_id = opts.traceId;
  return body;
};

/** Sharing services: `{head: {status, message}, data: null}`; contract failures become result code 12. */
export const sharingEnvelope: EnvelopeFormatter = (problem, opts) => {
  const status = resultCodeOf(problem);
  return {
    head: { status, message: `${problem.zh} / ${problem.en}` },
    data: null,
    _diagnostics: problem.diagnostics ?? [],
    _trace_id: opts.traceId,
  };
};

export const ELICENCE_ENVELOPES = { sharing: sharingEnvelope, gateway: gatewayEnvelope } as const;

/** A sharing answer: always HTTP 200, the outcome in head.status (contract description). */
export interface SharingAnswer<T> {
  status: 200;
  body: { head: { status: ResultCode; message: string }; data: T; _diagnostics?: Diagnostic[] };
}

/** A sharing answer the platform gives itself: always HTTP 200, the outcome in head.status (contract description). */
export function sharingResult<T>(
  code: ResultCode,
  data: T,
  message?: { zh: string; en: string },
  diagnostics?: Diagnostic[],
): SharingAnswer<T> {
  const m = message ?? RESULT_CODES[code];
  return {
    status: 200,
    body: {
      head: { status: code, message: `${m.zh} / ${m.en}` },
      data,
      ...(diagnostics?.length ? { _diagnostics: diagnostics } : {}),
    },
  };
}

/** A sharing refusal from a domain error, with where and why. */
export function sharingRefusal(
  code: ResultCode,
  zh: string,
  en: string,
  diag?: Partial<Diagnostic>,
): SharingAnswer<null> {
  const d: Diagnostic[] = [
    {
      location: diag?.location ?? "/body",
      rule: diag?.rule ?? `elicence.${code}`,
      seen: diag?.seen,
      message: `${zh} / ${en}`,
      hint: diag?.hint ?? RESULT_CODES[code].hint ?? "",
    },
  ];
  return sharingResult(code, null, { zh: `${RESULT_CODES[code].zh}：${zh}`, en: `${RESULT_CODES[code].en}: ${en}` }, d);
}

export function sharingFromError(e: ElicenceError): SharingAnswer<null> {
  return sharingRefusal(e.resultCode, e.zh, e.en, {
    location: e.location ? `/body${e.location}` : "/body",
    rule: `elicence.${e.code}`,
    seen: e.seen,
  });
}

/** A GatewayMsg refusal a handler answers itself: `{ack_code: "FAILURE", errors, result_code}` with its HTTP status. */
export interface IssuanceRefusal {
  status: number;
  body: ElicenceSchemas["ElicenceError"];
}

/** A GatewayMsg refusal answered by a handler (rather than thrown): HTTP status from the error catalogue. */
export function issuanceRefusal(
  status: number,
  code: string,
  zh: string,
  en: string,
  resultCode: ResultCode,
  now: number,
  diag?: Partial<Diagnostic>,
): IssuanceRefusal {
  return {
    status,
    body: {
      ack_code: "FAILURE",
      errors: [{ code, message: `${zh} / ${en}`, ...(diag?.location ? { location: diag.location } : {}) }],
      timestamp: cstTimestamp(now),
      result_code: resultCode,
      _diagnostics: [
        {
          location: diag?.location ?? "/body",
          rule: diag?.rule ?? `elicence.${code}`,
          seen: diag?.seen,
          message: `${zh} / ${en}`,
          hint: diag?.hint ?? RESULT_CODES[resultCode].hint ?? "",
        },
      ],
    },
  };
}

export function issuanceFromError(e: ElicenceError, now: number): IssuanceRefusal {
  return issuanceRefusal(e.status, e.code, e.zh, e.en, e.resultCode, now, {
    location: e.location ? `/body${e.location}` : "/body",
    seen: e.seen,
  });
}

/** A successful GatewayMsg answer: the envelope with `extra` (data, sign …) beside it. */
export function issuanceResult<T extends object>(
  now: number,
  extra: T,
): {
  status: 200;
  body: { ack_code: "SUCCESS"; errors: never[]; timestamp: string; correlation_id: string; response_id: string } & T;
} {
  return {
    status: 200,
    body: {
      ack_code: "SUCCESS",
      errors: [],
      timestamp: cstTimestamp(now),
      correlation_id: newId(),
      response_id: newId(),
      ...extra,
    },
  };
}
