// Loads every OpenAPI document in contracts/ once and turns it into the operation table that routing, validation,
// mocking and docs all read (architecture.md §4, "Operation table").
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseYaml as parse } from "./yaml.js";

export type JsonSchema = Record<string, unknown> | boolean;
export type Security = "tif" | "bearer" | "admin" | "none";

export interface ParameterSpec {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required: boolean;
  schema: JsonSchema;
  /** The value is a JSON document: a parameter described by `content` with a JSON media type (OAS 3.x §4.8.12). */
  json?: boolean;
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

/** Replace every $ref by its target, across files. Each target is resolved once and shared (no copies). */
function deref(
  node: unknown,
  docName: string,
  docs: Docs,
  stack: string[] = [],
  memo: Map<string, unknown> = new Map(),
): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, docName, docs, stack, memo));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const { doc, ptr } = splitRef(obj.$ref, docName);
    const key = `${doc}${ptr}`;
    if (stack.includes(key)) throw new Error(`circular $ref ${key} (not supported by the loader)`);
    const target = docs.get(doc);
    if (!target) throw new Error(`$ref to unknown document ${doc} in ${docName}`);
    let resolved = memo.get(key);
    if (resolved === undefined) {
      resolved = deref(pointer(target, ptr, `${obj.$ref} in ${docName}`), doc, docs, [...stack, key], memo);
      memo.set(key, resolved);
    }
    // Sibling keywords next to $ref (allowed in 3.1) override the target's.
    const { $ref: _r, ...siblings } = obj;
    return Object.keys(siblings).length && resolved && typeof resolved === "object"
      ? { ...(resolved as object), ...(deref(siblings, docName, docs, stack, memo) as object) }
      : resolved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = deref(v, docName, docs, stack, memo);
  return out;
}

/** Inline only references into other files, keeping the document's own #/ references. */
function bundle(node: unknown, docName: string, docs: Docs, memo: Map<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => bundle(n, docName, docs, memo));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const { doc } = splitRef(obj.$ref, docName);
    if (doc !== docName) return deref(obj, docName, docs, [], memo);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = bundle(v, docName, docs, memo);
  return out;
}

const SCHEMES: Security[] = ["tif", "admin", "bearer"];

function securityOf(op: Record<string, any>, doc: Record<string, any>, where: string): Security[] {
  const reqs: Record<string, unknown>[] = op.security ?? doc.security ?? [];
  const names = [...new Set(reqs.flatMap((r) => (Object.keys(r).length ? Object.keys(r) : ["none"])))];
  for (const n of names)
    if (n !== "none" && !SCHEMES.includes(n as Security)) throw new Error(`${where}: unknown security scheme ${n}`);
  return names.length ? (names as Security[]) : ["none"];
}

/** Where `npm run build` leaves the parsed contracts as JSON (YAML parsing dominated start-up). */
/** Written by the build beside dist/contracts/loader.js; the CLI bundle (dist/gateway/gatesim.mjs) reads it from there. */
export const CONTRACTS_CACHE =
  [join(here, "contracts.cache.json"), join(here, "..", "contracts", "contracts.cache.json")].find((f) =>
    existsSync(f),
  ) ?? join(here, "contracts.cache.json");

/** The YAML texts of a contracts folder and their combined hash. */
export function readContractSources(dir: string): { hash: string; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  const h = createHash("sha256");
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    texts.set(file.replace(/\.ya?ml$/, ""), text);
    h.update(file).update("\0").update(text).update("\0");
  }
  return { hash: h.digest("hex"), texts };
}

/** Parsed documents: from the build's JSON cache when its hash matches the YAML on disk, else parsed now. */
function parseDocuments(dir: string): Docs {
  const { hash, texts } = readContractSources(dir);
  if (existsSync(CONTRACTS_CACHE)) {
    try {
      const cache = JSON.parse(readFileSync(CONTRACTS_CACHE, "utf8")) as {
        hash: string;
        docs: Record<string, Record<string, any>>;
      };
      if (cache.hash === hash) return new Map(Object.entries(cache.docs));
    } catch {
      // a broken cache is ignored: the YAML is the source of truth
    }
  }
  return new Map([...texts].map(([name, text]) => [name, parse(text) as Record<string, any>]));
}

/** `bundled` and `dereferenced` are only read by /docs and contract tests: built on first read, then kept. */
function lazyDocument(
  name: string,
  platform: string,
  source: Record<string, any>,
  docs: Docs,
  memo: Map<string, unknown>,
): ContractDocument {
  let bundled: Record<string, any> | undefined;
  let dereferenced: Record<string, any> | undefined;
  return {
    name,
    platform,
    source,
    get bundled() {
      return (bundled ??= bundle(source, name, docs, memo) as Record<string, any>);
    },
    get dereferenced() {
      return (dereferenced ??= deref(source, name, docs, [], memo) as Record<string, any>);
    },
  };
}

/** `platforms`: only the documents of these platforms (`gatesim mock` needs the control plane's alone). */
export function loadContracts(dir: string = CONTRACTS_DIR, platforms?: readonly string[]): OperationTable {
  const docs = parseDocuments(dir);
  const memo = new Map<string, unknown>();
  const documents: ContractDocument[] = [];
  const operations: Operation[] = [];
  const byId = new Map<string, Operation>();
  for (const [name, source] of docs) {
    const platform = source["x-gatesim-platform"];
    if (!platform) continue; // shared.yaml and other component-only files
    if (platforms && !platforms.includes(platform)) continue;
    documents.push(lazyDocument(name, platform, source, docs, memo));
    for (const [openapiPath, rawItem] of Object.entries<Record<string, any>>(source.paths ?? {})) {
      const item = deref(rawItem, name, docs, [], memo) as Record<string, any>;
      const [path, serviceId] = openapiPath.split("#");
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        if (!op.operationId) throw new Error(`${name}: ${method.toUpperCase()} ${openapiPath} has no operationId`);
        if (byId.has(op.operationId)) throw new Error(`duplicate operationId ${op.operationId} (${name})`);
        const params = new Map<string, ParameterSpec>();
        for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
          params.set(`${p.in}:${p.name}`, {
            in: p.in,
            name: p.in === "header" ? p.name.toLowerCase() : p.name,
            required: !!p.required || p.in === "path",
            schema: p.schema ?? {},
          });
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
          requestBody: op.requestBody
            ? { required: !!op.requestBody.required, content: op.requestBody.content ?? {} }
            : undefined,
          responses,
        };
        operations.push(operation);
        byId.set(operation.operationId, operation);
      }
    }
  }
  return { documents, operations, byId };
}
