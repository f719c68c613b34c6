// Builds the tyrz `tokeninfo` answer (facts §2.2: signdata, userobj, pareobj, user_creditable_level) and the OIDC
// claims of a persona — one source for both faces, so they always describe the same person.
import type { IdentitySchemas } from "./types.js";
import { createHmac } from "node:crypto";
import type { Level, Person } from "../shared/seed-types.js";
import { hex32, levelRank } from "./persona-directory.js";
import type { IdentityPersona } from "./types.js";

/** `yyyyMMddHHmmss` / `yyyy-MM-dd HH:mm:ss` in China Standard Time (UTC+8), as the platform writes times. */
function cst(ms: number, withSeparators: boolean): string {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  const [y, mo, da, h, mi, s] = [
    d.getUTCFullYear(),
    p(d.getUTCMonth() + 1),
    p(d.getUTCDate()),
    p(d.getUTCHours()),
    p(d.getUTCMinutes()),
    p(d.getUTCSeconds()),
  ];
  return withSeparators ? `${y}-${mo}-${da} ${h}:${mi}:${s}` : `${y}${mo}${da}${h}${mi}${s}`;
}

/** A deterministic instant between 2016 and 2024 for account creation / verification times. */
function pastInstant(seed: string, ...parts: string[]): number {
  const n = parseInt(hex32(seed, "instant", ...parts).slice(0, 8), 16);
  return Date.UTC(2016, 0, 1) + (n % (9 * 365 * 86400)) * 1000;
}

/** Alipay-style 16-digit user id (`2088…`), the unique code the sample shows for YSS/ALV ways (facts §2.2). */
function alipayId(seed: string, who: string): string {
  return (
    "2088" +
    BigInt("0x" + hex32(seed, "alipay", who))
      .toString()
      .slice(0, 12)
  );
}

interface Way {
  level: Level;
  method: string;
  code: string;
  at: number | null;
}

/**
 * Verification ways up to the persona's level, written `level@method@uniqueCode` (facts §2.2). The sample pairs YSS
 * with L2 and GW with L3; IDV with L0 and ALV (Alipay) with L1 are this simulator's choice (facts §2.3: do not
 * generalise — documented in contracts/identity.yaml).
 */
function waysOf(seed: string, p: Person, level: Level): Way[] {
  const r = levelRank(level);
  const ways: Way[] = [];
  if (r >= 3) ways.push({ level: "L3", method: "GW", code: p.idNumber, at: pastInstant(seed, p.id, "L3") });
  if (r >= 2)
    ways.push({ level: "L2", method: "YSS", code: alipayId(seed, p.id + "yss"), at: pastInstant(seed, p.id, "L2") });
  if (r >= 1) ways.push({ level: "L1", method: "ALV", code: alipayId(seed, p.id), at: pastInstant(seed, p.id, "L1") });
  ways.push({ level: "L0", method: "IDV", code: p.idNumber, at: null });
  return ways;
}

/** extproperties are `key=value` strings; `-1` stands for empty (facts §2.2). */
const ext = (o: Record<string, string | number | undefined>): string[] =>
  Object.entries(o).map(([k, v]) => `${k}=${v === undefined || v === "" ? "-1" : v}`);

/** The tokeninfo answer (contracts/identity.yaml TokeninfoResponse). */
export type TokeninfoBody = IdentitySchemas["TokeninfoResponse"];

/** The operator account's own useridcode (distinct from the person's personal account). */
export function operatorUseridcode(seed: string, persona: IdentityPersona): string {
  return hex32(seed, "operator", persona.person.id, persona.enterprise?.uscc ?? "");
}

/** OIDC `sub`: the tyrz useridcode of the account that logged in. */
export function subjectOf(seed: string, persona: IdentityPersona): string {
  return persona.kind === "operator" ? operatorUseridcode(seed, persona) : persona.person.useridcode;
}

/** The members a persona's userobj and its pareobj share (contact, real-name level, the login's token). */
type Common = Pick<
  TokeninfoBody["userobj"],
  | "telephonenumber"
  | "mail"
  | "isreal"
  | "realtype"
  | "creditable_level_of_account"
  | "creditable_level_of_account_way"
  | "tokenid"
  | "authloc"
  | "anon_flag"
>;

/** A natural person's own account (usertype 1). */
function personUserobj(seed: string, p: IdentityPersona["person"], common: Common): TokeninfoBody["userobj"] {
  return {
    uid: p.uid,
    cn: p.name,
    usertype: "1",
    idcardtype: "10",
    idcardnumber: p.idNumber,
    useridcode: p.useridcode,
    ...common,
    createtime: p.createtime ?? cst(pastInstant(seed, p.id, "created"), false),
    link_person_name: "-1",
    sex: p.sex === 2 ? "2" : "1",
    extproperties: ext({
      address: p.address,
      area: "shantou",
      origin: "gdbs",
      accout_type: p.loginMethod,
      account_uid: p.uid,
      landline: "",
      local_user: "",
      cert_ca: p.loginMethod === "2" ? "GDCA" : "",
      cert_data: "",
      cert_notbefore: "",
      cert_notafter: "",
      uversion: 1,
      user_typeext: "",
    }),
  };
}

/** The legal person's account an operator acts for (userobj's parent, usertype 2, idcardtype 49 = USCC). */
function legalPersonPareobj(
  seed: string,
  e: NonNullable<IdentityPersona["enterprise"]>,
  p: IdentityPersona["person"],
  legal: Record<string, string>,
  common: Common,
): TokeninfoBody["pareobj"] {
  const { creditable_level_of_account: level, creditable_level_of_account_way: wayString, tokenid } = common;
  return {
    uid: e.uid,
    cn: e.name,
    usertype: "2",
    idcardtype: "49",
    idcardnumber: e.uscc,
    useridcode: e.useridcode,
    telephonenumber: p.phone,
    mail: p.email,
    isreal: "true",
    realtype: "IC",
    creditable_level_of_account: level,
    creditable_level_of_account_way: wayString,
    createtime: e.createtime ?? cst(pastInstant(seed, e.id, "created"), false),
    tokenid,
    authloc: "gdbs",
    anon_flag: "0",
    link_person_name: p.name,
    ...legal,
    address: e.address,
    area: "shantou",
    extproperties: ext({
      address: e.address,
      area: "shantou",
      origin: "gdbs",
      ...legal,
      ent_type: e.entityType,
      unit_type: e.subjectType,
      tax_code: e.uscc,
      comm_code: "",
    }),
  };
}

/** An enterprise operator's account (usertype 2) and its legal-person parent account (facts §2.2). */
function operatorObjects(
  seed: string,
  persona: IdentityPersona,
  e: NonNullable<IdentityPersona["enterprise"]>,
  common: Common,
): Pick<TokeninfoBody, "userobj" | "pareobj"> {
  const p = persona.person;
  const legal = {
    legal_person: e.legalRepresentative.name,
    legal_id_type: "10",
    legal_code: e.legalRepresentative.idNumber,
    link_person_type: "10",
    link_person_code: p.idNumber,
  };
  const userobj: TokeninfoBody["userobj"] = {
    uid: `${e.uid}_${p.uid}`,
    cn: p.name,
    usertype: "2",
    idcardtype: "10",
    idcardnumber: p.idNumber,
    useridcode: operatorUseridcode(seed, persona),
    ...common,
    createtime: cst(pastInstant(seed, persona.id, "created"), false),
    link_person_name: p.name,
    sex: p.sex === 2 ? "2" : "1",
    parent_uidcode: e.useridcode,
    extproperties: ext({
      address: e.address,
      area: "shantou",
      origin: "gdbs",
      accout_type: p.loginMethod,
      account_uid: `${e.uid}_${p.uid}`,
      ...legal,
      ent_type: e.entityType,
      unit_type: e.subjectType,
      tax_code: e.uscc,
      comm_code: "",
      landline: "",
      local_user: "",
      cert_ca: p.loginMethod === "2" ? "GDCA" : "",
      cert_data: "",
      cert_notbefore: "",
      cert_notafter: "",
      uversion: 1,
      user_typeext: "",
    }),
  };
  return { userobj, pareobj: legalPersonPareobj(seed, e, persona.person, legal, common) };
}

/** `GET …/oauth2/tokeninfo` body for a persona (facts §2.2). `tokenid` is the access token's jti. */
export function buildTokeninfo(seed: string, persona: IdentityPersona, tokenid: string): TokeninfoBody {
  const p = persona.person;
  const level = persona.level;
  const ways = waysOf(seed, p, level);
  const wayString = ways.map((w) => `${w.level}@${w.method}@${w.code}`).join("||");
  const isreal = levelRank(level) >= 1 ? ("true" as const) : ("false" as const); // facts §2.2/§2.6: the string, not a boolean
  const common = {
    telephonenumber: p.phone,
    mail: p.email,
    isreal,
    realtype: levelRank(level) >= 1 ? p.realtype || "PLV" : "",
    creditable_level_of_account: level,
    creditable_level_of_account_way: wayString,
    tokenid,
    authloc: "gdbs",
    anon_flag: "0",
  };
  const { userobj, pareobj } =
    persona.kind === "person" || !persona.enterprise
      ? { userobj: personUserobj(seed, p, common), pareobj: {} }
      : operatorObjects(seed, persona, persona.enterprise, common);
  const user_creditable_level: TokeninfoBody["user_creditable_level"] = {
    creditable_level_of_account: level,
    creditable_level_of_account_way: wayString,
    creditable_level_of_account_way_list: ways.map((w) => ({
      auth_time: w.at === null ? null : cst(w.at, true),
      uniqueid: w.code,
      user_name: p.name,
      auth_identification: p.idNumber,
      identity_level: w.level,
      credential_no: p.idNumber,
      way_code: w.method,
    })),
  };
  // signdata: the real signature scheme is unknown (facts §2.2 only names the field); gatesim sends an HMAC-SHA256
  // over the user object, base64 — a documented simulator choice, not something relying parties can verify.
  const signdata = createHmac("sha256", `gatesim-tyrz-sign\u0000${seed}`)
    .update(JSON.stringify({ userobj, pareobj }))
    .digest("base64");
  return { signdata, userobj, pareobj, user_creditable_level };
}

/** OIDC claims of a persona by scope (OIDC Core §5.4), plus the tyrz vocabulary under `profile`. */
export function oidcClaims(seed: string, persona: IdentityPersona, scopes: string[]): IdentitySchemas["Userinfo"] {
  const p = persona.person;
  const all = scopes.includes("all");
  const profile = all || scopes.includes("profile"),
    email = all || scopes.includes("email"),
    phone = all || scopes.includes("phone");
  return {
    sub: subjectOf(seed, persona),
    ...(profile
      ? {
          name: p.name,
          preferred_username:
            persona.kind === "operator" && persona.enterprise ? `${persona.enterprise.uid}_${p.uid}` : p.uid,
          gender: p.sex === 1 ? "male" : "female",
          birthdate: p.birthDate,
          persona: persona.id,
          level: persona.level,
          usertype: persona.kind === "operator" ? "2" : "1",
          idcardtype: "10",
          idcardnumber: p.idNumber,
          isreal: levelRank(persona.level) >= 1,
          ...(persona.enterprise
            ? {
                org_name: persona.enterprise.name,
                org_uscc: persona.enterprise.uscc,
                parent_uidcode: persona.enterprise.useridcode,
              }
            : {}),
        }
      : {}),
    ...(email ? { email: p.email, email_verified: false } : {}),
    ...(phone ? { phone_number: p.phone, phone_number_verified: levelRank(persona.level) >= 1 } : {}),
  };
}
