// A department's own OpenAPI contracts as operations of the table: mounted under /ebus/<namespace>/ behind the
// gateway's x-tif checks (facts §1.1), optionally as GatewayMsg services, or at their own paths in mock mode.
import { basename } from "node:path";
import type {
  ContractDocument,
  Operation,
  OperationTable,
  ParameterSpec,
  ResponseSpec,
} from "../../contracts/loader.js";
import { ajvFor } from "../validation.js";
import { ContractError, loadContractFile, type ContractProblem, type LoadedContract } from "./contract-file.js";
import { upgradeSchema } from "./schema-dialect.js";

export interface UserContractSpec {
  file: string;
  /** Path segment under /ebus/; default: the file name without extension. */
  namespace?: string;
  /** GatewayMsg serviceId → operationId (besides `x-tif-serviceId` on the operations themselves). */
  serviceIds?: Record<string, string>;
  /** Stateful CRUD for resource-shaped paths: POST creates, GET by id reads back, PUT/PATCH/DELETE change it. */
  crud?: boolean;
}

/** "gateway": x-tif signed, under /ebus/<namespace>; "mock": the contract's own paths, no gateway checks. */
export type MountMode = "gateway" | "mock";

export const BYOC_PREFIX = "byoc:";
export const GATEWAY_MSG_PATH = "/GatewayMsg/http/api/proxy/invoke";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface UserContract {
  spec: UserContractSpec;
  namespace: string;
  document: ContractDocument;
  operations: Operation[];
}

export function namespaceOf(spec: UserContractSpec): string {
  return spec.namespace ?? basename(spec.file).replace(/\.(ya?ml|json)$/i, "");
}

function mediaOf(content: Record<string, any> | undefined, up: (s: unknown) => unknown): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [ct, m] of Object.entries<Record<string, any>>(content ?? {}))
    out[ct] = m?.schema === undefined ? { ...m } : { ...m, schema: up(m.schema) };
  return out;
}

function operationsOf(c: LoadedContract, ns: string, mode: MountMode, spec: UserContractSpec): Operation[] {
  const memo = new Map<object, unknown>();
  const up = (s: unknown) => upgradeSchema(s, memo, c.version === "3.0");
  const media = (content: Record<string, any> | undefined) => mediaOf(content, up);
  const byOpId = new Map(Object.entries(spec.serviceIds ?? {}).map(([sid, opId]) => [opId, sid]));
  const out: Operation[] = [];
  for (const [openapiPath, item] of Object.entries<Record<string, any>>(c.dereferenced.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const rawId = op.operationId ?? `${method}${openapiPath.replace(/[^A-Za-z0-9]+/g, "_")}`;
      const params = new Map<string, ParameterSpec>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (!p?.in || !p.name) continue;
        // `content` instead of `schema`: one media type; a JSON one means the value is a JSON document to check
        const [mt, m] = p.schema === undefined ? (Object.entries<any>(p.content ?? {})[0] ?? []) : [];
        const json = typeof mt === "string" && /[/+]json$/i.test(mt.split(";")[0].trim());
        params.set(`${p.in}:${p.name}`, {
          in: p.in,
          name: p.in === "header" ? String(p.name).toLowerCase() : p.name,
          required: !!p.required || p.in === "path",
          schema: (up(json ? m?.schema : p.schema) ?? {}) as ParameterSpec["schema"],
          ...(json ? { json } : {}),
        });
      }
      const responses: Record<string, ResponseSpec> = {};
      for (const [status, r] of Object.entries<Record<string, any>>(op.responses ?? {}))
        responses[status] = { description: r?.description ?? "", content: media(r?.content) };
      const operation: Operation = {
        operationId: mode === "gateway" ? `${ns}.${rawId}` : rawId,
        document: ns,
        platform: BYOC_PREFIX + ns,
        method: method.toUpperCase(),
        openapiPath,
        path: mode === "gateway" ? `/ebus/${ns}${openapiPath}` : openapiPath,
        security: mode === "gateway" ? ["tif"] : ["none"],
        summary: op.summary ?? "",
        parameters: [...params.values()],
        requestBody: op.requestBody
          ? { required: !!op.requestBody.required, content: media(op.requestBody.content) }
          : undefined,
        responses,
      };
      out.push(operation);
      const sid = op["x-tif-serviceId"] ?? byOpId.get(rawId);
      if (mode === "gateway" && typeof sid === "string" && sid)
        // GatewayMsg carries everything but the path (facts §1.1): path parameters do not exist there
        out.push({
          ...operation,
          operationId: `${operation.operationId}#${sid}`,
          method: "POST",
          openapiPath: `${GATEWAY_MSG_PATH}#${sid}`,
          path: GATEWAY_MSG_PATH,
          serviceId: sid,
          parameters: operation.parameters.filter((p) => p.in !== "path"),
        });
    }
  }
  return out;
}

/** Compile every schema now: a pattern that is not a regular expression is the contract's problem, found at start. */
function compileAll(c: LoadedContract, ops: Operation[]): ContractProblem[] {
  const problems: ContractProblem[] = [];
  const at = (op: Operation, rest: string) => {
    const ptr = `/paths/${op.openapiPath.replace(/~/g, "~0").replace(/\//g, "~1")}/${op.method.toLowerCase()}${rest}`;
    return { file: c.file, pointer: ptr, line: c.lineOf(ptr) };
  };
  for (const op of ops) {
    if (op.serviceId) continue;
    const schemas: [string, unknown][] = [
      ...op.parameters.map((p, i) => [`/parameters/${i}/schema`, p.schema] as [string, unknown]),
      ...Object.entries(op.requestBody?.content ?? {}).map(
        ([ct, m]) => [`/requestBody/content/${ct.replace(/\//g, "~1")}/schema`, m.schema] as [string, unknown],
      ),
      ...Object.entries(op.responses).flatMap(([st, r]) =>
        Object.entries(r.content).map(
          ([ct, m]) => [`/responses/${st}/content/${ct.replace(/\//g, "~1")}/schema`, m.schema] as [string, unknown],
        ),
      ),
    ];
    for (const [ptr, s] of schemas) {
      if (s === undefined) continue;
      try {
        ajvFor("body").compile(s as object);
      } catch (e) {
        problems.push({
          ...at(op, ptr),
          message: `schema 无法编译 / the schema cannot be compiled: ${(e as Error).message}`,
        });
      }
    }
  }
  return problems;
}

/** The document as /docs shows it: at the paths it is served on. */
function servedCopy(doc: Record<string, any>, ops: Operation[], mode: MountMode): Record<string, any> {
  if (mode === "mock") return doc;
  const paths: Record<string, any> = {};
  for (const [p, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    const served: Record<string, any> = { ...item };
    for (const m of METHODS) if (served[m]) served[m] = { ...served[m], security: [{ tif: [] }] };
    paths[ops.find((o) => o.openapiPath === p)?.path ?? p] = served;
  }
  return { ...doc, servers: [{ url: "/" }], paths };
}

export async function loadUserContract(spec: UserContractSpec, mode: MountMode = "gateway"): Promise<UserContract> {
  const ns = namespaceOf(spec);
  if (mode === "gateway" && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(ns))
    throw new ContractError([
      { file: spec.file, pointer: "", message: `命名空间无效 / invalid namespace "${ns}" (letters, digits, - and _)` },
    ]);
  const c = await loadContractFile(spec.file);
  const operations = operationsOf(c, ns, mode, spec);
  // files that compiled before compile again on first use (validation.ts), not all at start
  const problems = c.checkedBefore ? [] : compileAll(c, operations);
  for (const [sid, opId] of Object.entries(spec.serviceIds ?? {}))
    if (!operations.some((o) => o.serviceId === sid))
      problems.push({
        file: c.file,
        pointer: "",
        message: `serviceIds: ${sid} 指向的接口 ${opId} 不存在 / serviceId ${sid} names an unknown operationId ${opId}`,
      });
  if (problems.length) throw new ContractError(problems);
  if (!c.checkedBefore) c.remember();
  const dereferenced = servedCopy(c.dereferenced, operations, mode);
  const bundled = servedCopy(c.bundled, operations, mode);
  const document: ContractDocument = { name: ns, platform: BYOC_PREFIX + ns, source: c.source, bundled, dereferenced };
  return { spec, namespace: ns, document, operations };
}

/** Every contract, all problems of all files at once. */
export async function loadUserContracts(
  specs: readonly UserContractSpec[],
  mode: MountMode = "gateway",
): Promise<UserContract[]> {
  const out: UserContract[] = [];
  const problems: ContractProblem[] = [];
  const names = new Set<string>();
  for (const spec of specs) {
    const ns = namespaceOf(spec);
    if (names.has(ns))
      problems.push({ file: spec.file, pointer: "", message: `命名空间 ${ns} 重复 / namespace ${ns} is used twice` });
    names.add(ns);
    try {
      out.push(await loadUserContract(spec, mode));
    } catch (e) {
      if (e instanceof ContractError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new ContractError(problems);
  return out;
}

/** The table with the user's contracts added (or, in mock mode, the user's alone). */
export function withUserContracts(
  base: OperationTable | undefined,
  contracts: readonly UserContract[],
): OperationTable {
  const documents = [...(base?.documents ?? []), ...contracts.map((c) => c.document)];
  const operations = [...(base?.operations ?? []), ...contracts.flatMap((c) => c.operations)];
  const byId = new Map(operations.map((o) => [o.operationId, o]));
  const problems: ContractProblem[] = [];
  if (byId.size !== operations.length) {
    const seen = new Set<string>();
    for (const o of operations) {
      if (seen.has(o.operationId))
        problems.push({ file: o.document, pointer: "", message: `operationId ${o.operationId} 重复 / is used twice` });
      seen.add(o.operationId);
    }
  }
  const routes = new Map<string, Operation>();
  for (const o of operations) {
    const key = `${o.method} ${o.path}${o.serviceId ? `#${o.serviceId}` : ""}`;
    const prev = routes.get(key);
    if (prev)
      problems.push({
        file: o.document,
        pointer: "",
        message: `${key} 与 ${prev.document} 的 ${prev.operationId} 冲突 / clashes with ${prev.operationId} of ${prev.document}`,
      });
    routes.set(key, o);
  }
  if (problems.length) throw new ContractError(problems);
  return { documents, operations, byId };
}
