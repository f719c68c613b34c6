// Loads every OpenAPI document in contracts/ once and turns it into the operation table that routing, validation,
// mocking and docs all read (architecture.md §4, "Operation table").
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export type JsonSchema = Record<string, unknown> | boolean;
export type Security = "tif" | "bearer" | "admin" | "none";

export interface ParameterSpec {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface MediaSpec {
  schema?: JsonSchema;
  example?: unknown;
}

export interface ResponseSpec {
  description: string;
  content: Record<string, MediaSpec>;
}

export interface Operation {
  operationId: string;
  /** Which contract file (without .yaml) declared it. */
  document: string;
  /** The platform module that answers it (x-gatesim-platform). */
  platform: string;
  method: string;
  /** OpenAPI path key as written, e.g. /GatewayMsg/http/api/proxy/invoke#D1593589959893. */
  openapiPath: string;
  /** The real route, OpenAPI templating: /ebus/eseal/v1/seals/{sealId}. */
  path: string;
  /** GatewayMsg serviceId for `#<serviceId>` path keys. */
  serviceId?: string;
  /** Accepted ways to authenticate, as alternatives (OpenAPI security requirement list); ["none"] = open. */
  security: Security[];
  /** Name of the native envelope the platform renders refusals in (x-gatesim-envelope), if the operation picks one. */
  envelope?: string;
  summary: string;
  parameters: ParameterSpec[];
  requestBody?: { required: boolean; content: Record<string, MediaSpec> };
  responses: Record<string, ResponseSpec>;
}

export interface ContractDocument {
  name: string;
  platform: string;
  /** The document as written (with its own refs). */
  source: Record<string, any>;
  /** Self-contained copy: references into other files inlined, so it can be served and read alone. */
  bundled: Record<string, any>;
  /** Every reference resolved (for the combined document behind /docs/json). */
  dereferenced: Record<string, any>;
}

export interface OperationTable {
  documents: ContractDocument[];
  operations: Operation[];
  byId: Map<string, Operation>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The YAML documents sit beside this file in the source tree; compiled code (dist/contracts) looks two levels up. */
export const CONTRACTS_DIR = existsSync(join(here, "gateway.yaml")) ? here : join(here, "..", "..", "contracts");

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Docs = Map<string, Record<string, any>>;

function pointer(doc: unknown, ptr: string, where: string): unknown {
  let cur: any = doc;
  for (const raw of ptr.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !(key in cur)) throw new Error(`unresolvable $ref ${where}`);
    cur = cur[key];
  }
  return cur;
}

function splitRef(ref: string, fromDoc: string): { doc: string; ptr: string } {
  const i = ref.indexOf("#");
  const file = i === -1 ? ref : ref.slice(0, i);
  const ptr = i === -1 ? "#" : ref.slice(i);
  return { doc: file ? file.replace(/^\.\//, "").replace(/\.ya?ml$/, "") : fromDoc, ptr };
}

/** Replace every $ref by its target, across files. Shared targets stay shared objects (no copies). */
function deref(node: unknown, docName: string, docs: Docs, stack: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, docName, docs, stack));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const { doc, ptr } = splitRef(obj.$ref, docName);
    const key = `${doc}${ptr}`;
    if (stack.includes(key)) throw new Error(`circular $ref ${key} (not supported by the loader)`);
    const target = docs.get(doc);
    if (!target) throw new Error(`$ref to unknown document ${doc} in ${docName}`);
    const resolved = deref(pointer(target, ptr, `${obj.$ref} in ${docName}`), doc, docs, [...stack, key]);
    // Sibling keywords next to $ref (allowed in 3.1) override the target's.
    const { $ref: _r, ...siblings } = obj;
    return Object.keys(siblings).length && resolved && typeof resolved === "object"
      ? { ...(resolved as object), ...(deref(siblings, docName, docs, stack) as object) }
      : resolved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = deref(v, docName, docs, stack);
  return out;
}

/** Inline only references into other files, keeping the document's own #/ references. */
function bundle(node: unknown, docName: string, docs: Docs): unknown {
  if (Array.isArray(node)) return node.map((n) => bundle(n, docName, docs));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const { doc } = splitRef(obj.$ref, docName);
    if (doc !== docName) return deref(obj, docName, docs);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = bundle(v, docName, docs);
  return out;
}

const SCHEMES: Security[] = ["tif", "admin", "bearer"];

function securityOf(op: Record<string, any>, doc: Record<string, any>, where: string): Security[] {
  const reqs: Record<string, unknown>[] = op.security ?? doc.security ?? [];
  const names = [...new Set(reqs.flatMap((r) => (Object.keys(r).length ? Object.keys(r) : ["none"])))];
  for (const n of names) if (n !== "none" && !SCHEMES.includes(n as Security)) throw new Error(`${where}: unknown security scheme ${n}`);
  return names.length ? (names as Security[]) : ["none"];
}

export function loadContracts(dir: string = CONTRACTS_DIR): OperationTable {
  const docs: Docs = new Map();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    docs.set(file.replace(/\.ya?ml$/, ""), parse(readFileSync(join(dir, file), "utf8")));
  }
  const documents: ContractDocument[] = [];
  const operations: Operation[] = [];
  const byId = new Map<string, Operation>();
  for (const [name, source] of docs) {
    const platform = source["x-gatesim-platform"];
    if (!platform) continue; // shared.yaml and other component-only files
    documents.push({ name, platform, source, bundled: bundle(source, name, docs) as Record<string, any>, dereferenced: deref(source, name, docs) as Record<string, any> });
    for (const [openapiPath, rawItem] of Object.entries<Record<string, any>>(source.paths ?? {})) {
      const item = deref(rawItem, name, docs) as Record<string, any>;
      const [path, serviceId] = openapiPath.split("#");
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        if (!op.operationId) throw new Error(`${name}: ${method.toUpperCase()} ${openapiPath} has no operationId`);
        if (byId.has(op.operationId)) throw new Error(`duplicate operationId ${op.operationId} (${name})`);
        const params = new Map<string, ParameterSpec>();
        for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
          params.set(`${p.in}:${p.name}`, { in: p.in, name: p.in === "header" ? p.name.toLowerCase() : p.name, required: !!p.required || p.in === "path", schema: p.schema ?? {} });
        }
        const responses: Record<string, ResponseSpec> = {};
        for (const [status, r] of Object.entries<Record<string, any>>(op.responses ?? {})) {
          responses[status] = { description: r.description ?? "", content: r.content ?? {} };
        }
        const operation: Operation = {
          operationId: op.operationId,
          document: name,
          platform,
          method: method.toUpperCase(),
          openapiPath,
          path,
          serviceId: serviceId || undefined,
          security: securityOf(op, source, `${name} ${op.operationId}`),
          envelope: op["x-gatesim-envelope"],
          summary: op.summary ?? "",
          parameters: [...params.values()],
          requestBody: op.requestBody ? { required: !!op.requestBody.required, content: op.requestBody.content ?? {} } : undefined,
          responses,
        };
        operations.push(operation);
        byId.set(operation.operationId, operation);
      }
    }
  }
  return { documents, operations, byId };
}
