// Answers for operations without a handler: the contract's own example, else a deterministic sample of its schema
// (seeded per operation, so the same seed gives the same answer on every machine). Samples respect the identifier
// formats, so a department validator accepts them.
import type { JsonSchema, Operation } from "../contracts/loader.js";
import type { HandlerResult } from "../mocks/shared/types.js";
import { Prng, prngFor } from "../mocks/shared/prng.js";
import { sampleFromPattern } from "./pattern-sample.js";
import { DISCRIMINATED, type Discriminated } from "./byoc/schema-dialect.js";
import { idCheck, makeLicenceId, orgCheck, usccCheck } from "../mocks/shared/ids.js";

const FORMAT_SAMPLES: Record<string, (r: Prng) => string> = {
  "gb11643-id": (r) => {
    const body = `440507${r.int(1950, 2005)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}${String(r.int(0, 999)).padStart(3, "0")}`;
    return body + idCheck(body);
  },
  "gb32100-uscc": (r) => {
    const org = String(r.int(10000000, 99999999));
    const body = `91440507${org}${orgCheck(org)}`;
    return body + usccCheck(body);
  },
  "gb11714-org": (r) => {
    const org = String(r.int(10000000, 99999999));
    return `${org}-${orgCheck(org)}`;
  },
  "gb2260-division": (r) => r.pick(["440507", "440511", "440512", "440513", "440514", "440515", "440523"]),
  "gb36904-licence-id": (r) =>
    makeLicenceId("11100000000013338W011", "11440500553696992R", String(r.int(2024000000, 2024999999)), "001"),
  "date-time": () => "2026-01-01T08:00:00+08:00",
  date: () => "2026-01-01",
  email: (r) => `user${r.int(1, 999)}@example.gov.cn`,
  uri: () => "http://127.0.0.1:3000/callback",
  time: () => "08:00:00+08:00",
  ipv4: (r) => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
  hostname: () => "api.example.gov.cn",
  "uri-reference": () => "/callback",
  uuid: (r) => `${r.hex(4)}-${r.hex(2)}-4${r.hex(2).slice(1)}-a${r.hex(2).slice(1)}-${r.hex(6)}`,
};

/**
 * A number within the bounds (exclusive ones too) and a multiple of `multipleOf` when given. Fractional bounds with
 * no whole step between them give the middle of the range.
 */
function sampleNumber(s: Record<string, any>, r: Prng): number {
  // whole numbers (or whole multiples of multipleOf) within the bounds, as before multipleOf was honoured
  const step = typeof s.multipleOf === "number" && s.multipleOf > 0 ? s.multipleOf : 1;
  const max = s.maximum ?? s.exclusiveMaximum;
  const lo = s.minimum ?? s.exclusiveMinimum ?? (max === undefined ? 0 : Math.min(0, max - 100));
  const hi = max ?? Math.max(lo, 0) + 100;
  const fits = (v: number) =>
    v >= lo &&
    v <= hi &&
    (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) &&
    (s.exclusiveMaximum === undefined || v < s.exclusiveMaximum);
  // rounded to the step's own decimals, so that 3 × 0.1 is 0.3
  const decimals = (String(step).split(".")[1] ?? "").length;
  const at = (k: number) => Number((k * step).toFixed(decimals));
  let first = Math.ceil(lo / step),
    last = Math.floor(hi / step);
  if (!fits(at(first))) first++;
  if (!fits(at(last))) last--;
  if (first <= last) return at(r.int(first, last));
  return (lo + hi) / 2; // no whole step fits (a narrow fractional range): the middle of it
}

const isObject = (v: unknown): v is object => !!v && typeof v === "object" && !Array.isArray(v);

export function sampleSchema(schema: JsonSchema, r: Prng, depth = 0): unknown {
  if (schema === true || schema === false || depth > 8) return null;
  const s = schema as Record<string, any>;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const tagged = s[DISCRIMINATED] as Discriminated | undefined;
  if (tagged?.branches.length) {
    // the first branch over the base, with the branch's tag in the discriminating property (schema-dialect.ts)
    const [first] = tagged.branches;
    const parts = [tagged.base, first.schema].map((x) => sampleSchema(x as JsonSchema, r, depth + 1));
    return Object.assign({}, ...parts.filter(isObject), { [tagged.propertyName]: first.tags[0] });
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((x: JsonSchema) => sampleSchema(x, r, depth + 1));
    return parts.every((p: unknown) => p && typeof p === "object" && !Array.isArray(p))
      ? Object.assign({}, ...parts)
      : parts[0];
  }
  if (Array.isArray(s.oneOf)) return sampleSchema(s.oneOf[0], r, depth + 1);
  if (Array.isArray(s.anyOf)) return sampleSchema(s.anyOf[0], r, depth + 1);
  const type = Array.isArray(s.type)
    ? (s.type.find((t: string) => t !== "null") ?? "null")
    : (s.type ?? (s.properties ? "object" : undefined));
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const req: string[] = s.required ?? Object.keys(s.properties ?? {});
      for (const [k, v] of Object.entries<JsonSchema>(s.properties ?? {}))
        if (req.includes(k)) out[k] = sampleSchema(v, r, depth + 1);
      return out;
    }
    case "array": {
      const n = Math.max(s.minItems ?? 1, 1);
      return Array.from({ length: n }, () => sampleSchema(s.items ?? {}, r, depth + 1));
    }
    case "integer":
    case "number":
      return sampleNumber(s, r);
    case "boolean":
      return true;
    case "null":
      return null;
    case "string": {
      if (s.format && FORMAT_SAMPLES[s.format]) return FORMAT_SAMPLES[s.format](r);
      const matching = typeof s.pattern === "string" ? sampleFromPattern(s.pattern, r) : undefined;
      if (matching !== undefined) return matching;
      const min = s.minLength ?? 1,
        max = s.maxLength ?? Math.max(min, 12);
      const len = Math.min(Math.max(min, 8), max);
      return "x".repeat(len);
    }
    default:
      return null;
  }
}

/** First 2xx response of the operation: its example, else a seeded sample of its schema. */
export function answerFromContract(op: Operation, seed: string): HandlerResult {
  const statuses = Object.keys(op.responses)
    .filter((s) => /^2\d\d$/.test(s))
    .sort();
  const status = statuses[0] ?? "200";
  const res = op.responses[status];
  const [contentType, media] = Object.entries(res?.content ?? {})[0] ?? [];
  if (!contentType || !media) return { status: Number(status) };
  const anyMedia = media as { example?: unknown; examples?: Record<string, { value?: unknown }> };
  let body: unknown;
  if (anyMedia.example !== undefined) body = anyMedia.example;
  else if (anyMedia.examples && Object.values(anyMedia.examples)[0]?.value !== undefined)
    body = Object.values(anyMedia.examples)[0].value;
  else body = sampleSchema(media.schema ?? {}, prngFor(seed, `sample:${op.operationId}`));
  return { status: Number(status), contentType, body };
}
