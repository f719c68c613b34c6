// The answer of a user contract's operation, chosen like Prism does: `Prefer: code=NNN` picks the status,
// `Prefer: example=NAME` the named example, `Accept` the media type; else the operation's example, else a seeded
// sample of its schema.
//  - a code the operation does not declare → 40005 naming the declared ones
//  - an example name the chosen response does not have → 40005 naming the ones it has
//  - an Accept that allows none of the chosen response's media types → 40601 naming the declared ones
import type { MediaSpec, Operation } from "../../contracts/loader.js";
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import { prngFor } from "../../mocks/shared/prng.js";
import type { HandlerResult } from "../../mocks/shared/types.js";
import { sampleSchema } from "../sample.js";

export interface Preference {
  code?: string;
  example?: string;
}

/** RFC 7240 preferences, `code` and `example` as Prism reads them (several headers or comma-separated). */
export function preferenceOf(header: string | string[] | undefined): Preference {
  const out: Preference = {};
  for (const part of (Array.isArray(header) ? header.join(",") : (header ?? "")).split(/[,;]/)) {
    const m = /^\s*(code|example)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
    if (m) out[m[1].toLowerCase() as keyof Preference] = m[2];
  }
  return out;
}

function statusOf(op: Operation, pref: Preference): string {
  const declared = Object.keys(op.responses);
  if (pref.code !== undefined) {
    if (declared.includes(pref.code)) return pref.code;
    const range = `${pref.code[0]}XX`;
    if (/^\d{3}$/.test(pref.code) && (declared.includes(range) || declared.includes("default"))) return pref.code;
    refuse(GATEWAY_ERRORS.contractViolation, [
      {
        location: "/headers/prefer",
        rule: "prefer.code",
        seen: `code=${pref.code}`,
        message: `契约未为该接口声明状态码 ${pref.code} / the contract declares no ${pref.code} answer for this operation`,
        hint: `可选 / declared: ${declared.join(", ")}`,
      },
    ]);
  }
  const ok = declared.filter((s) => /^2\d\d$/.test(s)).sort();
  return ok[0] ?? (declared.includes("default") ? "default" : (declared.sort()[0] ?? "200"));
}

type Media = [string, MediaSpec & { examples?: Record<string, any> }];

/** `Accept` as media ranges, most preferred first (RFC 9110 §12.5.1; q=0 ranges are refusals and dropped). */
function acceptRanges(accept: string): string[] {
  return accept
    .split(",")
    .map((part, i) => {
      const [range, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
      const q = params.find((x) => x.startsWith("q="));
      return { range, q: q === undefined ? 1 : Number(q.slice(2)), i };
    })
    .filter((r) => r.range && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((r) => r.range);
}

const covers = (range: string, ct: string) => {
  const type = ct.split(";")[0].trim().toLowerCase();
  return range === "*/*" || range === type || (range.endsWith("/*") && type.startsWith(range.slice(0, -1)));
};

/**
 * The answer's media type, negotiated like Prism does: the first declared type the request's `Accept` allows, JSON
 * first where the client takes anything (what it most likely reads); no `Accept` takes anything. None → 40601.
 */
function mediaOf(content: Record<string, MediaSpec>, accept: string | undefined): Media | [] {
  const entries = Object.entries(content) as Media[];
  if (!entries.length) return [];
  const jsonFirst = [...entries.filter(([ct]) => /json/i.test(ct)), ...entries.filter(([ct]) => !/json/i.test(ct))];
  const ranges = accept?.trim() ? acceptRanges(accept) : ["*/*"];
  for (const range of ranges) {
    const hit = jsonFirst.find(([ct]) => covers(range, ct));
    if (hit) return hit;
  }
  return refuse(GATEWAY_ERRORS.notAcceptable, [
    {
      location: "/headers/accept",
      rule: "responses.content",
      seen: accept ?? null,
      message: `契约没有 Accept 允许的应答类型 / the contract declares no answer type that Accept allows`,
      hint: `可选 / declared: ${entries.map(([ct]) => ct).join(", ")}`,
    },
  ]);
}

export function answerOperation(op: Operation, pref: Preference, seed: string, accept?: string): HandlerResult {
  const status = statusOf(op, pref);
  const code = status === "default" ? 200 : /XX$/.test(status) ? Number(status[0]) * 100 : Number(status);
  const [contentType, media] = mediaOf(op.responses[status]?.content ?? {}, accept);
  if (!contentType || !media) return { status: code };
  const examples = media.examples ?? {};
  let body: unknown;
  if (pref.example !== undefined) {
    if (!Object.hasOwn(examples, pref.example))
      refuse(GATEWAY_ERRORS.contractViolation, [
        {
          location: "/headers/prefer",
          rule: "prefer.example",
          seen: `example=${pref.example}`,
          message: `应答 ${status} 没有名为 ${pref.example} 的示例 / the ${status} answer has no example named ${pref.example}`,
          hint: `可选 / examples: ${Object.keys(examples).join(", ") || "(none)"}`,
        },
      ]);
    body = examples[pref.example]?.value;
  } else if (media.example !== undefined) body = media.example;
  else if (Object.values(examples)[0]?.value !== undefined) body = Object.values(examples)[0].value;
  else body = sampleSchema(media.schema ?? {}, prngFor(seed, `sample:${op.operationId}:${status}`));
  return { status: code, contentType, body };
}
