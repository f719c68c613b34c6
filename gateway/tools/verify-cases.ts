// Deterministic test cases from a contract: a valid request (the contract's examples, else a seeded
// sample), boundary values from minLength/maxLength/minimum/maximum, and invalid ones — required fields dropped, wrong
// types, values past their bounds or outside their enum, the contract's own invalid examples.
import type { JsonSchema } from "../../contracts/loader.js";
import { prngFor } from "../../mocks/shared/prng.js";
import { sampleSchema } from "../sample.js";
import type { VerifyOperation } from "./verify-contract.js";

export type CaseKind = "valid" | "boundary" | "invalid";

export interface VerifyCase {
  /** Stable id: operationId:kind:n. */
  id: string;
  operationId: string;
  kind: CaseKind;
  name: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  contentType?: string;
  body?: unknown;
  /** Expected status class. */
  expect: "2xx" | "4xx";
  /** When set, the case is not sent. */
  skip?: string;
}

type Obj = Record<string, any>;
const MAX_CASES_PER_OPERATION = 80;

/** Leaf and object properties of a schema with their JSON pointer paths (objects only; depth-limited). */
function walk(
  schema: JsonSchema,
  path: string[] = [],
  depth = 0,
  out: { path: string[]; schema: Obj; required: boolean }[] = [],
): typeof out {
  if (!schema || typeof schema !== "object" || depth > 4) return out;
  const s = schema as Obj;
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (!props) return out;
  const req: string[] = s.required ?? [];
  for (const [k, v] of Object.entries(props)) {
    if (!v || typeof v !== "object") continue;
    out.push({ path: [...path, k], schema: v as Obj, required: req.includes(k) });
    walk(v, [...path, k], depth + 1, out);
  }
  return out;
}

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
const pointer = (p: string[]) => "/" + p.join("/");

function setAt(body: unknown, path: string[], value: unknown): unknown {
  const root = (body && typeof body === "object" ? clone(body) : {}) as Obj;
  let cur = root;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k];
  }
  cur[path[path.length - 1]] = value;
  return root;
}

function deleteAt(body: unknown, path: string[]): unknown | undefined {
  const root = clone(body) as Obj;
  let cur: Obj | undefined = root;
  for (const k of path.slice(0, -1)) cur = cur?.[k];
  if (!cur || typeof cur !== "object" || !(path[path.length - 1] in cur)) return undefined;
  delete cur[path[path.length - 1]];
  return root;
}

function getAt(body: unknown, path: string[]): unknown {
  let cur: any = body;
  for (const k of path) cur = cur?.[k];
  return cur;
}

const typeOf = (s: Obj): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;

function wrongValue(s: Obj): unknown | undefined {
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (!types.length) return undefined;
  if (!types.includes("number") && !types.includes("integer")) return 12345;
  if (!types.includes("string")) return "not-a-number";
  if (!types.includes("object")) return { unexpected: true };
  return undefined;
}

/** Strings whose length can vary freely (no format, pattern or fixed values). */
const freeString = (s: Obj) => typeOf(s) === "string" && !s.format && !s.pattern && !s.enum && s.const === undefined;
const freeNumber = (s: Obj) => (typeOf(s) === "integer" || typeOf(s) === "number") && !s.enum && s.const === undefined;

type AddCase = (kind: CaseKind, name: string, over?: Partial<VerifyCase>) => void;
type Props = ReturnType<typeof walk>;

/** A valid request at each free string's length bounds and each free number's bounds. */
function boundaryCases(props: Props, exampleBody: unknown, add: AddCase): void {
  for (const p of props) {
    const s = p.schema;
    const at = pointer(p.path);
    if (freeString(s)) {
      if (s.minLength !== undefined && s.minLength > 0)
        add("boundary", `${at} 长度取最小值 ${s.minLength} / at minLength`, {
          body: setAt(exampleBody, p.path, "x".repeat(s.minLength)),
        });
      if (s.maxLength !== undefined)
        add("boundary", `${at} 长度取最大值 ${s.maxLength} / at maxLength`, {
          body: setAt(exampleBody, p.path, "x".repeat(s.maxLength)),
        });
    }
    if (freeNumber(s)) {
      if (s.minimum !== undefined)
        add("boundary", `${at} 取最小值 ${s.minimum} / at minimum`, { body: setAt(exampleBody, p.path, s.minimum) });
      if (s.maximum !== undefined)
        add("boundary", `${at} 取最大值 ${s.maximum} / at maximum`, { body: setAt(exampleBody, p.path, s.maximum) });
    }
  }
}

/** Refusals expected for a wrong type, a length or number past its bound, a string outside its enum. */
function invalidValueCases(props: Props, exampleBody: unknown, typed: boolean, add: AddCase): void {
  for (const p of props) {
    const s = p.schema;
    const at = pointer(p.path);
    if (typed) {
      const w = wrongValue(s);
      if (w !== undefined && (p.required || getAt(exampleBody, p.path) !== undefined))
        add("invalid", `${at} 类型错误 / wrong type (${JSON.stringify(w)})`, { body: setAt(exampleBody, p.path, w) });
    }
    if (freeString(s)) {
      if (s.maxLength !== undefined)
        add("invalid", `${at} 超过最大长度 ${s.maxLength} / longer than maxLength`, {
          body: setAt(exampleBody, p.path, "x".repeat(s.maxLength + 1)),
        });
      if (s.minLength !== undefined && s.minLength > 0)
        add("invalid", `${at} 短于最小长度 ${s.minLength} / shorter than minLength`, {
          body: setAt(exampleBody, p.path, "x".repeat(s.minLength - 1)),
        });
    }
    if (freeNumber(s) && typed) {
      if (s.maximum !== undefined)
        add("invalid", `${at} 超过最大值 ${s.maximum} / above maximum`, {
          body: setAt(exampleBody, p.path, s.maximum + 1),
        });
      if (s.minimum !== undefined)
        add("invalid", `${at} 低于最小值 ${s.minimum} / below minimum`, {
          body: setAt(exampleBody, p.path, s.minimum - 1),
        });
    }
    if (Array.isArray(s.enum) && typeOf(s) === "string")
      add("invalid", `${at} 不在枚举值内 / not one of the enum values`, {
        body: setAt(exampleBody, p.path, "__not_in_enum__"),
      });
  }
}

export function buildCases(op: VerifyOperation, opts: { seed?: string; body?: unknown } = {}): VerifyCase[] {
  const r = prngFor(opts.seed ?? "gatesim-verify", op.operationId);
  const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  const bodySchema = media?.schema ?? {};
  const exampleBody =
    opts.body ??
    (media?.example !== undefined ? media.example : op.requestBody ? sampleSchema(bodySchema, r) : undefined);
  const params = (where: "path" | "query" | "header", all: boolean) =>
    Object.fromEntries(
      op.parameters
        .filter((p) => p.in === where && (all || p.required) && !(where === "header" && p.name === "content-type"))
        .map((p) => [p.name, String(sampleSchema(p.schema, r))]),
    );
  const pathParams = params("path", true);
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n) => encodeURIComponent(pathParams[n] ?? "x"));
  const query = params("query", false);
  const headers = params("header", false);
  const cases: VerifyCase[] = [];
  const counters: Record<CaseKind, number> = { valid: 0, boundary: 0, invalid: 0 };
  const needs = op.verify?.validNeeds && opts.body === undefined ? op.verify.validNeeds : undefined;
  const add = (kind: CaseKind, name: string, over: Partial<VerifyCase> = {}) => {
    if (cases.length >= MAX_CASES_PER_OPERATION) return;
    cases.push({
      id: `${op.operationId}:${kind}:${++counters[kind]}`,
      operationId: op.operationId,
      kind,
      name,
      method: op.method,
      path,
      query: { ...query },
      headers: { ...headers },
      ...(contentType ? { contentType } : {}),
      body: exampleBody,
      expect: kind === "invalid" ? "4xx" : "2xx",
      ...(kind !== "invalid" && needs ? { skip: needs } : {}),
      ...over,
    });
  };

  add("valid", "契约示例/样例请求 / the contract's example or a sample request");

  const props = walk(bodySchema);
  boundaryCases(props, exampleBody, add);

  if (op.requestBody?.required) add("invalid", "缺少请求体 / no body", { body: undefined });
  for (const p of props) {
    if (!p.required) continue;
    // only where the parent object is present in the valid body
    if (p.path.length > 1 && getAt(exampleBody, p.path.slice(0, -1)) === undefined) continue;
    const b = deleteAt(exampleBody, p.path);
    if (b !== undefined)
      add("invalid", `缺少必填字段 ${pointer(p.path)} / required ${pointer(p.path)} dropped`, { body: b });
  }
  const typed = !!contentType && /json/.test(contentType); // form fields are all strings on the wire
  invalidValueCases(props, exampleBody, typed, add);
  for (const q of op.parameters.filter((x) => x.in === "query" && x.required)) {
    const { [q.name]: _dropped, ...rest } = query;
    add("invalid", `缺少必填查询参数 ${q.name} / required query parameter ${q.name} dropped`, { query: rest });
  }
  for (const ex of op.verify?.invalidExamples ?? []) add("invalid", ex.name, { body: ex.body });
  return cases;
}
