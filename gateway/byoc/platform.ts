// One platform module per user contract: its operations answered from the contract (answer.ts), optionally with
// stateful CRUD on resource-shaped paths, in the tenant's own store. Refusals use the gateway's envelope (facts §1.3).
import type { Operation, OperationTable } from "../../contracts/loader.js";
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import type { Handler, HandlerContext, HandlerInput, HandlerResult, PlatformModule } from "../../mocks/shared/types.js";
import { prngFor } from "../../mocks/shared/prng.js";
import { sampleSchema } from "../sample.js";
import { answerOperation, preferenceOf } from "./answer.js";
import { BYOC_PREFIX } from "./user-contracts.js";

/** The answer that replaces one whose example or sample breaks the user's own schema (validate-response.ts). */
export const USER_CONTRACT_BROKEN = {
  ...GATEWAY_ERRORS.contractBroken,
  zh: "所挂载契约的示例/样例不符合该契约自身的 schema（请修正契约）",
  en: "the mounted contract's example or sample breaks its own schema (fix the contract)",
};

/** `/things/{id}` under `/things`: the collection a CRUD call works on and the id parameter, if resource-shaped. */
function resourceOf(op: Operation): { collection: string; idParam?: string } | undefined {
  const m = /^(.*[^}/])(?:\/\{([^}]+)\})?$/.exec(op.openapiPath);
  if (!m || op.serviceId) return undefined;
  return { collection: m[1], idParam: m[2] };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function notFound(param: string, id: string): never {
  return refuse(GATEWAY_ERRORS.resourceNotFound, [
    {
      location: `/params/${param}`,
      rule: "crud.exists",
      seen: id,
      message: `资源 ${id} 不存在 / resource ${id} does not exist`,
      hint: "先用 POST 创建，或检查编号 / create it with POST first, or check the id",
    },
  ]);
}

interface CrudShape {
  /** Collection path → the id parameter its item path names (`/permits` → permitNo). */
  idParams: Map<string, string>;
  idSchemas: Map<string, Record<string, unknown>>;
  seed: string;
}

/**
 * Stateful CRUD (opt-in): POST on a collection stores the request body (over the contract's answer, so the fields the
 * contract adds remain) under a new or given id; GET/PUT/PATCH/DELETE on `{id}` read, replace, merge or remove it;
 * GET on the collection lists stored items when the answer is an array. Without stored state: the contract's answer.
 */
async function crud(
  op: Operation,
  input: HandlerInput,
  ctx: HandlerContext,
  base: HandlerResult,
  shape: CrudShape,
): Promise<HandlerResult> {
  const { idParams, idSchemas, seed } = shape;
  const res = resourceOf(op);
  if (!res || base.status >= 300 || input.headers.prefer) return base;
  const kind = `${op.platform}${res.collection}`;
  const id = res.idParam ? input.params[res.idParam] : undefined;
  if (id === undefined) {
    if (op.method === "POST") {
      const idKey = idParams.get(res.collection) ?? "id";
      const body = isObject(input.body) ? input.body : {};
      const stored = await ctx.store.list(kind);
      let newId = [body[idKey], body.id].find((v) => typeof v === "string" || typeof v === "number");
      // the contract's own id for the first, then fresh ones drawn from the id parameter's schema
      const answered = isObject(base.body) ? base.body[idKey] : undefined;
      for (let n = stored.length; newId === undefined || (await ctx.store.get(kind, String(newId))); n++)
        newId =
          n === stored.length && answered !== undefined && typeof answered !== "object"
            ? (answered as string)
            : String(
                sampleSchema(idSchemas.get(res.collection) ?? { type: "string" }, prngFor(seed, `crud:${kind}:${n}`)) ??
                  n,
              );
      const item = { ...(isObject(base.body) ? base.body : {}), ...body, [idKey]: newId };
      await ctx.store.put(kind, String(newId), item);
      return { ...base, body: item, headers: { location: `${input.path}/${encodeURIComponent(String(newId))}` } };
    }
    if (op.method === "GET" && Array.isArray(base.body)) {
      const items = await ctx.store.list(kind);
      return items.length ? { ...base, body: items } : base;
    }
    return base;
  }
  const stored = await ctx.store.get<Record<string, unknown>>(kind, id);
  switch (op.method) {
    case "GET":
      return stored ? { ...base, body: stored } : base;
    case "PUT":
    case "PATCH": {
      const body = isObject(input.body) ? input.body : {};
      const item =
        op.method === "PUT" ? { ...stored, ...body } : { ...(stored ?? notFound(res.idParam!, id)), ...body };
      await ctx.store.put(kind, id, item);
      return isObject(base.body) ? { ...base, body: { ...base.body, ...item } } : base;
    }
    case "DELETE":
      if (!(await ctx.store.delete(kind, id))) notFound(res.idParam!, id);
      return base;
    default:
      return base;
  }
}

export function userContractPlatform(
  name: string,
  operations: Operation[],
  seed: string,
  withCrud: boolean,
): PlatformModule {
  const handlers: Record<string, Handler> = {};
  const shape: CrudShape = { idParams: new Map(), idSchemas: new Map(), seed };
  for (const op of operations) {
    const r = resourceOf(op);
    const param = r?.idParam ? op.parameters.find((p) => p.in === "path" && p.name === r.idParam) : undefined;
    if (r?.idParam && param) {
      shape.idParams.set(r.collection, r.idParam);
      if (typeof param.schema === "object") shape.idSchemas.set(r.collection, param.schema as Record<string, unknown>);
    }
  }
  for (const op of operations) {
    handlers[op.operationId] = (input, ctx) => {
      const accept = input.headers.accept;
      const base = answerOperation(
        op,
        preferenceOf(input.headers.prefer),
        seed,
        Array.isArray(accept) ? accept.join(",") : accept,
      );
      return withCrud ? crud(op, input, ctx, base, shape) : base;
    };
  }
  return { name, handlers, contractBroken: USER_CONTRACT_BROKEN };
}

/** The platform modules for the user contracts in a table (their documents' platforms start with "byoc:"). */
export function userContractPlatforms(
  table: OperationTable,
  seed: string,
  crudFor: (ns: string) => boolean,
): PlatformModule[] {
  return table.documents
    .filter((d) => d.platform.startsWith(BYOC_PREFIX))
    .map((d) =>
      userContractPlatform(
        d.platform,
        table.operations.filter((o) => o.platform === d.platform),
        seed,
        crudFor(d.name),
      ),
    );
}
