// Licence issuance domain: create (制证), issue (签发), change (变更 → new version), delete, annul, withhold, archive.
import type { LicenceCatalogueRecord } from "../shared/licence-catalogue-record.js";
import type { PlatformSequences } from "../shared/sequences.js";
import type { Store } from "../shared/store.js";
import { checkIdNumber, checkLicenceId, checkUscc, makeLicenceId, parseLicenceId } from "../shared/ids.js";
import { ElicenceError, type ResultCode } from "./errors.js";
import {
  CORE_ITEMS,
  HOLDER_TYPES,
  LONG_TERM,
  requirePublishedType,
  findLicenceType,
  type HolderTypeCode,
  type LicenceItem,
  type LicenceType,
} from "./catalogue.js";
import { CERT_STATES, ANNULLED_STATES, type CertState, type OperateType, type RevokeKind } from "./licence-states.js";
import type { Authority } from "./issuers.js";

/** Licence data under the GB/T 36903 keys (ZZMC, ZZLXDM, …, KZ_*), all values as strings (facts §4.3, §8.4). */
export type LicenceData = Record<string, string>;

/** "created" = 制证数据 made but not issued (may be changed in place or deleted); "issued" = 已签发. */
export type LicenceStage = "created" | "issued";

export type LicenceAction = "create" | "issue" | "modify" | "change" | "revoke" | "suspend" | "return" | "archive";

export interface LicenceHistoryEntry {
  at: number;
  action: LicenceAction;
  /** operateType of the 住建部 exchange table, for actions that have one (facts §4.4). */
  operateType?: OperateType;
  /** certState after the action. */
  certState?: CertState;
  reason?: string;
  /** The other version, for changes (associatedZzeCertID). */
  relatedId?: string;
}

export interface Licence {
  /** ZZBS: GB/T 36904 identifier. */
  id: string;
  /** The platform's own id for the licence data (Guangdong `license_code`, e.g. 440000201800000001, facts §4.5). */
  licenseCode: string;
  typeCode: string;
  issuerCode: string;
  serial: string;
  version: string;
  data: LicenceData;
  stage: LicenceStage;
  /** Set once issued (facts §4.4); effective state (expiry) comes from licenceStatus(). */
  certState?: CertState;
  stateReason?: string;
  /** The version this one replaced (associatedZzeCertID, facts §4.4). */
  previousId?: string;
  /** The version that replaced this one. */
  nextId?: string;
  createdAt: number;
  issuedAt?: number;
  updatedAt: number;
  archivedAt?: number;
  /** "seed" = part of the shared seed (a tenant's change is stored as its own copy). */
  origin: "tenant" | "seed";
  history: LicenceHistoryEntry[];
}

/** Licence catalogue record sent to the data-sharing platform (facts §4.3 column names; 2-hour rule §4.6). */
export type CatalogueRecord = LicenceCatalogueRecord & {
  /** When the catalogue information was produced (ms, tenant clock): the start of the 2-hour window. */
  produced_at: number;
};

/** Read-only licences that exist without being stored (the shared seed); see seed-licences.ts. */
export interface LicenceSource {
  byId(id: string): Licence | undefined;
  byHolder(holderTypeCode: string, holderCode: string): Licence[];
}

/** Where licences live: the tenant's store, plus the shared seed's licences underneath it. */
export interface LicenceEnv {
  store: Store;
  seedLicences?: LicenceSource;
  /** Platform-wide sequences: codes and serials unique across tenants (without it, per store: unit tests). */
  sequences?: PlatformSequences;
}

export const LICENCE_KIND = "elicence.licence";
const SEQ_KIND = "elicence.seq";
const HOLDER_KIND = "elicence.holder";
const CODE_KIND = "elicence.code";

// ---------------------------------------------------------------------------------------------------------------
// Dates. Licences carry calendar dates; the platform is in China, so days are counted in UTC+8.

const CST_MS = 8 * 3600_000;

/** YYYY-MM-DD of a moment in China Standard Time. */
export function cstDate(ms: number): string {
  return new Date(ms + CST_MS).toISOString().slice(0, 10);
}

function parseDate(v: string): { y: number; m: number; d: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const y = +m[1],
    mo = +m[2],
    d = +m[3];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d ? { y, m: mo, d } : null;
}

/** First instant (ms) after the end of a CST calendar day. */
function endOfDayMs(date: string): number {
  const p = parseDate(date)!;
  return Date.UTC(p.y, p.m - 1, p.d + 1) - CST_MS;
}

function isLongTerm(v: string | undefined): boolean {
  return !v || v === LONG_TERM || v === "9999-12-31";
}

/** The day before the same date N years later (a 5-year licence from 2024-05-01 runs to 2029-04-30). */
export function addYears(date: string, years: number): string {
  const p = parseDate(date)!;
  return new Date(Date.UTC(p.y + years, p.m - 1, p.d - 1)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------------
// Serialising mutations per store, so counters and version chains never interleave.

const locks = new WeakMap<Store, Promise<unknown>>();

function withLock<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(store) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  locks.set(
    store,
    run.catch(() => undefined),
  );
  return run;
}

async function nextSeq(env: LicenceEnv, key: string): Promise<number> {
  const own = (await env.store.get<number>(SEQ_KIND, key)) ?? 0;
  const n = env.sequences ? await env.sequences.take(key, own) : own + 1;
  await env.store.put(SEQ_KIND, key, n);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading.

/** A licence by identifier: the tenant's copy first, else the shared seed's. */
export async function getLicence(env: LicenceEnv, id: string): Promise<Licence | undefined> {
  return (await env.store.get<Licence>(LICENCE_KIND, id)) ?? env.seedLicences?.byId(id);
}

/** A licence by identifier (1.2.156.3005.2.…) or by the platform's license_code. */
export async function findLicence(env: LicenceEnv, idOrCode: string): Promise<Licence | undefined> {
  if (idOrCode.startsWith("1.2.156.")) return getLicence(env, idOrCode);
  const id = await env.store.get<string>(CODE_KIND, idOrCode);
  return id ? getLicence(env, id) : undefined;
}

export async function requireLicence(env: LicenceEnv, idOrCode: string): Promise<Licence> {
  const l = await findLicence(env, idOrCode);
  if (!l)
    throw new ElicenceError("LICENCE_NOT_FOUND", `证照 ${idOrCode} 不存在`, `licence ${idOrCode} does not exist`, {
      seen: idOrCode,
    });
  return l;
}

/**
 * A holder's licences: the tenant's and the seed's (the tenant's copy wins). By default only issued, current
 * versions (not superseded by a change); `typeCode` narrows to one type.
 */
export async function listLicencesByHolder(
  env: LicenceEnv,
  holderTypeCode: string,
  holderCode: string,
  opts: { typeCode?: string; includeSuperseded?: boolean; includeUnissued?: boolean } = {},
): Promise<Licence[]> {
  const ownIds = (await env.store.get<string[]>(HOLDER_KIND, holderKey(holderTypeCode, holderCode))) ?? [];
  const byId = new Map<string, Licence>();
  for (const l of env.seedLicences?.byHolder(holderTypeCode, holderCode) ?? []) byId.set(l.id, l);
  for (const id of ownIds) {
    const l = await env.store.get<Licence>(LICENCE_KIND, id);
    if (l) byId.set(l.id, l);
  }
  return [...byId.values()].filter(
    (l) =>
      (!opts.typeCode || l.typeCode === opts.typeCode) &&
      (opts.includeSuperseded || !l.nextId) &&
      (opts.includeUnissued || l.stage === "issued"),
  );
}

/** Every version of a licence's chain, oldest first (001, 002, …). */
export async function listVersions(env: LicenceEnv, id: string): Promise<Licence[]> {
  let first = await requireLicence(env, id);
  for (let guard = 0; first.previousId && guard < 1000; guard++)
    first = (await getLicence(env, first.previousId)) ?? first;
  const out = [first];
  for (let cur = first; cur.nextId && out.length < 1000;) {
    const next = await getLicence(env, cur.nextId);
    if (!next) break;
    out.push(next);
    cur = next;
  }
  return out;
}

export interface LicenceStatus {
  stage: LicenceStage;
  /** Effective certState: "05" once the validity end date has passed on the clock given. */
  certState?: CertState;
  zh: string;
  en: string;
  /** Sharing-service result code for using the licence now: 0 usable, 21 annulled/superseded, 22 expired, 23 restricted. */
  resultCode: ResultCode;
  usable: boolean;
  expired: boolean;
  supersededBy?: string;
}

/** The licence's effective status at `now` (tenant clock): stored certState plus expiry from ZZYXQJZRQ. */
export function licenceStatus(l: Licence, now: number): LicenceStatus {
  if (l.stage === "created")
    // [SIM] An unissued licence is not usable; 23 (restricted) is the nearest documented code.
    return {
      stage: l.stage,
      zh: "证照尚未签发，不能使用",
      en: "licence not issued yet; it cannot be used",
      resultCode: 23,
      usable: false,
      expired: false,
    };
  const st = l.certState ?? "01";
  const end = l.data.ZZYXQJZRQ;
  const expired = !isLongTerm(end) && parseDate(end) !== null && now >= endOfDayMs(end);
  if (l.nextId)
    return {
      stage: l.stage,
      certState: st,
      zh: `证照已变更，现行版本为 ${l.nextId}`,
      en: `licence changed; the current version is ${l.nextId}`,
      resultCode: 21,
      usable: false,
      expired,
      supersededBy: l.nextId,
    };
  if (ANNULLED_STATES.includes(st))
    return {
      stage: l.stage,
      certState: st,
      zh: `证照已${CERT_STATES[st].zh}${l.stateReason ? `：${l.stateReason}` : ""}`,
      en: `licence ${CERT_STATES[st].en}${l.stateReason ? `: ${l.stateReason}` : ""}`,
      resultCode: 21,
      usable: false,
      expired,
    };
  if (expired || st === "05")
    return {
      stage: l.stage,
      certState: "05",
      zh: `证照已过期（有效期至 ${end}）`,
      en: `licence expired (valid until ${end})`,
      resultCode: 22,
      usable: false,
      expired: true,
    };
  if (st === "02")
    return {
      stage: l.stage,
      certState: st,
      zh: `证照已暂扣${l.stateReason ? `：${l.stateReason}` : ""}`,
      en: `licence withheld${l.stateReason ? `: ${l.stateReason}` : ""}`,
      resultCode: 23,
      usable: false,
      expired,
    };
  if (st !== "01")
    return {
      stage: l.stage,
      certState: st,
      zh: `证照状态为${CERT_STATES[st].zh}`,
      en: `licence state is ${CERT_STATES[st].en}`,
      resultCode: 23,
      usable: false,
      expired,
    };
  return { stage: l.stage, certState: "01", zh: "有效", en: "valid", resultCode: 0, usable: true, expired: false };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of bodies.

/** Holder code check by holder type: 111 → GB 11643, 001 → GB 32100; any other type code → result 103 (facts §4.5). */
export function validateHolder(
  holderTypeCode: unknown,
  holderCode: unknown,
  now: number,
  expectedType?: HolderTypeCode,
): void {
  if (holderTypeCode !== "111" && holderTypeCode !== "001")
    throw new ElicenceError(
      "INVALID_HOLDER_TYPE",
      `持证主体代码类型代码 ${String(holderTypeCode)} 不符合规范，应为 111（公民身份号码）或 001（统一社会信用代码）`,
      `holder id-type code ${String(holderTypeCode)} is invalid; use 111 (resident ID number) or 001 (unified social credit code)`,
      { location: "/CZZTDMLXDM", seen: holderTypeCode },
    );
  if (expectedType && holderTypeCode !== expectedType)
    throw new ElicenceError(
      "INVALID_HOLDER_TYPE",
      `该证照类型的持证主体代码类型应为 ${expectedType}（${HOLDER_TYPES[expectedType].zh}），实际为 ${holderTypeCode}`,
      `this licence type is held under id type ${expectedType} (${HOLDER_TYPES[expectedType].en}), got ${holderTypeCode}`,
      { location: "/CZZTDMLXDM", seen: holderTypeCode },
    );
  if (typeof holderCode !== "string" || holderCode === "")
    throw new ElicenceError(
      "REQUIRED_FIELD_MISSING",
      "持证主体代码 CZZTDM 不能为空",
      "holder code CZZTDM is required",
      { location: "/CZZTDM" },
    );
  const v = holderTypeCode === "111" ? checkIdNumber(holderCode, now) : checkUscc(holderCode);
  if (v) {
    const [zh, en] = v.split(" / ");
    throw new ElicenceError(
      "INVALID_HOLDER_CODE",
      `持证主体代码 ${holderCode} 无效：${zh}`,
      `holder code ${holderCode} is invalid: ${en ?? zh}`,
      { location: "/CZZTDM", seen: holderCode },
    );
  }
}

function fieldError(item: LicenceItem, zh: string, en: string, seen?: unknown): ElicenceError {
  return new ElicenceError("INVALID_FIELD", `${item.key}（${item.zh}）${zh}`, `${item.key} (${item.en}) ${en}`, {
    location: `/${item.key}`,
    seen,
  });
}

/** One value, normalised to a string, checked against its item definition. */
function checkValue(item: LicenceItem, raw: unknown): string {
  let v: string;
  if (typeof raw === "number" && Number.isFinite(raw)) v = String(raw);
  else if (typeof raw === "string") v = raw.trim();
  else throw fieldError(item, "应为字符串", "must be a string", raw);
  if (item.maxLength && [...v].length > item.maxLength)
    throw fieldError(item, `不能超过 ${item.maxLength} 个字符`, `must be at most ${item.maxLength} characters`, v);
  switch (item.type) {
    case "date":
      if (item.key === "ZZYXQJZRQ" && isLongTerm(v)) return v || LONG_TERM;
      if (!parseDate(v)) throw fieldError(item, "应为有效日期 YYYY-MM-DD", "must be a real date YYYY-MM-DD", v);
      break;
    case "number":
      if (!/^-?\d+(\.\d+)?$/.test(v)) throw fieldError(item, "应为数字", "must be a number", raw);
      break;
    case "enum":
      if (!item.values?.includes(v))
        throw fieldError(item, `应为 ${item.values?.join("、")} 之一`, `must be one of ${item.values?.join(", ")}`, v);
      break;
  }
  return v;
}

const IMMUTABLE_ON_CHANGE = ["ZZLXDM", "ZZBS", "ZZBFJGDM", "CZZTDM", "CZZTDMLXDM"];

/** Check a whole body against the core items and the type's KZ_* items; returns normalised data. */
function checkBody(body: Record<string, unknown>, lt: LicenceType): LicenceData {
  const items = new Map<string, LicenceItem>([...CORE_ITEMS, ...lt.items].map((i) => [i.key, i]));
  const out: LicenceData = {};
  for (const [k, raw] of Object.entries(body)) {
    const item = items.get(k);
    if (!item) {
      if (k.startsWith("KZ_"))
        throw new ElicenceError(
          "UNKNOWN_FIELD",
          `证照类型 ${lt.name} 没有扩展项 ${k}，可用扩展项：${lt.items.map((i) => i.key).join("、") || "无"}`,
          `licence type ${lt.en} has no extension item ${k}; its items: ${lt.items.map((i) => i.key).join(", ") || "none"}`,
          { location: `/${k}`, seen: k },
        );
      throw new ElicenceError(
        "UNKNOWN_FIELD",
        `未知字段 ${k}，请使用 GB/T 36903 元数据项或 KZ_ 扩展项`,
        `unknown field ${k}; use GB/T 36903 metadata keys or KZ_ extension items`,
        { location: `/${k}`, seen: k },
      );
    }
    if (raw === undefined || raw === null || raw === "") continue;
    out[k] = checkValue(item, raw);
  }
  for (const item of lt.items)
    if (item.required && !out[item.key])
      throw new ElicenceError(
        "REQUIRED_FIELD_MISSING",
        `${lt.name}的必填扩展项 ${item.key}（${item.zh}）为空`,
        `required item ${item.key} (${item.en}) of ${lt.en} is empty`,
        { location: `/${item.key}` },
      );
  return out;
}

function checkValidity(data: LicenceData): void {
  const from = data.ZZYXQQSRQ,
    to = data.ZZYXQJZRQ;
  if (from && to && !isLongTerm(to) && to < from)
    throw new ElicenceError(
      "INVALID_FIELD",
      `有效期截止日期 ${to} 早于起始日期 ${from}`,
      `valid-until ${to} is before valid-from ${from}`,
      { location: "/ZZYXQJZRQ", seen: to },
    );
}

/** Fill dates decided at issue: issue date, validity start, and the type's default validity (or 长期). */
function fillIssueDates(data: LicenceData, lt: LicenceType, now: number): void {
  data.ZZBFRQ ??= cstDate(now);
  data.ZZYXQQSRQ ??= data.ZZBFRQ;
  data.ZZYXQJZRQ ??= lt.validityYears ? addYears(data.ZZYXQQSRQ, lt.validityYears) : LONG_TERM;
  checkValidity(data);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

function indexOf(l: Licence): Record<string, string> {
  return { type: l.typeCode, issuer: l.issuerCode };
}

const holderKey = (typeCode: string, code: string): string => `${typeCode}:${code}`;

/**
 * Save a licence and keep two look-up records of our own: holder → identifiers and license_code → identifier.
 * Store.list by index scans every record of a kind, which would make query-by-holder linear in the number of
 * licences a tenant has issued; these keep it proportional to the holder's own licences.
 */
async function save(env: LicenceEnv, l: Licence): Promise<void> {
  const existed = await env.store.get<Licence>(LICENCE_KIND, l.id);
  await env.store.put(LICENCE_KIND, l.id, l, { index: indexOf(l) });
  if (existed) return;
  const hk = holderKey(l.data.CZZTDMLXDM, l.data.CZZTDM);
  const ids = (await env.store.get<string[]>(HOLDER_KIND, hk)) ?? [];
  await env.store.put(HOLDER_KIND, hk, [...ids, l.id]);
  await env.store.put(CODE_KIND, l.licenseCode, l.id);
}

async function unsave(env: LicenceEnv, l: Licence): Promise<void> {
  await env.store.delete(LICENCE_KIND, l.id);
  const hk = holderKey(l.data.CZZTDMLXDM, l.data.CZZTDM);
  const ids = ((await env.store.get<string[]>(HOLDER_KIND, hk)) ?? []).filter((x) => x !== l.id);
  if (ids.length) await env.store.put(HOLDER_KIND, hk, ids);
  else await env.store.delete(HOLDER_KIND, hk);
  await env.store.delete(CODE_KIND, l.licenseCode);
}

/** Guangdong-style license_code: 6-digit division of the issuer + year + 8-digit sequence (facts §4.5 sample). */
async function newLicenseCode(env: LicenceEnv, issuerCode: string, now: number): Promise<string> {
  const division = /^\d{6}$/.test(issuerCode.slice(2, 8)) ? issuerCode.slice(2, 8) : "440000";
  const n = await nextSeq(env, `licenseCode:${division}`);
  return division + cstDate(now).slice(0, 4) + String(n).padStart(8, "0");
}

export interface IssueOptions {
  now: number;
  /** The issuing organisation (the tenant's org); body ZZBFJG/ZZBFJGDM take precedence when given. */
  issuer?: Authority | { uscc: string; name: string };
  /** A serial of the caller's choosing (upper-case [0-9A-Z]); default year + 6-digit sequence. */
  serial?: string;
}

export interface IssueResult {
  licence: Licence;
  /** The catalogue record to publish to the data-sharing platform (2-hour rule, facts §4.6). */
  catalogueRecord: CatalogueRecord;
}

/** 创建制证数据: validate the body, assign the GB/T 36904 identifier and license_code; the licence is not yet issued. */
export function createLicence(env: LicenceEnv, body: unknown, opts: IssueOptions): Promise<Licence> {
  return withLock(env.store, () => createUnlocked(env, body, opts));
}

/** 颁发机构: the body's, else the calling app's organisation; the code must be a valid USCC (GB 32100). */
function fillIssuer(data: LicenceData, opts: IssueOptions): void {
  data.ZZBFJGDM ??= opts.issuer?.uscc ?? "";
  data.ZZBFJG ??= opts.issuer?.name ?? "";
  if (!data.ZZBFJGDM)
    throw new ElicenceError(
      "REQUIRED_FIELD_MISSING",
      "颁发机构代码 ZZBFJGDM 不能为空",
      "issuer code ZZBFJGDM is required",
      { location: "/ZZBFJGDM" },
    );
  const iv = checkUscc(data.ZZBFJGDM);
  if (iv)
    throw new ElicenceError(
      "INVALID_ISSUER_CODE",
      `颁发机构代码 ${data.ZZBFJGDM} 无效：${iv.split(" / ")[0]}`,
      `issuer code ${data.ZZBFJGDM} is invalid: ${iv.split(" / ")[1] ?? iv}`,
      { location: "/ZZBFJGDM", seen: data.ZZBFJGDM },
    );
  if (!data.ZZBFJG)
    throw new ElicenceError(
      "REQUIRED_FIELD_MISSING",
      "颁发机构名称 ZZBFJG 不能为空",
      "issuer name ZZBFJG is required",
      { location: "/ZZBFJG" },
    );
}

/** The serial: the given identifier's, the caller's own (`serial`), else year + a 6-digit sequence per type and issuer. */
async function serialOf(env: LicenceEnv, data: LicenceData, typeCode: string, opts: IssueOptions): Promise<string> {
  if (data.ZZBS) {
    const v = checkLicenceId(data.ZZBS);
    if (v)
      throw new ElicenceError(
        "INVALID_IDENTIFIER",
        `证照标识 ZZBS 无效：${v.split(" / ")[0]}`,
        `identifier ZZBS is invalid: ${v.split(" / ")[1] ?? v}`,
        { location: "/ZZBS", seen: data.ZZBS },
      );
    const p = parseLicenceId(data.ZZBS)!;
    if (p.typeCode !== typeCode || p.issuerCode !== data.ZZBFJGDM || p.version !== "001")
      throw new ElicenceError(
        "INVALID_IDENTIFIER",
        "证照标识中的类型代码、颁发机构代码应与 ZZLXDM、ZZBFJGDM 一致，新证版本号应为 001",
        "the identifier's type and issuer parts must match ZZLXDM and ZZBFJGDM, and a new licence's version must be 001",
        { location: "/ZZBS", seen: data.ZZBS },
      );
    return p.serial;
  } else if (opts.serial) {
    if (!/^[0-9A-Z]{1,40}$/.test(opts.serial))
      throw new ElicenceError(
        "INVALID_IDENTIFIER",
        "流水号只能含数字和大写字母",
        "serial must be digits and upper-case letters",
        { location: "/serial", seen: opts.serial },
      );
    return opts.serial;
  } else {
    // Year + 6-digit sequence per type and issuer, like the serial 2024000123 of the worked example (facts §4.2).
    const year = cstDate(opts.now).slice(0, 4);
    return year + String(await nextSeq(env, `serial:${typeCode}:${data.ZZBFJGDM}:${year}`)).padStart(6, "0");
  }
}

async function createUnlocked(env: LicenceEnv, body: unknown, opts: IssueOptions): Promise<Licence> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new ElicenceError(
      "REQUIRED_FIELD_MISSING",
      "请求体应为证照数据对象",
      "the body must be an object of licence data",
    );
  const b = body as Record<string, unknown>;
  if (!b.ZZLXDM)
    throw new ElicenceError(
      "REQUIRED_FIELD_MISSING",
      "证照类型代码 ZZLXDM 不能为空",
      "licence type code ZZLXDM is required",
      { location: "/ZZLXDM" },
    );
  const lt = await requirePublishedType(env.store, String(b.ZZLXDM));
  validateHolder(b.CZZTDMLXDM, b.CZZTDM, opts.now, lt.holderType);
  if (!b.CZZT)
    throw new ElicenceError("REQUIRED_FIELD_MISSING", "持证主体 CZZT 不能为空", "holder name CZZT is required", {
      location: "/CZZT",
    });
  const data = checkBody(b, lt);
  data.ZZMC ??= lt.name;
  data.CZZTDMLX = HOLDER_TYPES[lt.holderType].zh;
  fillIssuer(data, opts);
  checkValidity(data);

  const serial = await serialOf(env, data, lt.code, opts);
  const id = data.ZZBS ?? makeLicenceId(lt.code, data.ZZBFJGDM, serial, "001");
  if (await getLicence(env, id))
    throw new ElicenceError("LICENCE_EXISTS", `证照标识 ${id} 已存在`, `licence identifier ${id} already exists`, {
      location: "/ZZBS",
      seen: id,
    });
  data.ZZBS = id;
  data.ZZBH ??= serial;

  const licence: Licence = {
    id,
    licenseCode: await newLicenseCode(env, data.ZZBFJGDM, opts.now),
    typeCode: lt.code,
    issuerCode: data.ZZBFJGDM,
    serial,
    version: "001",
    data,
    stage: "created",
    createdAt: opts.now,
    updatedAt: opts.now,
    origin: "tenant",
    history: [{ at: opts.now, action: "create" }],
  };
  await save(env, licence);
  return licence;
}

function illegal(l: Licence, action: string, actionEn: string, why: string, whyEn: string): ElicenceError {
  return new ElicenceError(
    "ILLEGAL_TRANSITION",
    `证照 ${l.id} 不能${action}：${why}`,
    `licence ${l.id} cannot be ${actionEn}: ${whyEn}`,
    { seen: l.id },
  );
}

/** Refuse an action on a licence that is not issued, superseded, annulled or expired, with the reason why. */
function requireIssuedCurrent(
  l: Licence,
  now: number,
  action: string,
  actionEn: string,
  allow: { suspended?: boolean; expired?: boolean } = {},
): void {
  if (l.stage !== "issued") throw illegal(l, action, actionEn, "尚未签发", "it has not been issued");
  const st = licenceStatus(l, now);
  if (st.supersededBy)
    throw new ElicenceError(
      "SUPERSEDED",
      `证照 ${l.id} 已变更，不能${action}，请对现行版本 ${st.supersededBy} 操作`,
      `licence ${l.id} has been changed and cannot be ${actionEn}; act on the current version ${st.supersededBy}`,
      { seen: l.id },
    );
  if (l.certState && ANNULLED_STATES.includes(l.certState))
    throw new ElicenceError(
      "LICENCE_REVOKED",
      `证照 ${l.id} 已${CERT_STATES[l.certState].zh}，不能${action}`,
      `licence ${l.id} is ${CERT_STATES[l.certState].en} and cannot be ${actionEn}`,
      { seen: l.id },
    );
  if (st.expired && !allow.expired)
    throw new ElicenceError(
      "LICENCE_EXPIRED",
      `证照 ${l.id} 已过期（有效期至 ${l.data.ZZYXQJZRQ}），不能${action}，请办理延续`,
      `licence ${l.id} expired on ${l.data.ZZYXQJZRQ} and cannot be ${actionEn}; renew it`,
      { seen: l.id },
    );
  if (l.certState === "02" && !allow.suspended)
    throw new ElicenceError(
      "LICENCE_SUSPENDED",
      `证照 ${l.id} 已暂扣，不能${action}，请先发还`,
      `licence ${l.id} is withheld and cannot be ${actionEn}; return it first`,
      { seen: l.id },
    );
}

function copyForWrite(l: Licence): Licence {
  return { ...l, data: { ...l.data }, history: [...l.history] };
}

/** 签发一张证照: issue a created licence; its catalogue information is produced now (2-hour rule). */
export function issueLicence(env: LicenceEnv, idOrCode: string, opts: { now: number }): Promise<IssueResult> {
  return withLock(env.store, () => issueUnlocked(env, idOrCode, opts.now));
}

async function issueUnlocked(env: LicenceEnv, idOrCode: string, now: number): Promise<IssueResult> {
  const cur = await requireLicence(env, idOrCode);
  if (cur.stage === "issued")
    throw illegal(
      cur,
      "重复签发",
      "issued again",
      "已于 " + cstDate(cur.issuedAt ?? now) + " 签发",
      "it was already issued on " + cstDate(cur.issuedAt ?? now),
    );
  const lt = await requirePublishedType(env.store, cur.typeCode);
  const l = copyForWrite(cur);
  fillIssueDates(l.data, lt, now);
  l.stage = "issued";
  l.certState = "01";
  l.issuedAt = now;
  l.updatedAt = now;
  l.history.push({ at: now, action: "issue", operateType: "01", certState: "01" });
  await save(env, l);
  return { licence: l, catalogueRecord: catalogueRecordOf(l, lt, now) };
}

/** 制证签发数据: create and issue in one step. */
export function createAndIssueLicence(env: LicenceEnv, body: unknown, opts: IssueOptions): Promise<IssueResult> {
  return withLock(env.store, async () => {
    const l = await createUnlocked(env, body, opts);
    return issueUnlocked(env, l.id, opts.now);
  });
}

export interface ModifyResult {
  /** The licence after the change: the same (unissued) record, or the new version of an issued one. */
  licence: Licence;
  /** The replaced version, when an issued licence was changed (变更). */
  previous?: Licence;
  /** Catalogue record of the new version, when one was issued. */
  catalogueRecord?: CatalogueRecord;
}

/** The licence data after a change: immutable items refused, an empty value removes an optional item. */
function mergedChanges(cur: Licence, changes: Record<string, unknown>, now: number): Record<string, unknown> {
  const ch = changes;
  for (const k of IMMUTABLE_ON_CHANGE)
    if (k in ch && ch[k] !== cur.data[k])
      throw new ElicenceError(
        "INVALID_FIELD",
        `${k} 不可修改：类型、颁发机构、标识和持证主体代码决定了证照本身，请废止后重新制证`,
        `${k} cannot be changed: type, issuer, identifier and holder code define the licence; annul it and create a new one`,
        { location: `/${k}`, seen: ch[k] },
      );
  if (cur.stage === "issued") requireIssuedCurrent(cur, now, "变更", "changed");
  const merged: Record<string, unknown> = { ...cur.data };
  for (const [k, v] of Object.entries(ch)) {
    if (v === null || v === "") delete merged[k];
    else merged[k] = v;
  }
  if (cur.stage === "issued") {
    // A change takes effect on the day it is made: new issue date, same validity unless changed.
    if (!("ZZBFRQ" in ch)) delete merged.ZZBFRQ;
  }
  return merged;
}

/**
 * 修改制证数据. An unissued licence is changed in place. An issued one is changed (变更, operateType 09): a new
 * version (002, …) with the same serial is issued, linked to the old one, whose certState becomes 05 失效.
 * Type, issuer, identifier and holder code cannot change; an empty value removes an optional item.
 */
export function modifyLicence(
  env: LicenceEnv,
  idOrCode: string,
  changes: unknown,
  opts: { now: number; reason?: string },
): Promise<ModifyResult> {
  return withLock(env.store, async () => {
    const cur = await requireLicence(env, idOrCode);
    if (!changes || typeof changes !== "object" || Array.isArray(changes) || Object.keys(changes).length === 0)
      throw new ElicenceError(
        "REQUIRED_FIELD_MISSING",
        "请给出要修改的证照数据项",
        "give the licence data items to change",
      );
    const lt = (await findLicenceType(env.store, cur.typeCode))!;
    const merged = mergedChanges(cur, changes as Record<string, unknown>, opts.now);
    const data = checkBody(merged, lt);
    if (!data.CZZT)
      throw new ElicenceError("REQUIRED_FIELD_MISSING", "持证主体 CZZT 不能为空", "holder name CZZT is required", {
        location: "/CZZT",
      });
    checkValidity(data);

    if (cur.stage === "created") {
      const l = copyForWrite(cur);
      l.data = data;
      l.updatedAt = opts.now;
      l.history.push({ at: opts.now, action: "modify", reason: opts.reason });
      await save(env, l);
      return { licence: l };
    }

    const version = String(+cur.version + 1).padStart(3, "0");
    if (version.length > 3) throw illegal(cur, "变更", "changed", "版本号已达 999", "version 999 reached");
    const id = makeLicenceId(cur.typeCode, cur.issuerCode, cur.serial, version);
    data.ZZBS = id;
    fillIssueDates(data, lt, opts.now);
    const next: Licence = {
      id,
      licenseCode: await newLicenseCode(env, cur.issuerCode, opts.now),
      typeCode: cur.typeCode,
      issuerCode: cur.issuerCode,
      serial: cur.serial,
      version,
      data,
      stage: "issued",
      certState: "01",
      previousId: cur.id,
      createdAt: opts.now,
      issuedAt: opts.now,
      updatedAt: opts.now,
      origin: "tenant",
      history: [
        { at: opts.now, action: "change", operateType: "09", certState: "01", relatedId: cur.id, reason: opts.reason },
      ],
    };
    const old = copyForWrite(cur);
    old.certState = "05";
    old.stateReason = `已变更为 ${id}`;
    old.nextId = id;
    old.updatedAt = opts.now;
    old.history.push({
      at: opts.now,
      action: "change",
      operateType: "09",
      certState: "05",
      relatedId: id,
      reason: opts.reason,
    });
    await save(env, old);
    await save(env, next);
    return { licence: next, previous: old, catalogueRecord: catalogueRecordOf(next, lt, opts.now) };
  });
}

/** 删除制证数据: only licence data that has not been issued; issued licences are annulled instead. */
export function deleteLicence(env: LicenceEnv, idOrCode: string, _opts: { now: number }): Promise<Licence> {
  return withLock(env.store, async () => {
    const cur = await requireLicence(env, idOrCode);
    if (cur.stage === "issued")
      throw illegal(
        cur,
        "删除",
        "deleted",
        "已签发的证照不能删除，请使用废止",
        "an issued licence cannot be deleted; annul it instead",
      );
    await unsave(env, cur);
    return cur;
  });
}

/**
 * 废止一张证照 (facts §4.5): certState 03 撤销 (default), 04 注销 or 07 吊销; operateType 05. Allowed on valid,
 * withheld and expired licences; refused on ones already annulled or superseded.
 */
export function revokeLicence(
  env: LicenceEnv,
  idOrCode: string,
  opts: { now: number; kind?: RevokeKind; reason?: string },
): Promise<Licence> {
  return withLock(env.store, async () => {
    const kind = opts.kind ?? "03";
    if (!["03", "04", "07"].includes(kind))
      throw new ElicenceError(
        "INVALID_FIELD",
        "废止方式应为 03 撤销、04 注销 或 07 吊销",
        "annulment kind must be 03 revoked, 04 cancelled or 07 revoked (penalty)",
        { location: "/kind", seen: kind },
      );
    const cur = await requireLicence(env, idOrCode);
    if (cur.stage !== "issued")
      throw illegal(
        cur,
        "废止",
        "annulled",
        "尚未签发，未签发的制证数据请直接删除",
        "it has not been issued; delete unissued licence data instead",
      );
    requireIssuedCurrent(cur, opts.now, "废止", "annulled", { suspended: true, expired: true });
    const l = copyForWrite(cur);
    l.certState = kind;
    l.stateReason = opts.reason;
    l.updatedAt = opts.now;
    l.history.push({ at: opts.now, action: "revoke", operateType: "05", certState: kind, reason: opts.reason });
    await save(env, l);
    return l;
  });
}

/** 暂扣: withhold a valid licence (certState 02, operateType 03). */
export function suspendLicence(
  env: LicenceEnv,
  idOrCode: string,
  opts: { now: number; reason?: string },
): Promise<Licence> {
  return withLock(env.store, async () => {
    const cur = await requireLicence(env, idOrCode);
    requireIssuedCurrent(cur, opts.now, "暂扣", "withheld");
    const l = copyForWrite(cur);
    l.certState = "02";
    l.stateReason = opts.reason;
    l.updatedAt = opts.now;
    l.history.push({ at: opts.now, action: "suspend", operateType: "03", certState: "02", reason: opts.reason });
    await save(env, l);
    return l;
  });
}

/** 暂扣发还: return a withheld licence (certState 01, operateType 06). */
export function returnLicence(
  env: LicenceEnv,
  idOrCode: string,
  opts: { now: number; reason?: string },
): Promise<Licence> {
  return withLock(env.store, async () => {
    const cur = await requireLicence(env, idOrCode);
    requireIssuedCurrent(cur, opts.now, "发还", "returned", { suspended: true, expired: true });
    if (cur.certState !== "02") throw illegal(cur, "发还", "returned", "未被暂扣", "it is not withheld");
    const l = copyForWrite(cur);
    l.certState = "01";
    l.stateReason = undefined;
    l.updatedAt = opts.now;
    l.history.push({ at: opts.now, action: "return", operateType: "06", certState: "01", reason: opts.reason });
    await save(env, l);
    return l;
  });
}

/** 归档电子文件: mark an issued licence archived (the file itself comes from licence-file.ts). */
export function archiveLicence(env: LicenceEnv, idOrCode: string, opts: { now: number }): Promise<Licence> {
  return withLock(env.store, async () => {
    const cur = await requireLicence(env, idOrCode);
    if (cur.stage !== "issued") throw illegal(cur, "归档", "archived", "尚未签发", "it has not been issued");
    const l = copyForWrite(cur);
    l.archivedAt = opts.now;
    l.updatedAt = opts.now;
    l.history.push({ at: opts.now, action: "archive", certState: l.certState });
    await save(env, l);
    return l;
  });
}

/** The licence's catalogue record (`certificate_*`, facts §4.3), produced at `producedAt`. */
export function catalogueRecordOf(l: Licence, lt: Pick<LicenceType, "name">, producedAt: number): CatalogueRecord {
  const d = l.data;
  return {
    // Jurisdiction: the issuer's registration division (USCC positions 3–8, facts §6.2).
    certificate_area_code: /^\d{6}$/.test(l.issuerCode.slice(2, 8)) ? l.issuerCode.slice(2, 8) : "440000",
    certificate_holder: d.CZZT,
    certificate_holder_code: d.CZZTDM,
    certificate_holder_type: d.CZZTDMLXDM,
    certificate_name: d.ZZMC,
    certificate_number: d.ZZBH,
    certificate_source_id: l.id,
    certificate_type: lt.name,
    certificate_type_code: l.typeCode,
    issue_date: d.ZZBFRQ,
    issue_dept: d.ZZBFJG,
    issue_dept_code: d.ZZBFJGDM,
    produced_at: producedAt,
  };
}
