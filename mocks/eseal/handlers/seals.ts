// 制章 and the seal's life (contracts/eseal.yaml, facts §8.3): seal types, apply, list, get, picture, status, suspend,
// resume, revoke. Each runs on the calling tenant's store and clock.
import type { HandlerContext } from "../../shared/types.js";
import type { OperationHandler } from "../../shared/operations.js";
import { esealProblem, toHttpProblem } from "../errors.js";
import { assertActsFor, callerOrg } from "../seal-ownership.js";
import type { SealRecord } from "../seal-service.js";
import { API_BASE, effectiveStatus, sealStatusView, sealSummaryView, sealView } from "../seal-views.js";
import type { EsealDeps, EsealHandlers, EsealOperations } from "../types.js";
import { mustFind, ok, openSeals, sealSubject } from "./common.js";

const DEFAULT_VALIDITY_MS = 3 * 365 * 86_400_000;

function parseInstant(v: string | undefined, location: string): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw esealProblem("invalidValidity", {
      location,
      seen: v,
      zh: "时间格式无效",
      en: "invalid date-time",
      hint: "使用 RFC 3339 时间，如 2026-01-01T00:00:00+08:00 / use an RFC 3339 date-time",
    });
  return t;
}

/** The organisation a seal is made for: the seed's registered name (which must be in business), else the caller's. */
function applicant(ctx: HandlerContext, uscc: string, given: string | undefined): string {
  const seeded = ctx.seed.enterprises.byUscc(uscc);
  const orgName = given?.trim();
  if (!seeded) {
    if (orgName) return orgName;
    throw esealProblem("invalidOrg", {
      location: "/body/orgName",
      zh: `种子数据中没有 ${uscc}，请提供单位名称 orgName`,
      en: `${uscc} is not in the seed data; give the organisation name (orgName)`,
    });
  }
  if (seeded.status !== "存续" && seeded.status !== "在业")
    throw esealProblem("invalidOrg", {
      location: "/body/orgUscc",
      seen: uscc,
      zh: `${seeded.name}（${uscc}）登记状态为「${seeded.status}」，不能制章`,
      en: `${seeded.name} (${uscc}) is registered as "${seeded.status}" and cannot have seals made`,
    });
  if (orgName && orgName !== seeded.name)
    throw esealProblem("invalidOrg", {
      location: "/body/orgName",
      seen: orgName,
      zh: `统一社会信用代码 ${uscc} 登记的名称是「${seeded.name}」`,
      en: `USCC ${uscc} is registered under the name "${seeded.name}"`,
      hint: "省略 orgName 或使用登记名称 / omit orgName or use the registered name",
    });
  return seeded.name;
}

export const esealApplySeal: OperationHandler<EsealOperations["esealApplySeal"], EsealDeps> = async (
  input,
  ctx,
  deps,
) => {
  const b = input.body;
  const uscc = b.orgUscc;
  const orgName = applicant(ctx, uscc, b.orgName);
  assertActsFor(
    input,
    ctx.seed,
    { uscc, name: orgName },
    {
      zh: "为该单位制章",
      en: "apply for this organisation's seals",
      subject: { zh: "所申请的印章", en: "the seal applied for" },
    },
  );
  const now = ctx.clock.now();
  const start = parseInstant(b.validFrom, "/body/validFrom") ?? now;
  const end = parseInstant(b.validTo, "/body/validTo") ?? start + DEFAULT_VALIDITY_MS;
  const ts = await openSeals(ctx, deps);
  ts.ensureSeeded(uscc);
  await ts.reserveSequence(b.divisionCode ?? uscc.slice(2, 8));
  let rec: SealRecord;
  try {
    rec = ts.svc.makeSeal({
      org: { uscc, name: orgName },
      type: b.type,
      name: b.name?.trim() || undefined,
      validity: { start, end },
      now,
      divisionCode: b.divisionCode,
      diameterMm: b.diameterMm,
    });
  } catch (e) {
    toHttpProblem(e);
  }
  await ts.save();
  ctx.emit("eseal.seal-made", { sealCode: rec.sealCode, orgUscc: uscc, typeCode: rec.typeCode });
  return ok(sealView(rec, now), 201, { location: `${API_BASE}/seals/${rec.sealCode}` });
};

export const esealListSeals: OperationHandler<EsealOperations["esealListSeals"], EsealDeps> = async (
  input,
  ctx,
  deps,
) => {
  const uscc = input.query.orgUscc ?? callerOrg(input, ctx.seed);
  if (!uscc)
    throw esealProblem("badInput", {
      location: "/query/orgUscc",
      rule: "eseal.org-required",
      zh: "请用 orgUscc 指明单位（调用方没有所属单位）",
      en: "name the organisation with orgUscc (the caller acts for none)",
    });
  const now = ctx.clock.now();
  const ts = await openSeals(ctx, deps);
  const all = ts.listFor(uscc);
  await ts.save();
  const { status, type } = input.query;
  const seals = all.filter((s) => (!status || effectiveStatus(s, now) === status) && (!type || s.typeCode === type));
  const orgName = ctx.seed.enterprises.byUscc(uscc)?.name ?? all[0]?.orgName ?? null;
  return ok({ orgUscc: uscc, orgName, total: seals.length, seals: seals.map((s) => sealSummaryView(s, now)) });
};

/** The seal named by the path, from the calling tenant's seals (saving what the look-up seeded). */
async function sealOfPath(input: { params: { sealCode: string } }, ctx: HandlerContext, deps: EsealDeps) {
  const ts = await openSeals(ctx, deps);
  const seal = mustFind(ts, input.params.sealCode);
  await ts.save();
  return { ts, seal };
}

export const esealGetSeal: OperationHandler<EsealOperations["esealGetSeal"], EsealDeps> = async (input, ctx, deps) =>
  ok(sealView((await sealOfPath(input, ctx, deps)).seal, ctx.clock.now()));

export const esealGetSealPicture: OperationHandler<EsealOperations["esealGetSealPicture"], EsealDeps> = async (
  input,
  ctx,
  deps,
) => ({
  status: 200,
  body: (await sealOfPath(input, ctx, deps)).seal.pictureSvg,
  contentType: "image/svg+xml; charset=utf-8",
  headers: { "cache-control": "public, max-age=86400, immutable" },
});

export const esealGetSealStatus: OperationHandler<EsealOperations["esealGetSealStatus"], EsealDeps> = async (
  input,
  ctx,
  deps,
) => ok(sealStatusView((await sealOfPath(input, ctx, deps)).seal, ctx.clock.now()));

const LIFECYCLE = {
  suspend: { zh: "挂起该印章", en: "suspend this seal", event: "eseal.seal-suspended" },
  resume: { zh: "恢复该印章", en: "resume this seal", event: "eseal.seal-resumed" },
  revoke: { zh: "注销该印章", en: "revoke this seal", event: "eseal.seal-revoked" },
} as const;

/** Suspend, resume and revoke share one request and answer in the contract (satisfies checks each against its own). */
type LifecycleOperation = EsealOperations["esealSuspendSeal"];

function lifecycle(act: keyof typeof LIFECYCLE): OperationHandler<LifecycleOperation, EsealDeps> {
  return async (input, ctx, deps) => {
    const { ts, seal } = await sealOfPath(input, ctx, deps);
    assertActsFor(
      input,
      ctx.seed,
      { uscc: seal.orgUscc, name: seal.orgName },
      { ...LIFECYCLE[act], subject: sealSubject(seal) },
    );
    const now = ctx.clock.now();
    const reason = input.body?.reason;
    try {
      if (act === "revoke") ts.svc.revoke(seal.sealCode, now, reason);
      else ts.svc[act](seal.sealCode, now);
    } catch (e) {
      toHttpProblem(e, "/params/sealCode");
    }
    await ts.save();
    ctx.emit(LIFECYCLE[act].event, { sealCode: seal.sealCode, ...(reason ? { reason } : {}) });
    return ok(sealStatusView(seal, now));
  };
}

export const sealHandlers = {
  esealListSealTypes: (_input, _ctx, { reg }) =>
    ok(reg.sealTypes.map((t) => ({ code: t.code, name: t.name, en: t.en }))),
  esealApplySeal,
  esealListSeals,
  esealGetSeal,
  esealGetSealPicture,
  esealGetSealStatus,
  esealSuspendSeal: lifecycle("suspend"),
  esealResumeSeal: lifecycle("resume"),
  esealRevokeSeal: lifecycle("revoke"),
} satisfies EsealHandlers;
