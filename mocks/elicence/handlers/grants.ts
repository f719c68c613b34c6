// 用证授权 handlers (facts §8.4 [SIM]): the holder (identity bearer token) grants, lists and withdraws; the department
// (x-tif) redeems the auth code and may then use that one licence until the grant expires.
import type { ElicenceHandlers } from "../types.js";
import { bodyOf, str, isAnswer, sharingGuard } from "./common.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import type { IdentityApi } from "../../identity/types.js";
import { licenceStatus } from "../licences.js";
import { issueTicket, sessionValid } from "../access-records.js";
import { findTypeAnywhere, licenceSummary, parseInstant } from "../elicence-context.js";
import { iso, sharingRefusal, sharingResult, type SharingAnswer } from "../envelopes.js";
import {
  getGrant,
  grantState,
  grantView,
  grantsOfHolder,
  newAuthCode,
  saveGrant,
  type UsageGrant,
} from "../usage-grants.js";
import { checkLicenceId } from "../../shared/ids.js";

interface Holder {
  sub: string;
  name: string;
  /** holderTypeCode:holderCode pairs this person may grant: their own ID number, and their legal person's USCC. */
  codes: Set<string>;
}

/** The licence holder behind a bearer token: the identity persona's ID number (111) and, for operators, USCC (001). */
function holderOf(input: HandlerInput, ctx: HandlerContext): Holder | SharingAnswer<null> {
  const p = input.principal;
  if (p.kind !== "user")
    return sharingRefusal(
      11,
      "需要持证人经统一身份认证登录后的访问令牌",
      "an access token of a holder logged in through the identity platform is required",
      { location: "/headers/authorization" },
    );
  const personaId = typeof p.claims.persona === "string" ? p.claims.persona : undefined;
  const idp = ctx.platforms.get<Partial<IdentityApi>>("identity");
  const persona = personaId && typeof idp?.persona === "function" ? idp.persona(personaId) : undefined;
  const person = persona?.person ?? (personaId ? ctx.seed.persons.byId(personaId) : undefined);
  if (!person)
    return sharingRefusal(
      11,
      "访问令牌不代表一位持证人（应用令牌或未知人员）",
      "the access token does not stand for a licence holder (an app token, or an unknown persona)",
      { location: "/headers/authorization", seen: personaId ?? p.sub },
    );
  const codes = new Set([`111:${person.idNumber}`]);
  if (persona?.enterprise) codes.add(`001:${persona.enterprise.uscc}`);
  return { sub: p.sub, name: person.name, codes };
}

export const grantHandlers = {
  elicenceGrantCreate: (input, ctx, deps) =>
    sharingGuard(async () => {
      const holder = holderOf(input, ctx);
      if (isAnswer(holder)) return holder;
      const b = bodyOf(input);
      const id = str(b.certIdentifier) ?? "";
      const bad = checkLicenceId(id);
      if (bad)
        return sharingRefusal(
          12,
          `证照标识格式错误：${bad.split(" / ")[0]}`,
          `malformed licence identifier: ${bad.split(" / ")[1] ?? bad}`,
          { location: "/body/certIdentifier", seen: id },
        );
      const useCause = str(b.useCause);
      if (!useCause)
        return sharingRefusal(12, "用证事由 useCause 不能为空", "useCause is required", {
          location: "/body/useCause",
        });
      const now = ctx.clock.now();
      const expiresAt = parseInstant(String(b.expiresAt ?? ""));
      const max = now + deps.opts.maxGrantDays * 86_400_000;
      if (expiresAt === undefined || expiresAt <= now || expiresAt > max)
        return sharingRefusal(
          12,
          `授权截止时间 expiresAt 应为将来 ${deps.opts.maxGrantDays} 天内的日期（YYYY-MM-DD 或 ISO 8601）`,
          `expiresAt must be a date within the next ${deps.opts.maxGrantDays} days (YYYY-MM-DD or ISO 8601)`,
          { location: "/body/expiresAt", seen: b.expiresAt },
        );
      const grantee = deps.library.tenant(String(b.paasid));
      if (!grantee)
        return sharingRefusal(
          100,
          `部门应用 ${String(b.paasid)} 不存在，不能授权`,
          `department app ${String(b.paasid)} does not exist; nothing to grant to`,
          { location: "/body/paasid", seen: b.paasid },
        );
      const hit = await deps.library.find(ctx, input.tenant.paasid, id);
      if (!hit)
        return sharingRefusal(101, `证照 ${id} 不存在`, `licence ${id} does not exist`, {
          location: "/body/certIdentifier",
          seen: id,
        });
      const l = hit.licence;
      if (!holder.codes.has(`${l.data.CZZTDMLXDM}:${l.data.CZZTDM}`))
        return sharingRefusal(
          100,
          `证照 ${id} 的持证主体不是您（${holder.name}），只能授权自己的证照`,
          `licence ${id} is not held by you (${holder.name}); you can only grant your own licences`,
          { location: "/body/certIdentifier", seen: id, rule: "elicence.grant-own" },
        );
      const st = licenceStatus(l, now);
      if (!st.usable)
        return sharingRefusal(st.resultCode, st.zh, st.en, { location: "/body/certIdentifier", seen: id });
      const g: UsageGrant = {
        authCode: newAuthCode(l.issuerCode.slice(2, 8), now),
        certIdentifier: l.id,
        certName: l.data.ZZMC ?? "",
        paasid: grantee.paasid,
        departmentName: grantee.name,
        useCause,
        createdAt: now,
        expiresAt,
        holderSub: holder.sub,
        holderCode: l.data.CZZTDM,
      };
      await saveGrant(grantee.store, g);
      ctx.emit("elicence.grant-created", {
        authCode: g.authCode,
        certIdentifier: g.certIdentifier,
        paasid: g.paasid,
      });
      return sharingResult(0, grantView(g, now));
    }),

  elicenceGrantList: (input, ctx, deps) =>
    sharingGuard(async () => {
      const holder = holderOf(input, ctx);
      if (isAnswer(holder)) return holder;
      const now = ctx.clock.now();
      const all: UsageGrant[] = [];
      for (const o of deps.library.owners(ctx, input.tenant.paasid))
        all.push(...(await grantsOfHolder(o.store, holder.sub)));
      all.sort((a, b) => b.createdAt - a.createdAt);
      return sharingResult(0, { grants: all.map((g) => grantView(g, now)) });
    }),

  elicenceGrantWithdraw: (input, ctx, deps) =>
    sharingGuard(async () => {
      const holder = holderOf(input, ctx);
      if (isAnswer(holder)) return holder;
      const code = input.params.authCode;
      const now = ctx.clock.now();
      for (const o of deps.library.owners(ctx, input.tenant.paasid)) {
        const g = await getGrant(o.store, code);
        if (!g) continue;
        if (g.holderSub !== holder.sub) break;
        const done = g.withdrawnAt !== undefined ? g : { ...g, withdrawnAt: now };
        await saveGrant(o.store, done);
        ctx.emit("elicence.grant-withdrawn", { authCode: code, paasid: g.paasid });
        return sharingResult(0, grantView(done, now));
      }
      return sharingRefusal(
        100,
        `授权码 ${code} 不存在或不是您授予的`,
        `auth code ${code} does not exist or was not granted by you`,
        { location: "/params/authCode", seen: code },
      );
    }),

  elicenceGrantRedeem: (input, ctx, deps) =>
    sharingGuard(async () => {
      const b = bodyOf(input);
      const token = str(b.accessToken);
      if (token ? !(await sessionValid(ctx.store, token)) : deps.opts.requireSession)
        return sharingRefusal(
          11,
          "会话令牌 accessToken 无效或已过期",
          "the session token accessToken is invalid or expired",
          { location: "/body/accessToken" },
        );
      const code = String(b.authCode ?? "").trim();
      const now = ctx.clock.now();
      const g = await getGrant(ctx.store, code);
      if (!g) {
        let other: string | undefined;
        for (const o of deps.library.owners(ctx, input.tenant.paasid))
          if (o.store !== ctx.store && (await getGrant(o.store, code))) other = o.paasid;
        return other
          ? sharingRefusal(
              100,
              `授权码 ${code} 是授予部门 ${other} 的，不是本部门`,
              `auth code ${code} was granted to department ${other}, not to this one`,
              { location: "/body/authCode", seen: code, rule: "elicence.grant-grantee" },
            )
          : sharingRefusal(100, `授权码 ${code} 不存在`, `auth code ${code} does not exist`, {
              location: "/body/authCode",
              seen: code,
              rule: "elicence.grant-exists",
            });
      }
      const state = grantState(g, now);
      if (state !== "active")
        return sharingRefusal(
          100,
          state === "withdrawn" ? "持证人已撤回该授权" : `授权已于 ${iso(g.expiresAt)} 到期`,
          state === "withdrawn" ? "the holder has withdrawn this grant" : `the grant expired at ${iso(g.expiresAt)}`,
          { location: "/body/authCode", seen: code, rule: `elicence.grant-${state}` },
        );
      const hit = await deps.library.find(ctx, input.tenant.paasid, g.certIdentifier);
      if (!hit)
        return sharingRefusal(
          101,
          `证照 ${g.certIdentifier} 已不存在`,
          `licence ${g.certIdentifier} no longer exists`,
          { location: "/body/authCode" },
        );
      const st = licenceStatus(hit.licence, now);
      if (!st.usable)
        return sharingRefusal(st.resultCode, st.zh, st.en, { location: "/body/authCode", seen: hit.licence.id });
      const redeemed = g.redeemedAt !== undefined ? g : { ...g, redeemedAt: now };
      await saveGrant(ctx.store, redeemed);
      const t = await issueTicket(
        ctx.store,
        input.tenant.paasid,
        g.certIdentifier,
        g.useCause,
        now,
        deps.opts.downloadTtlSeconds,
      );
      const type = await findTypeAnywhere(deps, ctx, input.tenant.paasid, hit.licence.typeCode);
      ctx.emit("elicence.grant-redeemed", { authCode: code, certIdentifier: g.certIdentifier });
      return sharingResult(0, {
        grant: grantView(redeemed, now),
        licence: licenceSummary(
          hit.licence,
          type?.name,
          { resultCode: st.resultCode, zh: st.zh, en: st.en, certState: st.certState },
          "grant",
        ),
        url: `/ebus/elicence/v1/download?token=${t.token}`,
        urlExpiresAt: iso(t.expiresAt),
      });
    }),
} satisfies ElicenceHandlers;
