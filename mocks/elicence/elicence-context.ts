// What every e-licence handler shares: options, the licence library, and small look-ups (issuer, types, access, holder).
import { checkIdNumber, checkUscc } from "../shared/ids.js";
import type { Seed } from "../shared/seed-types.js";
import type { HandlerContext, HandlerInput, Tenant } from "../shared/types.js";
import { findLicenceType, type LicenceType } from "./catalogue.js";
import type { LicenceLibrary } from "./library.js";
import type { Licence } from "./licences.js";
import { permissionFor } from "./access-records.js";
import { redeemedGrantFor } from "./usage-grants.js";
import type { EsealPort } from "./sealed-files.js";

export interface ElicenceOptions {
  /** Session (D1593589959893) lifetime in seconds [SIM]; default 7200. */
  sessionTtlSeconds?: number;
  /** Every call must carry a live session token (access_token / accessToken); default false. */
  requireSession?: boolean;
  /** One-time download URL lifetime in seconds [SIM]; default 600. */
  downloadTtlSeconds?: number;
  /** 2-hour rule threshold in seconds (facts §4.6); default 7200. */
  deliveryThresholdSeconds?: number;
  /** Default validity of an annotated copy in days [SIM]; default 30. */
  annotationDays?: number;
  /** Longest usage grant in days [SIM]; default 366. */
  maxGrantDays?: number;
}

export interface ElicenceDeps {
  seed: Seed;
  library: LicenceLibrary;
  opts: Required<ElicenceOptions>;
}

export const DEFAULT_OPTIONS: Required<ElicenceOptions> = Object.freeze({
  sessionTtlSeconds: 7200,
  requireSession: false,
  downloadTtlSeconds: 600,
  deliveryThresholdSeconds: 7200,
  annotationDays: 30,
  maxGrantDays: 366,
});

/** The organisation an app acts for: its orgCode, named as the seed names it (else the app's own name). */
export function organisationOf(seed: Seed, tenant: Tenant): { uscc: string; name: string } | undefined {
  if (!tenant.orgCode) return undefined;
  return { uscc: tenant.orgCode, name: seed.enterprises.byUscc(tenant.orgCode)?.name ?? tenant.name.split(" / ")[0] };
}

export function esealOf(ctx: HandlerContext): EsealPort | undefined {
  const e = ctx.platforms.get<Partial<EsealPort>>("eseal");
  return e &&
    typeof e.sealDocument === "function" &&
    typeof e.verify === "function" &&
    typeof e.listSeals === "function"
    ? (e as EsealPort)
    : undefined;
}

/** A type by code in the caller's catalogue, else in any tenant's (a department's own types are visible to all). */
export async function findTypeAnywhere(
  deps: ElicenceDeps,
  ctx: HandlerContext,
  paasid: string,
  code: string,
): Promise<LicenceType | undefined> {
  const own = await findLicenceType(ctx.store, code);
  if (own) return own;
  for (const o of deps.library.owners(ctx, paasid)) {
    const t = await findLicenceType(o.store, code);
    if (t) return t;
  }
  return undefined;
}

export type AccessKind = "issuer" | "permission" | "grant";

/** Why the calling department may use this licence, or undefined when it may not (facts §4.5, §8.4). */
export async function accessTo(input: HandlerInput, ctx: HandlerContext, l: Licence): Promise<AccessKind | undefined> {
  if (input.tenant.orgCode && input.tenant.orgCode === l.issuerCode) return "issuer";
  const now = ctx.clock.now();
  if (await permissionFor(ctx.store, l.typeCode, now)) return "permission";
  if (await redeemedGrantFor(ctx.store, l.id, now)) return "grant";
  return undefined;
}

/** Holder code check for sharing queries: 103 for a type other than 111/001 or a code failing its checksum. */
export function holderProblem(
  typeCode: string,
  code: string,
  now: number,
): { zh: string; en: string; location: string } | undefined {
  if (typeCode !== "111" && typeCode !== "001")
    return {
      zh: `持证主体代码类型代码 ${typeCode} 不符合规范，应为 111（公民身份号码）或 001（统一社会信用代码）`,
      en: `holder id-type code ${typeCode} is invalid; use 111 (resident ID number) or 001 (USCC)`,
      location: "/body/holderTypeCode",
    };
  const v = typeCode === "111" ? checkIdNumber(code, now) : checkUscc(code);
  if (!v) return undefined;
  const [zh, en] = v.split(" / ");
  return {
    zh: `持证主体代码 ${code} 无效：${zh}`,
    en: `holder code ${code} is invalid: ${en ?? zh}`,
    location: "/body/holderCode",
  };
}

/** The licence as the sharing services list it. */
export function licenceSummary(
  l: Licence,
  typeName: string | undefined,
  status: { resultCode: number; zh: string; en: string; certState?: string },
  access?: AccessKind,
): Record<string, unknown> {
  const d = l.data;
  const s: Record<string, unknown> = {
    certIdentifier: l.id,
    certTypeCode: l.typeCode,
    certName: d.ZZMC ?? typeName ?? "",
    holderName: d.CZZT,
    holderCode: d.CZZTDM,
    holderTypeCode: d.CZZTDMLXDM,
    certState: status.certState ?? l.certState ?? "",
    status: status.resultCode,
    statusMessage: `${status.zh} / ${status.en}`,
    version: l.version,
  };
  const opt: [string, string | undefined][] = [
    ["certNo", d.ZZBH],
    ["issueDept", d.ZZBFJG],
    ["issueDeptCode", d.ZZBFJGDM],
    ["issueDate", d.ZZBFRQ],
    ["validFrom", d.ZZYXQQSRQ],
    ["validTo", d.ZZYXQJZRQ],
  ];
  for (const [k, v] of opt) if (v) s[k] = v;
  if (access) s.access = access;
  return s;
}

/** Decode strict base64 (standard or URL-safe); undefined when it is not base64. */
export function decodeBase64(v: string): Buffer | undefined {
  const s = v.replace(/\s+/g, "");
  if (!s || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

/** YYYY-MM-DD (end of that day in CST) or an ISO 8601 instant → ms; undefined when unreadable. */
export function parseInstant(v: string, endOfDay = true): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) {
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3]) - 8 * 3600_000;
    return Number.isNaN(t) ? undefined : endOfDay ? t + 86_400_000 - 1 : t;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
