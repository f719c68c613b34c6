// What the e-seal handler groups share: the success envelope, the one seal look-up, the scenario in force.
import { successAnswer } from "../../shared/operations.js";
import type { HandlerContext } from "../../shared/types.js";
import { esealProblem } from "../errors.js";
import { SCENARIO_HEADER_NAME } from "../scenarios.js";
import type { SealRecord } from "../seal-service.js";
import type { TenantSeals } from "../tenant-seals.js";
import type { EsealDeps } from "../types.js";

/** `{errcode: 0, errmsg: "ok", data}`: 200, or the status the contract gives the operation's success. */
export const ok = successAnswer("ok");

/** The calling tenant's seals. */
export const openSeals = (ctx: HandlerContext, deps: EsealDeps): Promise<TenantSeals> => deps.reg.open(ctx.store);

/** The scenario in force for this request: the gateway's (tenant rules), else the header. */
export function scenarioOf(input: {
  scenario?: string;
  headers: Record<string, string | string[] | undefined>;
}): string | undefined {
  if (typeof input.scenario === "string") return input.scenario;
  const h = input.headers[SCENARIO_HEADER_NAME];
  return Array.isArray(h) ? h[0] : h;
}

/**
 * The one look-up of a seal by code for every operation: only the calling tenant's own seals (those it made) and the
 * seeded ones are found; another tenant's seal is "not found" here, its code being unique platform-wide. Acting on a
 * seal (sign, suspend, resume, revoke) further needs assertActsFor (seal-ownership.ts).
 */
export function mustFind(ts: TenantSeals, sealCode: string, location = "/params/sealCode"): SealRecord {
  const seal = ts.find(sealCode);
  if (!seal)
    throw esealProblem("sealNotFound", {
      location,
      seen: sealCode,
      zh: `印章 ${sealCode} 不存在（本租户未登记该印章编码）`,
      en: `seal ${sealCode} does not exist (no seal with this code is registered for this tenant)`,
    });
  return seal;
}

export const sealSubject = (s: SealRecord) => ({
  zh: `印章 ${s.sealCode}「${s.name}」`,
  en: `seal ${s.sealCode} "${s.name}"`,
});
