// Seeded licences, generated on demand from the shared seed: every enterprise's 营业执照, other licences for some persons.
import type { Enterprise, Person, Seed } from "../shared/seed-types.js";
import { makeLicenceId, parseLicenceId } from "../shared/ids.js";
import { governmentBodiesOf } from "../shared/seed/index.js";
import { prngFor, type Prng } from "../shared/prng.js";
import { BUILTIN_LICENCE_TYPES, LICENCE_TYPE_CODES, LONG_TERM, HOLDER_TYPES, type LicenceType } from "./catalogue.js";
import { localIssuer, type Authority, type LocalIssuerKind } from "./issuers.js";
import { addYears, type Licence, type LicenceData, type LicenceSource } from "./licences.js";
import type { CertState } from "./licence-states.js";

/**
 * Seeded licences are dated relative to this day, not the clock, so the same seed gives the same licences on every
 * machine; whether one has expired is still decided by the tenant's clock (licenceStatus). Same day as the shared
 * seed's reference date.
 */
export const SEED_LICENCE_REFERENCE_DATE = "2025-01-01";

const TYPES = new Map<string, LicenceType>(BUILTIN_LICENCE_TYPES.map((t) => [t.code, t]));
const C = LICENCE_TYPE_CODES;

/** Shares of seeded holders with each licence [SIM]: chosen to make lookups by holder find something often. */
export const SEED_SHARES = Object.freeze({
  foodBusiness: 0.12,
  drivingLicence: 0.45,
  marriage: 0.35,
  realEstate: 0.2,
  birth: 0.6,
  disability: 0.03,
});

const ts = (date: string): number => Date.parse(date + "T09:00:00+08:00");

/** Seed government bodies by name, for issuer look-ups, cached per seed. */
const govCache = new WeakMap<Seed, Map<string, Authority>>();
function governmentBodies(seed: Seed): Map<string, Authority> {
  let m = govCache.get(seed);
  if (!m) {
    m = new Map(
      governmentBodiesOf(seed).map((e) => [e.name, { uscc: e.uscc, name: e.name, en: e.name, synthetic: true }]),
    );
    govCache.set(seed, m);
  }
  return m;
}

/** Build the issuing-body index now rather than on the first look-up. */
export function prepareSeedIssuers(seed: Seed): void {
  governmentBodies(seed);
}

function issuerFor(seed: Seed, kind: LocalIssuerKind, division: string): Authority {
  return localIssuer(kind, division, (name) => governmentBodies(seed).get(name));
}

function licenseCodeFor(issuer: string, date: string, r: Prng): string {
  const division = /^\d{6}$/.test(issuer.slice(2, 8)) ? issuer.slice(2, 8) : "440000";
  // "9" + 7 digits keeps seeded codes clear of the tenants' sequences, which start at 00000001.
  return division + date.slice(0, 4) + "9" + String(r.int(0, 9_999_999)).padStart(7, "0");
}

function build(
  typeCode: string,
  issuer: Authority,
  serial: string,
  holder: { name: string; code: string },
  dates: { issued: string; from: string; to: string },
  kz: Record<string, string | number | undefined>,
  r: Prng,
  opts: { number?: string; certState?: CertState; stateReason?: string } = {},
): Licence {
  const lt = TYPES.get(typeCode)!;
  const id = makeLicenceId(typeCode, issuer.uscc, serial, "001");
  const data: LicenceData = {
    ZZMC: lt.name,
    ZZLXDM: typeCode,
    ZZBH: opts.number ?? serial,
    ZZBS: id,
    ZZBFJG: issuer.name,
    ZZBFJGDM: issuer.uscc,
    ZZBFRQ: dates.issued,
    CZZT: holder.name,
    CZZTDM: holder.code,
    CZZTDMLX: HOLDER_TYPES[lt.holderType].zh,
    CZZTDMLXDM: lt.holderType,
    ZZYXQQSRQ: dates.from,
    ZZYXQJZRQ: dates.to,
  };
  for (const [k, v] of Object.entries(kz)) if (v !== undefined && v !== "") data[k] = String(v);
  const at = ts(dates.issued);
  const certState = opts.certState ?? "01";
  const history: Licence["history"] = [{ at, action: "issue", operateType: "01", certState: "01" }];
  if (certState !== "01")
    history.push({
      at: ts(SEED_LICENCE_REFERENCE_DATE),
      action: "revoke",
      operateType: "05",
      certState,
      reason: opts.stateReason,
    });
  return {
    id,
    licenseCode: licenseCodeFor(issuer.uscc, dates.issued, r),
    typeCode,
    issuerCode: issuer.uscc,
    serial,
    version: "001",
    data,
    stage: "issued",
    certState,
    stateReason: opts.stateReason,
    createdAt: at,
    issuedAt: at,
    updatedAt: at,
    origin: "seed",
    history,
  };
}

function randomDate(r: Prng, from: string, to: string): string {
  const a = Date.parse(from),
    b = Date.parse(to);
  if (b <= a) return from;
  return new Date(a + Math.floor(r.next() * ((b - a) / 86400_000)) * 86400_000).toISOString().slice(0, 10);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

const SCOPES: Record<string, string[]> = {
  default: [
    "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；日用百货销售；五金产品零售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "一般项目：服装服饰批发；服装服饰零售；针纺织品销售；玩具销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "许可项目：食品销售；餐饮服务。一般项目：食用农产品零售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    "一般项目：塑料制品制造；塑料制品销售；模具制造；模具销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "一般项目：国内贸易代理；货物进出口；技术进出口。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
  ],
};

/** The seeded licences of one legal person: its 营业执照 (market entities only) and maybe a 食品经营许可证. */
export function seedLicencesOfEnterprise(seed: Seed, e: Enterprise): Licence[] {
  if (e.subjectType !== "enterprise") return [];
  const r = prngFor(seed.value, `elicence:business:${e.uscc}`);
  const issuer = issuerFor(seed, "market", e.districtCode);
  // Licences showing a USCC were (re)issued from the code reform on (late 2015); older firms were re-issued then.
  const issued = e.establishedDate >= "2016-01-01" ? e.establishedDate : randomDate(r, "2016-01-01", "2018-12-31");
  const revoked: CertState | undefined = e.status === "吊销" ? "07" : e.status === "注销" ? "04" : undefined;
  const out: Licence[] = [
    build(
      C.businessLicence,
      issuer,
      e.uscc,
      { name: e.name, code: e.uscc },
      { issued, from: e.establishedDate, to: r.next() < 0.8 ? LONG_TERM : addYears(e.establishedDate, 30) },
      {
        KZ_LX: e.entityType,
        KZ_FDDBR: e.legalRepresentative.name,
        KZ_ZCZB: e.registeredCapital,
        KZ_CLRQ: e.establishedDate,
        KZ_ZS: e.address,
        KZ_JYFW: r.pick(SCOPES.default),
      },
      r,
      { number: e.uscc, certState: revoked, stateReason: revoked ? `企业${e.status}` : undefined },
    ),
  ];
  const rf = prngFor(seed.value, `elicence:food:${e.uscc}`);
  if (!revoked && rf.next() < SEED_SHARES.foodBusiness) {
    const from = randomDate(rf, issued, SEED_LICENCE_REFERENCE_DATE);
    out.push(
      build(
        C.foodBusiness,
        issuer,
        e.uscc,
        { name: e.name, code: e.uscc },
        { issued: from, from, to: addYears(from, 5) },
        {
          KZ_FDDBR: e.legalRepresentative.name,
          KZ_ZS: e.address,
          KZ_JYCS: e.address,
          KZ_ZTYT: rf.pick(["食品销售经营者", "餐饮服务经营者"]),
          KZ_JYXM: rf.pick(["预包装食品（含冷藏冷冻食品）销售", "热食类食品制售", "预包装食品销售；散装食品销售"]),
        },
        rf,
        { number: "JY1" + e.districtCode + String(rf.int(0, 99_999_999)).padStart(8, "0") },
      ),
    );
  }
  return out;
}

const GIVEN = [
  "伟",
  "芳",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "洁",
  "俊",
  "婷",
  "锐",
  "鸿",
  "泽",
  "晓",
  "佳",
  "雯",
  "浩",
  "宇",
];
const SURNAMES = ["陈", "林", "黄", "李", "张", "吴", "郑", "蔡", "许", "谢", "王", "刘", "杨", "马"];

function age(birth: string, at: string): number {
  const a = +at.slice(0, 4) - +birth.slice(0, 4);
  return at.slice(5) >= birth.slice(5) ? a : a - 1;
}

/** The same calendar date N years later (29 Feb rolls to 1 Mar). */
function plusYears(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * 86400_000).toISOString().slice(0, 10);
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** A seeded person of the other sex, of about the same age and at least 20 on the wedding day (else none). */
function pickSpouse(seed: Seed, p: Person, day: string, r: Prng): Person | undefined {
  for (let k = 0; k < 12; k++) {
    const q = seed.persons.at(r.int(0, seed.persons.size - 1));
    if (
      q &&
      q.sex !== p.sex &&
      Math.abs(+q.birthDate.slice(0, 4) - +p.birthDate.slice(0, 4)) <= 6 &&
      age(q.birthDate, day) >= 20
    )
      return q;
  }
  return undefined;
}

/** The seeded licences of one person (deterministic per seed and person; independent stream per licence type). */
export function seedLicencesOfPerson(seed: Seed, p: Person): Licence[] {
  const ref = SEED_LICENCE_REFERENCE_DATE;
  const years = age(p.birthDate, ref);
  const holder = { name: p.name, code: p.idNumber };
  const sex = p.sex === 1 ? "男" : "女";
  const stream = (kind: string) => prngFor(seed.value, `elicence:${kind}:${p.idNumber}`);
  const out: Licence[] = [];

  let r = stream("driving");
  if (years >= 18 && r.next() < SEED_SHARES.drivingLicence) {
    // First licence valid 6 years, the next 10, then long-term (the usual renewal cycle) [R].
    const first = randomDate(r, plusYears(p.birthDate, 18), minDate(plusYears(p.birthDate, 40), ref));
    let issued = first,
      to = addYears(first, 6);
    if (plusYears(first, 6) <= ref) {
      issued = plusYears(first, 6);
      to = addYears(issued, 10);
    }
    if (plusYears(first, 16) <= ref) {
      issued = plusYears(first, 16);
      to = LONG_TERM;
    }
    out.push(
      build(
        C.drivingLicence,
        issuerFor(seed, "police", p.districtCode),
        p.idNumber,
        holder,
        { issued, from: issued, to },
        {
          KZ_XB: sex,
          KZ_GJ: "中国",
          KZ_ZZ: p.address,
          KZ_CSRQ: p.birthDate,
          KZ_CCLZRQ: first,
          KZ_ZJCX: r.next() < 0.75 ? "C1" : r.pick(["C2", "B2", "A2", "A1", "B1"]),
        },
        r,
      ),
    );
  }

  r = stream("marriage");
  if (years >= 22 && r.next() < SEED_SHARES.marriage) {
    const day = randomDate(r, plusYears(p.birthDate, 22), minDate(plusYears(p.birthDate, 36), ref));
    const spouse = pickSpouse(seed, p, day, r);
    const zh = `J${p.districtCode}-${day.slice(0, 4)}-${String(r.int(1, 9999)).padStart(6, "0")}`;
    if (spouse)
      out.push(
        build(
          C.marriage,
          issuerFor(seed, "civil", p.districtCode),
          p.idNumber,
          holder,
          { issued: day, from: day, to: LONG_TERM },
          {
            KZ_ZH: zh,
            KZ_DJRQ: day,
            KZ_POXM: spouse.name,
            KZ_POSFZH: spouse.idNumber,
          },
          r,
          { number: zh },
        ),
      );
  }

  r = stream("realestate");
  if (years >= 25 && r.next() < SEED_SHARES.realEstate) {
    const day = randomDate(r, plusYears(p.birthDate, 25), ref);
    const y = day.slice(0, 4);
    const no = `粤（${y}）汕头市不动产权第${String(r.int(1, 999_999)).padStart(7, "0")}号`;
    const landStart = `${+y - r.int(0, 10)}-01-01`;
    out.push(
      build(
        C.realEstate,
        issuerFor(seed, "land", p.districtCode),
        p.idNumber,
        holder,
        { issued: day, from: day, to: LONG_TERM },
        {
          KZ_BDCQZH: no,
          KZ_GYQK: r.next() < 0.6 ? "单独所有" : "共同共有",
          KZ_ZL: p.address,
          KZ_BDCDYH: `${p.districtCode}${String(r.int(1, 999)).padStart(3, "0")}${String(r.int(1, 999)).padStart(3, "0")}GB${String(r.int(1, 99999)).padStart(5, "0")}F${String(r.int(1, 99_999_999)).padStart(8, "0")}`,
          KZ_QLLX: "国有建设用地使用权/房屋所有权",
          KZ_YT: "城镇住宅用地/住宅",
          KZ_MJ: (r.int(4500, 18000) / 100).toFixed(2),
          KZ_SYQX: `国有建设用地使用权 ${landStart} 起 ${+landStart.slice(0, 4) + 70}-12-31 止`,
        },
        r,
        { number: no },
      ),
    );
  }

  r = stream("birth");
  if (p.birthDate >= "1996-01-01" && r.next() < SEED_SHARES.birth) {
    const surname = [...p.name][0];
    const issued = plusDays(p.birthDate, r.int(1, 20));
    const number = r.pick(["M", "N", "O", "P", "Q"]) + "44" + String(r.int(0, 9_999_999)).padStart(7, "0");
    out.push(
      build(
        C.birth,
        issuerFor(seed, "health", p.districtCode),
        p.idNumber,
        holder,
        { issued, from: p.birthDate, to: LONG_TERM },
        {
          KZ_XB: sex,
          KZ_CSRQ: p.birthDate,
          KZ_CSDD: "广东省汕头市",
          KZ_MQXM: r.pick(SURNAMES) + r.pick(GIVEN) + r.pick(GIVEN),
          KZ_FQXM: surname + r.pick(GIVEN) + r.pick(GIVEN),
        },
        r,
        { number },
      ),
    );
  }

  r = stream("disability");
  const disabledFrom = maxDate(plusYears(p.birthDate, 1), "2014-01-01");
  if (r.next() < SEED_SHARES.disability && disabledFrom < "2024-12-31") {
    const issued = randomDate(r, disabledFrom, "2024-12-31");
    const cat = r.int(1, 7),
      grade = r.int(1, 4);
    out.push(
      build(
        C.disability,
        issuerFor(seed, "disabled", p.districtCode),
        p.idNumber,
        holder,
        { issued, from: issued, to: addYears(issued, 10) },
        {
          KZ_XB: sex,
          KZ_CSRQ: p.birthDate,
          KZ_CJLB: ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"][cat - 1],
          KZ_CJDJ: ["一级", "二级", "三级", "四级"][grade - 1],
          KZ_ZZ: p.address,
        },
        r,
        { number: `${p.idNumber}${cat}${grade}` },
      ),
    );
  }
  return out;
}

/**
 * The seed's licences as a LicenceSource: generated on demand per holder (never all at once), with a small bounded
 * cache. Identifiers are resolved through the serial, which is the holder's USCC or ID number.
 */
export function seedLicenceSource(seed: Seed, opts: { cacheSize?: number } = {}): LicenceSource {
  const max = opts.cacheSize ?? 4096;
  const cache = new Map<string, Licence[]>();
  const ofHolder = (typeCode: string, code: string): Licence[] => {
    const key = typeCode + ":" + code;
    let hit = cache.get(key);
    if (hit) return hit;
    if (typeCode === "001") {
      const e = seed.enterprises.byUscc(code);
      hit = e ? seedLicencesOfEnterprise(seed, e) : [];
    } else if (typeCode === "111") {
      const p = seed.persons.byIdNumber(code);
      hit = p ? seedLicencesOfPerson(seed, p) : [];
    } else hit = [];
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
    return hit;
  };
  return {
    byHolder: (holderTypeCode, holderCode) => ofHolder(holderTypeCode, holderCode),
    byId(id) {
      const parts = parseLicenceId(id);
      const lt = parts && TYPES.get(parts.typeCode);
      if (!parts || !lt || parts.version !== "001") return undefined;
      return ofHolder(lt.holderType, parts.serial).find((l) => l.id === id);
    },
  };
}
