// Who may act for an organisation's seals: the organisation's own app (Tenant.orgCode = USCC) or an
// operator of that legal person logged in through the identity platform. Verification is open to any caller.
//
// User principals: the identity platform's access-token claims are read defensively (it evolves in parallel):
//  - `persona`: "<personId>@<enterpriseId>" for an operator account (tyrz pareobj), or a bare person id;
//  - `org_uscc` (optional): the USCC the operator acts for, when the identity platform states it.
// A user acts for an organisation when its seed record lists the person among `operatorIds` (or, for one without
// operators, the person is its legal representative), when the persona is bound to that enterprise ("…@e000123"),
// or when `org_uscc` names it.
import type { Enterprise, Seed } from "../shared/seed-types.js";
import type { HandlerInput } from "../shared/types.js";
import { esealProblem } from "./errors.js";

export interface OrgName {
  uscc: string;
  name: string;
}

type UserPrincipal = Extract<HandlerInput["principal"], { kind: "user" }>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

function personaParts(claims: Record<string, unknown>): { personId?: string; enterpriseId?: string } {
  const persona = str(claims.persona);
  if (!persona) return {};
  const at = persona.indexOf("@");
  return at === -1 ? { personId: persona } : { personId: persona.slice(0, at), enterpriseId: persona.slice(at + 1) };
}

/** Does this logged-in user operate the legal person `uscc`? */
export function userOperates(p: UserPrincipal, seed: Seed, uscc: string): boolean {
  if (str(p.claims.org_uscc) === uscc) return true;
  const { personId, enterpriseId } = personaParts(p.claims);
  const e: Enterprise | undefined = seed.enterprises.byUscc(uscc);
  if (!e || !personId) return false;
  if (enterpriseId !== undefined) return enterpriseId === e.id;
  if (e.operatorIds.includes(personId)) return true;
  return e.operatorIds.length === 0 && (personId === e.legalRepresentativeId || personId === `legal-${e.id}`);
}

/** The organisation the caller acts for, when it names one (default for listings). */
export function callerOrg(input: HandlerInput, seed: Seed): string | undefined {
  const p = input.principal;
  if (p.kind === "user") {
    const explicit = str(p.claims.org_uscc);
    if (explicit) return explicit;
    const { enterpriseId } = personaParts(p.claims);
    return enterpriseId ? seed.enterprises.byId(enterpriseId)?.uscc : undefined;
  }
  return input.tenant.orgCode;
}

function describeCaller(input: HandlerInput, seed: Seed): { zh: string; en: string; seen: string } {
  const p = input.principal;
  if (p.kind === "user") {
    const persona = str(p.claims.persona) ?? p.sub;
    const org = callerOrg(input, seed);
    const orgName = org ? seed.enterprises.byUscc(org)?.name : undefined;
    const acts = org ? `${orgName ?? ""}（${org}）` : undefined;
    return {
      zh: `登录用户 ${persona}${acts ? ` 是 ${acts} 的经办人` : " 不是任何单位的经办人"}`,
      en: `logged-in user ${persona} ${acts ? `operates ${orgName ?? ""} (${org})` : "operates no organisation"}`,
      seen: persona,
    };
  }
  const org = input.tenant.orgCode;
  const orgName = org ? seed.enterprises.byUscc(org)?.name : undefined;
  return {
    zh: `应用 ${input.tenant.paasid} ${org ? `代表 ${orgName ?? ""}（${org}）` : "未登记所属单位（orgCode）"}`,
    en: `app ${input.tenant.paasid} ${org ? `acts for ${orgName ?? ""} (${org})` : "has no organisation (orgCode) registered"}`,
    seen: input.tenant.paasid,
  };
}

/**
 * Refuses (40320) unless the caller acts for `owner`; the message names the owner and who the caller acts for.
 * `what` describes the refused act ("用该印章盖章" / "sign with this seal").
 */
export function assertActsFor(
  input: HandlerInput,
  seed: Seed,
  owner: OrgName,
  what: { zh: string; en: string; subject?: { zh: string; en: string } },
): void {
  const p = input.principal;
  const ok =
    p.kind === "app"
      ? input.tenant.orgCode === owner.uscc
      : p.kind === "user"
        ? userOperates(p, seed, owner.uscc)
        : p.kind === "admin";
  if (ok) return;
  const c = describeCaller(input, seed);
  const subZh = what.subject ? `${what.subject.zh}` : "";
  const subEn = what.subject ? `${what.subject.en} ` : "";
  throw esealProblem("notSealOwner", {
    location: p.kind === "user" ? "/headers/authorization" : "/headers/x-tif-paasid",
    rule: "eseal.owner",
    seen: c.seen,
    zh: `${subZh}属于 ${owner.name}（${owner.uscc}）；${c.zh}，无权${what.zh}`,
    en: `${subEn}belongs to ${owner.name} (${owner.uscc}); ${c.en}, so it may not ${what.en}`,
    hint: `只有 ${owner.name} 的应用（租户 orgCode = ${owner.uscc}）或其经办人（经统一身份认证登录）可以${what.zh} / only ${owner.name}'s own app (tenant orgCode = ${owner.uscc}) or one of its operators logged in through the identity platform may ${what.en}`,
  });
}
