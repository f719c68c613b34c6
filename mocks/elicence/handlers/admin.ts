// Control-plane operations of the e-licence platform: per-type permissions per department, and the 2-hour rule view.
import type { ElicenceHandlers, ElicenceSchemas } from "../types.js";
import { ProblemError } from "../../shared/problem.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { grantPermissions, listPermissions, revokePermission } from "../access-records.js";
import { deliveryReport, retryDeliveries } from "../catalogue-deliveries.js";
import { findTypeAnywhere, parseInstant, type ElicenceDeps } from "../elicence-context.js";
import { iso } from "../envelopes.js";

async function permissionList(
  deps: ElicenceDeps,
  input: Pick<HandlerInput, "tenant">,
  ctx: HandlerContext,
): Promise<{ status: 200; body: ElicenceSchemas["PermissionList"] }> {
  const now = ctx.clock.now();
  const perms = (await listPermissions(ctx.store)).filter((p) => !p.expiresAt || p.expiresAt > now);
  const out = [];
  for (const p of perms) {
    const t = p.typeCode === "*" ? undefined : await findTypeAnywhere(deps, ctx, input.tenant.paasid, p.typeCode);
    out.push({
      typeCode: p.typeCode,
      typeName: p.typeCode === "*" ? "全部证照类型 / every licence type" : (t?.name ?? p.typeCode),
      grantedAt: iso(p.grantedAt),
      ...(p.expiresAt ? { expiresAt: iso(p.expiresAt) } : {}),
    });
  }
  return { status: 200, body: { paasid: input.tenant.paasid, permissions: out } };
}

function invalid(location: string, zh: string, en: string, seen?: unknown): never {
  throw new ProblemError({
    code: 40005,
    status: 400,
    zh: "请求不符合接口契约",
    en: "request does not match the contract",
    diagnostics: [
      {
        location,
        rule: "elicence.admin",
        seen,
        message: `${zh} / ${en}`,
        hint: "证照类型代码见 GET /ebus/elicence/v1/types / type codes: GET /ebus/elicence/v1/types",
      },
    ],
  });
}

export const adminHandlers = {
  elicenceAdminPermissionList: (input, ctx, deps) => permissionList(deps, input, ctx),

  elicenceAdminPermissionGrant: async (input, ctx, deps) => {
    const b = input.body;
    const now = ctx.clock.now();
    for (const [i, code] of b.typeCodes.entries())
      if (code !== "*" && !(await findTypeAnywhere(deps, ctx, input.tenant.paasid, code)))
        invalid(`/body/typeCodes/${i}`, `证照类型 ${code} 不存在`, `licence type ${code} does not exist`, code);
    let expiresAt: number | undefined;
    if (b.expiresAt !== undefined) {
      expiresAt = parseInstant(b.expiresAt);
      if (expiresAt === undefined || expiresAt <= now)
        invalid("/body/expiresAt", "expiresAt 应为将来的时间", "expiresAt must be in the future", b.expiresAt);
    }
    await grantPermissions(ctx.store, b.typeCodes, now, expiresAt);
    ctx.emit("elicence.permission-granted", { typeCodes: b.typeCodes });
    return permissionList(deps, input, ctx);
  },

  elicenceAdminPermissionRevoke: async (input, ctx, deps) => {
    if (await revokePermission(ctx.store, input.params.typeCode))
      ctx.emit("elicence.permission-revoked", { typeCode: input.params.typeCode });
    return permissionList(deps, input, ctx);
  },

  elicenceAdminDeliveries: async (input, ctx, deps) => ({
    status: 200 as const,
    body: await deliveryReport(ctx.store, input.tenant.paasid, ctx.clock.now(), deps.opts.deliveryThresholdSeconds),
  }),

  elicenceAdminDeliveriesRetry: async (input, ctx, deps) => {
    await retryDeliveries(ctx);
    return {
      status: 200 as const,
      body: await deliveryReport(ctx.store, input.tenant.paasid, ctx.clock.now(), deps.opts.deliveryThresholdSeconds),
    };
  },
} satisfies ElicenceHandlers;
