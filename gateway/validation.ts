// Request and response validation against the operation table: Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses),
// every error reported, each turned into a Diagnostic with the location, rule, value seen and a hint.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Operation, JsonSchema } from "../contracts/loader.js";
import type { Diagnostic } from "../mocks/shared/types.js";
import {
  checkDivisionCode,
  checkIdNumber,
  checkLicenceId,
  checkOrgCode,
  checkUscc,
  type Verdict,
} from "../mocks/shared/ids.js";
import { redactValue } from "./redact.js";
import { limitZh } from "./schema-messages.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Identifier formats the contracts use (contracts/CONVENTIONS.md). */
export const ID_FORMATS: Record<string, (v: string) => Verdict> = {
  "gb11643-id": (v) => checkIdNumber(v),
  "gb32100-uscc": checkUscc,
  "gb11714-org": checkOrgCode,
  "gb2260-division": (v) => checkDivisionCode(v),
  "gb36904-licence-id": checkLicenceId,
};

function makeAjv(coerce: boolean): Ajv2020 {
  // validateSchema: false — the contracts' schemas are checked against the 2020-12 meta-schema by the contract tests
  // (test/gateway/contracts.test.ts); checking again here compiled the meta-schema on the first request (≈70 ms).
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    coerceTypes: coerce ? "array" : false,
    useDefaults: coerce,
    validateFormats: true,
    validateSchema: false,
    // 19.99 is a multiple of 0.01 to a person, not to IEEE 754 (19.99 / 0.01 = 1998.9999999999998): amounts with
    // `multipleOf: 0.01` would be refused without a tolerance
    multipleOfPrecision: 9,
  });
  addFormats(ajv);
  for (const [name, check] of Object.entries(ID_FORMATS))
    ajv.addFormat(name, { type: "string", validate: (v: string) => check(v) === null });
  return ajv;
}

let bodyAjv: Ajv2020 | undefined;
let paramAjv: Ajv2020 | undefined;
/** Body/response validator (no coercion); parameters are strings on the wire, so that Ajv coerces. */
export const ajvFor = (kind: "body" | "param"): Ajv2020 =>
  kind === "body" ? (bodyAjv ??= makeAjv(false)) : (paramAjv ??= makeAjv(true));

interface CompiledRequest {
  path?: ValidateFunction;
  query?: ValidateFunction;
  header?: ValidateFunction;
  bodies: Map<string, ValidateFunction>;
  bodyRequired: boolean;
  /** Parameters whose values are JSON documents, parsed before their check. */
  jsonParams: { where: "path" | "query" | "header"; name: string }[];
}

function paramsSchema(op: Operation, where: "path" | "query" | "header"): JsonSchema | undefined {
  const ps = op.parameters.filter((p) => p.in === where);
  if (!ps.length) return undefined;
  return {
    type: "object",
    properties: Object.fromEntries(ps.map((p) => [p.name, p.schema])),
    required: ps.filter((p) => p.required).map((p) => p.name),
  };
}

const requestCache = new WeakMap<Operation, CompiledRequest>();
const responseCache = new WeakMap<Operation, Map<number, Map<string | undefined, ResponseCheck>>>();

/** Compiled once per operation, on first use (keeps start-up fast; never per request). */
function compiledRequest(op: Operation): CompiledRequest {
  let c = requestCache.get(op);
  if (c) return c;
  const pa = ajvFor("param"),
    ba = ajvFor("body");
  const compile = (s: JsonSchema | undefined) => (s === undefined ? undefined : pa.compile(s));
  c = {
    path: compile(paramsSchema(op, "path")),
    query: compile(paramsSchema(op, "query")),
    header: compile(paramsSchema(op, "header")),
    bodies: new Map(
      Object.entries(op.requestBody?.content ?? {})
        .filter(([, m]) => m.schema !== undefined)
        .map(([ct, m]) => [ct, ba.compile(m.schema!)]),
    ),
    bodyRequired: op.requestBody?.required ?? false,
    jsonParams: op.parameters
      .filter((p) => p.json && p.in !== "cookie")
      .map((p) => ({ where: p.in as "path" | "query" | "header", name: p.name })),
  };
  requestCache.set(op, c);
  return c;
}

export function mediaType(contentType: string | undefined): string {
  if (!contentType) return "";
  const i = contentType.indexOf(";");
  return (i === -1 ? contentType : contentType.slice(0, i)).trim().toLowerCase();
}

function pick(value: unknown, pointer: string): unknown {
  let cur: any = value;
  for (const k of pointer.split("/").slice(1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[k.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

function hintFor(e: ErrorObject, seen: unknown): { message: string; hint: string } {
  const p = e.params as Record<string, any>;
  const limit = limitZh(e.keyword, p.limit); // minLength, maximum, minItems, … (schema-messages.ts has the list)
  if (limit !== undefined)
    return {
      message: `${limit} / ${e.message}`,
      hint: `调整取值以满足 ${e.keyword} ${p.limit} / adjust it to satisfy ${e.keyword} ${p.limit}`,
    };
  switch (e.keyword) {
    case "required":
      return {
        message: `缺少必填字段 ${p.missingProperty} / required field ${p.missingProperty} is missing`,
        hint: `添加 ${p.missingProperty} / add ${p.missingProperty}`,
      };
    case "additionalProperties":
      return {
        message: `不允许的字段 ${p.additionalProperty} / field ${p.additionalProperty} is not allowed`,
        hint: `删除 ${p.additionalProperty} 或检查拼写 / remove ${p.additionalProperty} or check its spelling`,
      };
    case "type":
      return {
        message: `类型应为 ${p.type}，实际为 ${seen === null ? "null" : Array.isArray(seen) ? "array" : typeof seen} / must be ${p.type}`,
        hint: `发送 ${p.type} 类型的值 / send a ${p.type}`,
      };
    case "enum":
      return {
        message: `取值不在允许范围内 / value is not one of the allowed values`,
        hint: `可选值 / allowed: ${JSON.stringify(p.allowedValues)}`,
      };
    case "const":
      return {
        message: `取值应为 ${JSON.stringify(p.allowedValue)} / must equal ${JSON.stringify(p.allowedValue)}`,
        hint: `发送 ${JSON.stringify(p.allowedValue)} / send ${JSON.stringify(p.allowedValue)}`,
      };
    case "format": {
      const check = Object.hasOwn(ID_FORMATS, p.format) ? ID_FORMATS[p.format as string] : undefined;
      const reason = check !== undefined && typeof seen === "string" ? check(seen) : null;
      return reason
        ? {
            message: reason,
            hint: `检查该标识的校验位与结构，可用 GET /gatesim/v1/identifiers/${p.format}/<value> 自查 / check the identifier; GET /gatesim/v1/identifiers/${p.format}/<value> explains it`,
          }
        : {
            message: `格式应为 ${p.format} / must be a valid ${p.format}`,
            hint: `按 ${p.format} 格式发送 / send a valid ${p.format}`,
          };
    }
    case "pattern":
      return {
        message: `不符合格式 ${p.pattern} / does not match ${p.pattern}`,
        hint: `使其匹配 ${p.pattern} / make it match ${p.pattern}`,
      };
    default:
      return {
        message: `不符合契约规则 ${e.keyword} / ${e.message ?? e.keyword}`,
        hint: `参照契约中 ${e.schemaPath} 的规则 / see the contract rule at ${e.schemaPath}`,
      };
  }
}

/** Ajv errors → diagnostics; `root` names the request part (/body, /query, /headers, /params). */
export function toDiagnostics(errors: ErrorObject[] | null | undefined, root: string, value: unknown): Diagnostic[] {
  // an `if` error only says "must match the then schema"; the then schema's own errors beside it say what is wrong
  return (errors ?? [])
    .filter((e) => e.keyword !== "if")
    .map((e) => {
      const missing =
        e.keyword === "required"
          ? `/${(e.params as any).missingProperty}`
          : e.keyword === "additionalProperties"
            ? `/${(e.params as any).additionalProperty}`
            : "";
      const location = `${root}${e.instancePath}${missing}`;
      const seen =
        e.keyword === "required"
          ? undefined
          : pick(value, e.instancePath + (e.keyword === "additionalProperties" ? missing : ""));
      const { message, hint } = hintFor(e, seen);
      return { location, rule: `${e.keyword} (${e.schemaPath})`, seen: redactValue(location, seen), message, hint };
    });
}

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  contentType?: string;
}

/** All violations of the request against the operation's parameters and body (all of them, not the first). */
/** The request parts with JSON-valued parameters parsed; a value that is no JSON is named and left out of the check. */
function parseJsonParams(c: CompiledRequest, req: RequestParts, out: Diagnostic[]): RequestParts {
  const parts = { ...req, params: { ...req.params }, query: { ...req.query }, headers: { ...req.headers } };
  const where = { path: parts.params, query: parts.query, header: parts.headers };
  const root = { path: "/params", query: "/query", header: "/headers" };
  for (const { where: w, name } of c.jsonParams) {
    const raw = where[w][name];
    if (typeof raw !== "string") continue;
    try {
      where[w][name] = JSON.parse(raw);
    } catch (e) {
      delete where[w][name];
      out.push({
        location: `${root[w]}/${name}`,
        rule: "parameter.content",
        seen: redactValue(`${root[w]}/${name}`, raw),
        message: `参数值应为 JSON / the value must be JSON: ${(e as Error).message}`,
        hint: `发送 URL 编码的 JSON，如 ${name}=%7B%7D / send URL-encoded JSON, e.g. ${name}=%7B%7D`,
      });
    }
  }
  return parts;
}

export function validateRequest(op: Operation, request: RequestParts): Diagnostic[] {
  const c = compiledRequest(op);
  const out: Diagnostic[] = [];
  const req = c.jsonParams.length ? parseJsonParams(c, request, out) : request;
  const unparsed = new Set(out.map((d) => d.location)); // their "required" errors would only repeat the JSON one
  const checked: Diagnostic[] = [];
  if (c.path && !c.path(req.params)) checked.push(...toDiagnostics(c.path.errors, "/params", req.params));
  if (c.query && !c.query(req.query)) checked.push(...toDiagnostics(c.query.errors, "/query", req.query));
  if (c.header && !c.header(req.headers)) checked.push(...toDiagnostics(c.header.errors, "/headers", req.headers));
  for (const d of checked) if (!unparsed.has(d.location)) out.push(d);
  const hasBody = req.body !== undefined && req.body !== null && !(typeof req.body === "string" && req.body === "");
  if (!hasBody) {
    if (c.bodyRequired)
      out.push({
        location: "/body",
        rule: "requestBody.required",
        message: "缺少请求体 / the request body is missing",
        hint: `发送 ${Object.keys(op.requestBody?.content ?? {}).join(" 或 / or ")} 请求体 / send a body`,
      });
    return out;
  }
  if (!op.requestBody) return out;
  const mt = mediaType(req.contentType);
  const declared = Object.keys(op.requestBody.content);
  const key =
    declared.find((d) => d === mt) ??
    declared.find((d) => d.endsWith("/*") && mt.startsWith(d.slice(0, -1))) ??
    declared.find((d) => d === "*/*");
  if (!key) {
    out.push({
      location: "/headers/content-type",
      rule: "requestBody.content",
      seen: req.contentType ?? null,
      message: `不支持的 Content-Type / unsupported Content-Type`,
      hint: `使用 ${declared.join(", ")} / use ${declared.join(", ")}`,
    });
    return out;
  }
  const v = c.bodies.get(key);
  if (v && !v(req.body)) out.push(...toDiagnostics(v.errors, "/body", req.body));
  return out;
}

/** What a (status, Content-Type) answer of an operation is checked with, decided once and cached. */
type ResponseCheck =
  { kind: "fixed"; diagnostics: Diagnostic[] } | { kind: "schema"; validate: ValidateFunction } | { kind: "none" };

function responseCheck(op: Operation, status: number, contentType: string | undefined): ResponseCheck {
  const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!declared) {
    return {
      kind: "fixed",
      diagnostics: [
        {
          location: "/response/status",
          rule: "responses",
          seen: status,
          message: `契约未声明状态码 ${status} / status ${status} is not declared by the contract`,
          hint: `在契约中声明 ${status}，或修正处理器 / declare ${status} in the contract or fix the handler`,
        },
      ],
    };
  }
  const mt = mediaType(contentType);
  if (!Object.keys(declared.content).length) return { kind: "none" };
  const media = declared.content[mt] ?? declared.content["*/*"];
  if (!media) {
    return {
      kind: "fixed",
      diagnostics: [
        {
          location: "/response/headers/content-type",
          rule: "responses.content",
          seen: contentType,
          message: `契约未声明 ${mt} 应答 / ${mt} is not declared for ${status}`,
          hint: `契约声明的 / declared: ${Object.keys(declared.content).join(", ")}`,
        },
      ],
    };
  }
  if (media.schema === undefined) return { kind: "none" };
  return { kind: "schema", validate: ajvFor("body").compile(media.schema) };
}

/** Violations of a response against the operation's declared responses (the handler's, not the client's, fault). */
export function validateResponse(
  op: Operation,
  status: number,
  contentType: string | undefined,
  body: unknown,
): Diagnostic[] {
  let perOp = responseCache.get(op);
  if (!perOp) responseCache.set(op, (perOp = new Map()));
  // keyed by status, then by the Content-Type string as given (a handler's constant: its hash is cached, where a
  // "status type" key built per call had to be hashed anew every time)
  let byType = perOp.get(status);
  if (!byType) perOp.set(status, (byType = new Map()));
  let check = byType.get(contentType);
  if (check === undefined) {
    check = responseCheck(op, status, contentType);
    if (byType.size < 64) byType.set(contentType, check); // the proxy sees upstream Content-Types: keep the cache bounded
  }
  if (check.kind === "none") return [];
  if (check.kind === "fixed") return check.diagnostics.map((d) => ({ ...d }));
  if (typeof body === "string" || Buffer.isBuffer(body) || check.validate(body)) return [];
  return toDiagnostics(check.validate.errors, "/response/body", body);
}
