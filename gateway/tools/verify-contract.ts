// Contracts for `gatesim verify`: a built-in (gateway/tools/contracts/*.yaml) or a department's own OpenAPI 3.x file,
// dereferenced (local #/ references) into the same Operation shape the gateway validates with.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseYaml } from "../../contracts/yaml.js";
import type { Operation, ParameterSpec, ResponseSpec } from "../../contracts/loader.js";

const here = dirname(fileURLToPath(import.meta.url));
/** Beside this file in the source tree; compiled code (dist/gateway/tools, or the CLI bundle in dist/gateway) looks back
 *  into the source tree. */
export const BUILT_IN_DIR =
  [
    join(here, "contracts"),
    join(here, "..", "..", "..", "gateway", "tools", "contracts"),
    join(here, "..", "..", "gateway", "tools", "contracts"),
  ].find((d) => existsSync(d)) ?? join(here, "contracts");

export function builtInContracts(): string[] {
  try {
    return readdirSync(BUILT_IN_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
  } catch {
    return [];
  }
}

/** Contract-carried hints for verify (extension `x-gatesim-verify` on an operation). */
export interface VerifyHints {
  /** The valid and boundary cases need data only the user has (e.g. a signed token): skipped unless --body is given. */
  validNeeds?: string;
  invalidExamples?: { name: string; body: unknown; expect?: number }[];
}

export interface VerifyOperation extends Operation {
  verify?: VerifyHints;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

function deref(node: unknown, root: Record<string, unknown>, stack: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, root, stack));
  if (!node || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (typeof o.$ref === "string") {
    const ref = o.$ref;
    if (!ref.startsWith("#/")) throw new Error(`只支持文档内引用 / only local references are supported: ${ref}`);
    if (stack.includes(ref)) throw new Error(`循环引用 / circular reference: ${ref}`);
    let cur: unknown = root;
    for (const k of ref.slice(2).split("/"))
      cur = (cur as Record<string, unknown> | undefined)?.[k.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (cur === undefined) throw new Error(`无法解析引用 / unresolvable reference: ${ref}`);
    const { $ref: _r, ...siblings } = o;
    const target = deref(cur, root, [...stack, ref]);
    return Object.keys(siblings).length && target && typeof target === "object"
      ? { ...(target as object), ...(deref(siblings, root, stack) as object) }
      : target;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, deref(v, root, stack)]));
}

/** `name` is a built-in contract name or a path to an OpenAPI YAML/JSON file. */
export function loadVerifyContract(name: string): { title: string; operations: VerifyOperation[] } {
  const file = existsSync(name) ? name : join(BUILT_IN_DIR, `${name}.yaml`);
  if (!existsSync(file))
    throw new Error(
      `没有契约 ${name}：既不是文件也不是内置契约 / no contract ${name}: neither a file nor a built-in (${builtInContracts().join(", ")})`,
    );
  const text = readFileSync(file, "utf8");
  const doc = (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as Record<string, any>;
  if (!doc || typeof doc !== "object" || !doc.paths)
    throw new Error(`${file}: 不是 OpenAPI 文档（缺少 paths）/ not an OpenAPI document (no paths)`);
  const operations: VerifyOperation[] = [];
  for (const [path, rawItem] of Object.entries<Record<string, any>>(doc.paths)) {
    const item = deref(rawItem, doc) as Record<string, any>;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: ParameterSpec[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => ({
        in: p.in,
        name: p.in === "header" ? String(p.name).toLowerCase() : p.name,
        required: !!p.required || p.in === "path",
        schema: p.schema ?? {},
      }));
      const responses: Record<string, ResponseSpec> = {};
      for (const [status, r] of Object.entries<Record<string, any>>(op.responses ?? {}))
        responses[status] = { description: r.description ?? "", content: r.content ?? {} };
      operations.push({
        operationId: op.operationId ?? `${method}${path.replace(/[^A-Za-z0-9]+/g, "_")}`,
        document: file,
        platform: "verify",
        method: method.toUpperCase(),
        openapiPath: path,
        path,
        security: ["none"],
        summary: op.summary ?? "",
        parameters: params,
        requestBody: op.requestBody
          ? { required: !!op.requestBody.required, content: op.requestBody.content ?? {} }
          : undefined,
        responses,
        ...(op["x-gatesim-verify"] ? { verify: op["x-gatesim-verify"] as VerifyHints } : {}),
      });
    }
  }
  return { title: String(doc.info?.title ?? name), operations };
}
