// GatewayMsg issuance services (facts §4.5 serviceIds, §8.4 bodies): login, create, create-and-issue, issue, modify,
// delete, annul, archive; plus gatesim's withhold/return and the type catalogue (目录编制和注册).
import type { ElicenceHandlers, ElicenceSchemas } from "../types.js";
import { bodyOf, str, isAnswer, issuanceGuard, type Body } from "./common.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import {
  findLicenceType,
  listLicenceTypes,
  publishLicenceType,
  registerLicenceType,
  type LicenceType,
  type LicenceTypeDraft,
} from "../catalogue.js";
import {
  archiveLicence,
  createAndIssueLicence,
  createLicence,
  deleteLicence,
  findLicence,
  issueLicence,
  modifyLicence,
  returnLicence,
  revokeLicence,
  suspendLicence,
  type CatalogueRecord,
  type Licence,
} from "../licences.js";
import type { RevokeKind } from "../licence-states.js";
import { openSession, sessionValid } from "../access-records.js";
import { publishCatalogueRecord } from "../catalogue-deliveries.js";
import { esealOf, findTypeAnywhere, organisationOf, type ElicenceDeps } from "../elicence-context.js";
import { issuanceRefusal, issuanceResult, iso, type IssuanceRefusal } from "../envelopes.js";
import {
  handedOfd,
  handedPdf,
  keepOfdOriginal,
  originalOf,
  originalOfdOf,
  sealOriginals,
  type HandedFile,
} from "../sealed-files.js";
import { fileFormatOf } from "../licence-file.js";
import { newAuthCode } from "../usage-grants.js";

const META_KIND = "elicence.meta";
const SIGN_METHOD = "SM2-SM3 (GB/T 38540 SES_Signature)";
const CONTROL_KEYS = ["access_token", "serial", "license_code", "reason", "kind", "action"];

/** Session token (if given, or if required) and the organisation the app issues for. */
async function precheck(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  needOrg = true,
): Promise<IssuanceRefusal | { org?: { uscc: string; name: string } }> {
  const now = ctx.clock.now();
  const token = str(bodyOf(input).access_token);
  if (token ? !(await sessionValid(ctx.store, token)) : deps.opts.requireSession)
    return issuanceRefusal(
      401,
      "SESSION_INVALID",
      token ? "会话令牌无效或已过期" : "缺少会话令牌 access_token",
      token ? "the session token is invalid or expired" : "the session token access_token is missing",
      11,
      now,
      { location: "/body/access_token", hint: "先调用 D1593589959893 登录 / log in with D1593589959893 first" },
    );
  const org = organisationOf(deps.seed, input.tenant);
  if (needOrg && !org)
    return issuanceRefusal(
      403,
      "NOT_ISSUER",
      `应用 ${input.tenant.paasid} 未关联颁发机构（orgCode）`,
      `app ${input.tenant.paasid} acts for no issuing organisation (orgCode)`,
      100,
      now,
      {
        location: "/headers/x-tif-paasid",
        hint: "由管理员为应用设置 orgCode（统一社会信用代码）/ have the admin set the app's orgCode (USCC)",
      },
    );
  return { org };
}

/**
 * The licence named by license_code or ZZBS, issued by the caller's organisation — the one ownership check of every
 * issuance operation that changes a licence (modify, issue, delete, revoke, suspend, archive): the licence must be in
 * the caller's own store (or the shared seed) and issued by the organisation the caller acts for.
 */
async function ownLicence(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  org: { uscc: string },
): Promise<Licence | IssuanceRefusal> {
  const b = bodyOf(input);
  const ref = str(b.license_code) ?? str(b.ZZBS);
  const now = ctx.clock.now();
  const l = ref ? await findLicence(deps.library.envOf(ctx.store), ref) : undefined;
  // Another department's licence: say whose it is rather than "not found".
  const elsewhere =
    l || !ref
      ? undefined
      : ref.startsWith("1.2.156.")
        ? await deps.library.find(ctx, input.tenant.paasid, ref)
        : await deps.library.findByCodeElsewhere(ctx, input.tenant.paasid, ref);
  if (elsewhere)
    return issuanceRefusal(
      403,
      "NOT_ISSUER",
      `证照 ${ref} 由 ${elsewhere.licence.data.ZZBFJG}（${elsewhere.licence.issuerCode}）颁发，只有颁发机构可以操作`,
      `licence ${ref} was issued by ${elsewhere.licence.issuerCode}; only its issuer may act on it`,
      100,
      now,
      { location: "/headers/x-tif-paasid", seen: org.uscc },
    );
  if (!l)
    return issuanceRefusal(
      404,
      "LICENCE_NOT_FOUND",
      `证照 ${ref} 不存在（在本租户的制证数据与种子证照中均未找到）`,
      `licence ${ref} does not exist (neither in this tenant's licence data nor in the seed)`,
      101,
      now,
      { location: b.license_code ? "/body/license_code" : "/body/ZZBS", seen: ref },
    );
  if (l.issuerCode !== org.uscc)
    return issuanceRefusal(
      403,
      "NOT_ISSUER",
      `证照 ${l.id} 由 ${l.data.ZZBFJG}（${l.issuerCode}）颁发，只有颁发机构可以操作`,
      `licence ${l.id} was issued by ${l.issuerCode}; only its issuer may act on it`,
      100,
      now,
      { location: "/headers/x-tif-paasid", seen: org.uscc },
    );
  return l;
}

async function authCodeOf(ctx: HandlerContext, l: Licence): Promise<string> {
  const have = await ctx.store.get<{ authCode: string }>(META_KIND, l.id);
  if (have) return have.authCode;
  const authCode = newAuthCode(l.issuerCode.slice(2, 8), ctx.clock.now());
  await ctx.store.put(META_KIND, l.id, { authCode });
  return authCode;
}

/**
 * Refuse before issuing when the issuer has seals and none of them can sign now (revoked, suspended, expired), so
 * a licence is never issued without its sealed file. An organisation without seals gets one on first use.
 */
async function checkSealUsable(ctx: HandlerContext, org: { uscc: string }): Promise<IssuanceRefusal | undefined> {
  const eseal = esealOf(ctx);
  const now = ctx.clock.now();
  if (!eseal)
    return issuanceRefusal(
      503,
      "ESEAL_UNAVAILABLE",
      "电子印章平台不可用，无法为证照文件盖章",
      "the e-seal platform is not available, so the licence file cannot be sealed",
      101,
      now,
      { rule: "elicence.seal" },
    );
  const seals = await eseal.listSeals(ctx, org.uscc);
  const usable = seals.some(
    (s) => s.status === "active" && now >= Date.parse(s.validStart) && now <= Date.parse(s.validEnd),
  );
  if (seals.length && !usable)
    return issuanceRefusal(
      409,
      "ESEAL_NO_USABLE_SEAL",
      `颁发机构 ${org.uscc} 没有可用的电子印章（${seals.map((s) => `${s.sealCode} ${s.status}`).join("，")}）`,
      `issuer ${org.uscc} has no e-seal that can sign now (${seals.map((s) => `${s.sealCode} ${s.status}`).join(", ")})`,
      101,
      now,
      {
        rule: "elicence.seal",
        hint: "在电子印章平台恢复或申请印章 / resume or apply for a seal on the e-seal platform",
      },
    );
  return undefined;
}

async function keptPdf(ctx: HandlerContext, id: string): Promise<HandedFile | undefined> {
  const f = await originalOf(ctx.store, id);
  return f && handedPdf(f);
}

/** The kept OFD original; for a record kept before OFD files existed, sealed now (when the e-seal platform is there). */
async function keptOfd(
  ctx: HandlerContext,
  id: string,
  eseal: ReturnType<typeof esealOf>,
): Promise<HandedFile | undefined> {
  const f =
    (await originalOfdOf(ctx.store, id)) ?? (eseal ? await keepOfdOriginal(eseal, ctx, ctx.store, id) : undefined);
  return f && handedOfd(f);
}

/** Seal the issued licence, keep the file, publish the catalogue record: the answer of every issuing service. */
async function finishIssue(
  deps: ElicenceDeps,
  ctx: HandlerContext,
  l: Licence,
  record: CatalogueRecord,
  previous?: Licence,
) {
  const now = ctx.clock.now();
  const lt = (await findLicenceType(ctx.store, l.typeCode))!;
  const { ofd: file } = await sealOriginals(esealOf(ctx)!, ctx, ctx.store, l, lt, now);
  const delivery = await publishCatalogueRecord(ctx, record);
  ctx.emit("elicence.issued", { certIdentifier: l.id, licenseCode: l.licenseCode, sealId: file.sealId });
  return issuanceResult(now, {
    sign: file.signature.toString("base64"),
    sign_method: SIGN_METHOD,
    data: {
      ...(await issuanceData(ctx, l)),
      ...(previous ? { previous_ZZBS: previous.id } : {}),
      seal_id: file.sealId,
      seal_name: file.sealName,
      catalogue_delivery: {
        status: delivery.deliveredAt !== undefined ? ("delivered" as const) : ("pending" as const),
        produced_at: iso(delivery.producedAt),
        ...(delivery.deliveredAt !== undefined ? { delivered_at: iso(delivery.deliveredAt) } : {}),
        ...(delivery.lastError ? { reason: delivery.lastError } : {}),
      },
    },
  });
}

async function issuanceData(ctx: HandlerContext, l: Licence): Promise<ElicenceSchemas["IssuanceData"]> {
  const d: ElicenceSchemas["IssuanceData"] = {
    license_code: l.licenseCode,
    auth_code: await authCodeOf(ctx, l),
    ZZBS: l.id,
    version: l.version,
    stage: l.stage,
  };
  if (l.certState) d.cert_state = l.certState;
  for (const k of ["ZZBFRQ", "ZZYXQQSRQ", "ZZYXQJZRQ"] as const) if (l.data[k]) d[k] = String(l.data[k]);
  return d;
}

function changed(ctx: HandlerContext, l: Licence, extra: { deleted?: boolean } = {}) {
  return issuanceResult(ctx.clock.now(), {
    data: {
      ZZBS: l.id,
      license_code: l.licenseCode,
      stage: l.stage,
      ...(l.certState ? { cert_state: l.certState } : {}),
      ...extra,
    },
  });
}

/** The licence data of a create body: everything but the control keys; ZZBFJGDM must be the caller's own. */
function licenceBody(input: HandlerInput, org: { uscc: string; name: string }, now: number): Body | IssuanceRefusal {
  const data: Body = {};
  for (const [k, v] of Object.entries(bodyOf(input))) if (!CONTROL_KEYS.includes(k)) data[k] = v;
  if (data.ZZBFJGDM !== undefined && data.ZZBFJGDM !== org.uscc)
    return issuanceRefusal(
      403,
      "NOT_ISSUER",
      `颁发机构代码 ZZBFJGDM 应为本应用所代表的机构 ${org.uscc}`,
      `issuer code ZZBFJGDM must be the organisation this app acts for, ${org.uscc}`,
      100,
      now,
      { location: "/body/ZZBFJGDM", seen: data.ZZBFJGDM },
    );
  return data;
}

function typeView(t: LicenceType): ElicenceSchemas["LicenceType"] {
  return {
    code: t.code,
    name: t.name,
    en: t.en,
    holderType: t.holderType,
    state: t.state,
    source: t.source,
    definer: { uscc: t.definer.uscc, name: t.definer.name },
    validityYears: t.validityYears,
    items: t.items.map((i) => ({
      key: i.key,
      zh: i.zh,
      en: i.en,
      type: i.type,
      required: i.required,
      ...(i.values ? { values: [...i.values] } : {}),
      ...(i.unit ? { unit: i.unit } : {}),
      ...(i.maxLength ? { maxLength: i.maxLength } : {}),
    })),
  };
}

/**
 * The GatewayMsg services that act on one of the caller's own licences: refusals in the envelope, the session and
 * issuer precheck, then the one ownership check (ownLicence); `act` gets the licence and the caller's organisation.
 */
function withOwnLicence<R>(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  act: (l: Licence, org: { uscc: string; name: string }) => Promise<R>,
) {
  return issuanceGuard(
    () => ctx.clock.now(),
    async () => {
      const pre = await precheck(deps, input, ctx);
      if (isAnswer(pre)) return pre;
      const l = await ownLicence(deps, input, ctx, pre.org!);
      if (isAnswer(l)) return l;
      return act(l, pre.org!);
    },
  );
}

export const issuanceHandlers = {
  elicenceLogin: async (input, ctx, deps) => {
    const s = await openSession(ctx.store, input.tenant.paasid, ctx.clock.now(), deps.opts.sessionTtlSeconds);
    return issuanceResult(ctx.clock.now(), { access_token: s.token, expires_in: deps.opts.sessionTtlSeconds });
  },

  elicenceCreate: (input, ctx, deps) =>
    issuanceGuard(
      () => ctx.clock.now(),
      async () => {
        const pre = await precheck(deps, input, ctx);
        if (isAnswer(pre)) return pre;
        const body = licenceBody(input, pre.org!, ctx.clock.now());
        if (isAnswer(body)) return body;
        const l = await createLicence(deps.library.envOf(ctx.store), body, {
          now: ctx.clock.now(),
          issuer: pre.org,
          serial: str(bodyOf(input).serial),
        });
        ctx.emit("elicence.created", { certIdentifier: l.id, licenseCode: l.licenseCode });
        return issuanceResult(ctx.clock.now(), { data: await issuanceData(ctx, l) });
      },
    ),

  elicenceCreateAndIssue: (input, ctx, deps) =>
    issuanceGuard(
      () => ctx.clock.now(),
      async () => {
        const pre = await precheck(deps, input, ctx);
        if (isAnswer(pre)) return pre;
        const body = licenceBody(input, pre.org!, ctx.clock.now());
        if (isAnswer(body)) return body;
        const sealProblem = await checkSealUsable(ctx, pre.org!);
        if (sealProblem) return sealProblem;
        const r = await createAndIssueLicence(deps.library.envOf(ctx.store), body, {
          now: ctx.clock.now(),
          issuer: pre.org,
          serial: str(bodyOf(input).serial),
        });
        return finishIssue(deps, ctx, r.licence, r.catalogueRecord);
      },
    ),

  elicenceIssue: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l, org) => {
      const sealProblem = await checkSealUsable(ctx, org);
      if (sealProblem) return sealProblem;
      const r = await issueLicence(deps.library.envOf(ctx.store), l.id, { now: ctx.clock.now() });
      return finishIssue(deps, ctx, r.licence, r.catalogueRecord);
    }),

  elicenceModify: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l, org) => {
      const changes: Body = {};
      for (const [k, v] of Object.entries(bodyOf(input)))
        if (!CONTROL_KEYS.includes(k) && !(k === "ZZBS" && v === l.id)) changes[k] = v;
      if (l.stage === "issued") {
        const sealProblem = await checkSealUsable(ctx, org);
        if (sealProblem) return sealProblem;
      }
      const r = await modifyLicence(deps.library.envOf(ctx.store), l.id, changes, {
        now: ctx.clock.now(),
        reason: str(bodyOf(input).reason),
      });
      if (r.catalogueRecord) return finishIssue(deps, ctx, r.licence, r.catalogueRecord, r.previous);
      return issuanceResult(ctx.clock.now(), { data: await issuanceData(ctx, r.licence) });
    }),

  elicenceDelete: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l) => {
      const gone = await deleteLicence(deps.library.envOf(ctx.store), l.id, { now: ctx.clock.now() });
      await ctx.store.delete(META_KIND, gone.id);
      return changed(ctx, gone, { deleted: true });
    }),

  elicenceRevoke: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l) => {
      const b = bodyOf(input);
      const r = await revokeLicence(deps.library.envOf(ctx.store), l.id, {
        now: ctx.clock.now(),
        kind: str(b.kind) as RevokeKind | undefined,
        reason: str(b.reason),
      });
      ctx.emit("elicence.revoked", { certIdentifier: r.id, certState: r.certState });
      return changed(ctx, r);
    }),

  elicenceSuspend: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l) => {
      const b = bodyOf(input);
      const env = deps.library.envOf(ctx.store);
      const r =
        b.action === "return"
          ? await returnLicence(env, l.id, { now: ctx.clock.now(), reason: str(b.reason) })
          : await suspendLicence(env, l.id, { now: ctx.clock.now(), reason: str(b.reason) });
      return changed(ctx, r);
    }),

  elicenceArchive: (input, ctx, deps) =>
    withOwnLicence(deps, input, ctx, async (l) => {
      const a = await archiveLicence(deps.library.envOf(ctx.store), l.id, { now: ctx.clock.now() });
      const format = fileFormatOf((input.body as { file_format?: unknown } | undefined)?.file_format);
      const eseal = esealOf(ctx);
      let file = format === "pdf" ? await keptPdf(ctx, a.id) : await keptOfd(ctx, a.id, eseal);
      if (!file) {
        // Seeded licences (and any issued while the e-seal platform was away) are sealed when first archived.
        if (!eseal)
          return issuanceRefusal(
            503,
            "ESEAL_UNAVAILABLE",
            "电子印章平台不可用，无法出具盖章文件",
            "the e-seal platform is not available, so no sealed file can be made",
            101,
            ctx.clock.now(),
            { rule: "elicence.seal" },
          );
        const lt = (await findLicenceType(ctx.store, a.typeCode))!;
        const both = await sealOriginals(eseal, ctx, ctx.store, a, lt, ctx.clock.now());
        file = format === "pdf" ? handedPdf(both.pdf) : handedOfd(both.ofd);
      }
      return issuanceResult(ctx.clock.now(), {
        data: {
          file_name: file.fileName,
          file_format: format,
          file_data: file.bytes.toString("base64"),
          sign: file.signature.toString("base64"),
          seal_id: file.sealId,
          ZZBS: a.id,
        },
      });
    }),

  elicenceTypeList: (input, ctx, deps) =>
    issuanceGuard(
      () => ctx.clock.now(),
      async () => {
        const pre = await precheck(deps, input, ctx, false);
        if (isAnswer(pre)) return pre;
        const org = pre.org?.uscc;
        const types = (await listLicenceTypes(ctx.store)).filter(
          (t) => t.state === "published" || t.definer.uscc === org,
        );
        return issuanceResult(ctx.clock.now(), { data: types.map(typeView) });
      },
    ),

  elicenceTypeRegister: (input, ctx, deps) =>
    issuanceGuard(
      () => ctx.clock.now(),
      async () => {
        const pre = await precheck(deps, input, ctx);
        if (isAnswer(pre)) return pre;
        const org = pre.org!;
        const t = await registerLicenceType(
          ctx.store,
          bodyOf(input) as unknown as LicenceTypeDraft,
          { uscc: org.uscc, name: org.name, en: org.name, synthetic: false },
          ctx.clock.now(),
        );
        return issuanceResult(ctx.clock.now(), { data: typeView(t) });
      },
    ),

  elicenceTypePublish: (input, ctx, deps) =>
    issuanceGuard(
      () => ctx.clock.now(),
      async () => {
        const pre = await precheck(deps, input, ctx);
        if (isAnswer(pre)) return pre;
        const code = String(bodyOf(input).code);
        const other = (await findLicenceType(ctx.store, code))
          ? undefined
          : await findTypeAnywhere(deps, ctx, input.tenant.paasid, code);
        if (other)
          return issuanceRefusal(
            403,
            "NOT_TYPE_OWNER",
            `证照类型 ${code} 由 ${other.definer.name} 定义，只有定义机构可以发布`,
            `licence type ${code} is defined by ${other.definer.uscc}; only its definer may publish it`,
            100,
            ctx.clock.now(),
            { location: "/body/code", seen: code },
          );
        const t = await publishLicenceType(ctx.store, code, pre.org!.uscc, ctx.clock.now());
        return issuanceResult(ctx.clock.now(), { data: typeView(t) });
      },
    ),
} satisfies ElicenceHandlers;
