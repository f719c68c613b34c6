// The four public base libraries (facts §5.1, plan §十五) and two departmental sources, derived on demand, O(1) by key.
import { SHANTOU_DISTRICTS } from "../shared/divisions.js";
import { prngFor, type Prng } from "../shared/prng.js";
import type { Enterprise, Person, Seed } from "../shared/seed-types.js";
import { resolveDepartments, type Department } from "./departments.js";
import type { LibraryName } from "./types.js";

export type Row = Record<string, string | number | boolean | null>;

const SURNAMES = [
  "陈",
  "林",
  "黄",
  "李",
  "张",
  "吴",
  "郑",
  "蔡",
  "许",
  "王",
  "杨",
  "刘",
  "谢",
  "周",
  "洪",
  "马",
  "庄",
  "姚",
  "方",
  "余",
];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀",
  "霞",
  "平",
  "辉",
  "鹏",
  "华",
  "玲",
];

function synthName(p: Prng, surname?: string): string {
  return (surname ?? p.pick(SURNAMES)) + p.pick(GIVEN) + (p.next() < 0.6 ? p.pick(GIVEN) : "");
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

/** A date between two years, YYYY-MM-DD, from the PRNG (fixed years, independent of any clock). */
function dateBetween(p: Prng, fromYear: number, toYear: number): string {
  return `${p.int(fromYear, toYear)}-${pad(p.int(1, 12), 2)}-${pad(p.int(1, 28), 2)}`;
}

function addYears(date: string, years: number): string {
  return `${+date.slice(0, 4) + years}${date.slice(4)}`;
}

// ---------------------------------------------------------------- population (人口)

const ETHNIC = ["汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "畲族", "壮族", "满族"];

export function personRow(person: Person, seedValue: string): Row {
  const p = prngFor(seedValue, `population:${person.idNumber}`);
  return {
    XM: person.name,
    SFZH: person.idNumber,
    XB: person.sex === 1 ? "男" : "女",
    MZ: p.pick(ETHNIC),
    CSRQ: person.birthDate,
    ZZ: person.address,
    HJDZ: person.householdAddress,
    XZQHDM: person.districtCode,
    LXDH: person.phone,
  };
}

const RELATIONS = ["户主", "户主", "配偶", "子女", "子女", "父母"];

export function householdRow(person: Person, seedValue: string): Row {
  const p = prngFor(seedValue, `household:${person.idNumber}`);
  const relation = p.pick(RELATIONS);
  const surname = [...person.name][0];
  const head = relation === "户主" ? person.name : synthName(p, relation === "子女" ? surname : undefined);
  return {
    HH: pad(p.int(1, 999_999_999), 9),
    XM: person.name,
    SFZH: person.idNumber,
    YHZGX: relation,
    HZXM: head,
    HLX: p.next() < 0.93 ? "家庭户" : "集体户",
    HJDZ: person.householdAddress,
    HJXZQHDM: person.districtCode,
    HJDJRQ: person.birthDate,
  };
}

// ---------------------------------------------------------------- legal entities (法人单位)

export const SUBJECT_TYPE_ZH: Record<Enterprise["subjectType"] | "person", string> = {
  person: "自然人",
  enterprise: "企业",
  institution: "事业单位",
  government: "机关",
  "social-org": "社会组织",
};

export function entityRow(e: Enterprise): Row {
  return {
    TYSHXYDM: e.uscc,
    JGMC: e.name,
    JGLX: e.entityType,
    ZTLX: SUBJECT_TYPE_ZH[e.subjectType],
    FDDBR: e.legalRepresentative.name,
    FDDBRSFZH: e.legalRepresentative.idNumber,
    ZCZB: e.registeredCapital,
    ZS: e.address,
    XZQHDM: e.districtCode,
    CLRQ: e.establishedDate,
    DJZT: e.status,
  };
}

// ---------------------------------------------------------------- spatial geography (自然资源和空间地理)

/** Bounding boxes (WGS84) of each Shantou district, kept within 116.5–117.0E / 23.2–23.6N [I: approximate]. */
const DISTRICT_BOX: Record<string, { lon: [number, number]; lat: [number, number]; streets: string[] }> = {
  "440507": {
    lon: [116.7, 116.78],
    lat: [23.35, 23.41],
    streets: ["长平路", "黄山路", "金砂东路", "嵩山路", "泰山路", "天山路", "珠池路", "韩江路"],
  },
  "440511": {
    lon: [116.64, 116.71],
    lat: [23.35, 23.42],
    streets: ["金砂路", "外马路", "中山路", "升平路", "大华路", "海滨路", "汕樟路"],
  },
  "440512": {
    lon: [116.69, 116.8],
    lat: [23.24, 23.32],
    streets: ["河浦大道", "礐石路", "达濠大道", "广澳路", "珠浦路"],
  },
  "440513": {
    lon: [116.55, 116.68],
    lat: [23.22, 23.32],
    streets: ["中华路", "东山大道", "新华路", "棉城大道", "和平路"],
  },
  "440514": { lon: [116.5, 116.56], lat: [23.2, 23.29], streets: ["峡山大道", "陈沙公路", "两英大道", "司马浦大道"] },
  "440515": {
    lon: [116.72, 116.86],
    lat: [23.42, 23.55],
    streets: ["澄华路", "文祠路", "中山北路", "莲下大道", "盐鸿路"],
  },
  "440523": { lon: [116.95, 117.0], lat: [23.4, 23.47], streets: ["前江路", "环岛路", "后宅大道", "深澳路"] },
};

const DISTRICT_CODES = Object.keys(SHANTOU_DISTRICTS);
/** 宗地特征码 used: GB 国有建设用地使用权宗地, JC 集体宅基地使用权宗地 (TD/T 1001 style [R]). */
const FEATURES = ["GB", "JC"] as const;
const ZONES = 10;
const SUBZONES = 10;
const PARCELS_PER_BLOCK = 200;
export const PARCEL_COUNT = DISTRICT_CODES.length * ZONES * SUBZONES * FEATURES.length * PARCELS_PER_BLOCK;

const USES_GB = [
  "城镇住宅用地",
  "城镇住宅用地",
  "零售商业用地",
  "商务金融用地",
  "工业用地",
  "机关团体用地",
  "教育用地",
];

/** 宗地代码 of the i-th parcel (0 ≤ i < PARCEL_COUNT). */
export function parcelCodeAt(i: number): string | undefined {
  if (!Number.isInteger(i) || i < 0 || i >= PARCEL_COUNT) return undefined;
  const seq = (i % PARCELS_PER_BLOCK) + 1;
  let r = Math.floor(i / PARCELS_PER_BLOCK);
  const f = r % FEATURES.length;
  r = Math.floor(r / FEATURES.length);
  const sub = (r % SUBZONES) + 1;
  r = Math.floor(r / SUBZONES);
  const zone = (r % ZONES) + 1;
  r = Math.floor(r / ZONES);
  return `${DISTRICT_CODES[r]}${pad(zone, 3)}${pad(sub, 3)}${FEATURES[f]}${pad(seq, 5)}`;
}

export function parcelRow(code: string, seedValue: string): Row | undefined {
  const m = /^(\d{6})(\d{3})(\d{3})(GB|JC)(\d{5})$/.exec(code);
  if (!m) return undefined;
  const [, district, zone, sub, feature, seq] = m;
  const box = DISTRICT_BOX[district];
  if (!box || +zone < 1 || +zone > ZONES || +sub < 1 || +sub > SUBZONES || +seq < 1 || +seq > PARCELS_PER_BLOCK)
    return undefined;
  const p = prngFor(seedValue, `parcel:${code}`);
  const lon = box.lon[0] + p.next() * (box.lon[1] - box.lon[0]);
  const lat = box.lat[0] + p.next() * (box.lat[1] - box.lat[0]);
  const collective = feature === "JC";
  return {
    ZDDM: code,
    XZQHDM: district,
    XZQMC: `汕头市${SHANTOU_DISTRICTS[district]}`,
    ZL: `广东省汕头市${SHANTOU_DISTRICTS[district]}${p.pick(box.streets)}${p.int(1, 320)}号`,
    TDYT: collective ? "农村宅基地" : p.pick(USES_GB),
    QLXZ: collective ? "集体土地使用权" : p.next() < 0.8 ? "出让" : "划拨",
    ZDMJ: Math.round((collective ? 80 + p.next() * 160 : 200 + p.next() * 19_800) * 100) / 100,
    JD: Math.round(lon * 1e6) / 1e6,
    WD: Math.round(lat * 1e6) / 1e6,
    ZBXT: "WGS84",
  };
}

// ---------------------------------------------------------------- social credit (社会信用, five subject types)

export interface CreditSubject {
  code: string;
  name: string;
  /** 自然人 / 企业 / 事业单位 / 机关 / 社会组织 */
  type: string;
}

const PENALTY_KINDS = ["警告", "罚款", "罚款", "没收违法所得", "责令停产停业", "暂扣许可证"];
const PENALTY_REASONS = [
  "未按规定公示年度报告",
  "销售不符合食品安全标准的食品",
  "未取得许可擅自从事经营活动",
  "违反消防安全管理规定",
  "未按规定办理税务登记变更",
  "占道经营",
  "超标排放污染物",
];
const LICENCE_KINDS: [string, string][] = [
  ["食品经营许可证", "普通"],
  ["道路运输经营许可证", "特许"],
  ["排污许可证", "普通"],
  ["建筑施工企业安全生产许可证", "普通"],
  ["医疗机构执业许可证", "普通"],
  ["危险化学品经营许可证", "特许"],
];
const RED_LISTS: Record<string, string[]> = {
  自然人: ["汕头市道德模范", "无偿献血先进个人"],
  企业: ["纳税信用A级纳税人", "守合同重信用企业", "海关高级认证企业"],
  事业单位: ["诚信建设示范单位"],
  机关: ["诚信建设示范单位"],
  社会组织: ["5A级社会组织"],
};
const BLACK_LISTS: Record<string, string[]> = {
  自然人: ["失信被执行人"],
  企业: ["失信被执行人", "重大税收违法失信主体", "严重违法失信企业"],
  事业单位: ["失信被执行人"],
  机关: ["失信被执行人"],
  社会组织: ["活动异常名录"],
};

type Issuer = Required<Department>;

// ---------------------------------------------------------------- the libraries over a Seed

export interface BaseLibraries {
  readonly seed: Seed;
  person(idNumber: string): Row | undefined;
  household(idNumber: string): Row | undefined;
  entity(uscc: string): Row | undefined;
  parcel(code: string): Row | undefined;
  creditSubject(code: string): CreditSubject | undefined;
  penalties(code: string): Row[];
  licences(code: string): Row[];
  redBlack(code: string): Row[];
  pension(idNumber: string): Row | undefined;
  foodLicence(uscc: string): Row | undefined;
  /** Rows of a library resource for a validated query (key items present). */
  rows(library: LibraryName, query: Record<string, unknown>): Row[];
}

export function createBaseLibraries(seed: Seed): BaseLibraries {
  const v = seed.value;
  // only departments with a document-number short form issue penalties, licences and list decisions
  const issuers = [...resolveDepartments(seed).values()].filter((d): d is Issuer => !!d.short);
  const deptFor = (p: Prng): Issuer => p.pick(issuers);

  const creditSubject = (code: string): CreditSubject | undefined => {
    const person = code.length === 18 ? seed.persons.byIdNumber(code) : undefined;
    if (person) return { code, name: person.name, type: "自然人" };
    const e = seed.enterprises.byUscc(code);
    return e ? { code, name: e.name, type: SUBJECT_TYPE_ZH[e.subjectType] } : undefined;
  };

  const subjectCols = (s: CreditSubject): Row => ({ ZTMC: s.name, ZTDM: s.code, ZTLX: s.type });

  const penalties = (code: string): Row[] => {
    const s = creditSubject(code);
    if (!s) return [];
    const p = prngFor(v, `credit.penalties:${code}`);
    const n = p.next() < (s.type === "自然人" ? 0.03 : 0.12) ? p.int(1, 3) : 0;
    const out: Row[] = [];
    for (let i = 0; i < n; i++) {
      const d = deptFor(p);
      const kind = p.pick(PENALTY_KINDS);
      const date = dateBetween(p, 2019, 2024);
      out.push({
        ...subjectCols(s),
        CFWSH: `汕${d.short}罚〔${date.slice(0, 4)}〕${p.int(1, 999)}号`,
        CFLB: kind,
        CFSY: p.pick(PENALTY_REASONS),
        FKJE: kind === "罚款" ? p.int(1, 200) * 500 : 0,
        CFJDRQ: date,
        CFJG: d.name,
        CFJGDM: d.code,
      });
    }
    return out;
  };

  const licences = (code: string): Row[] => {
    const s = creditSubject(code);
    if (!s) return [];
    const p = prngFor(v, `credit.licences:${code}`);
    const n = s.type === "自然人" ? (p.next() < 0.05 ? 1 : 0) : p.next() < 0.7 ? p.int(1, 3) : 0;
    const out: Row[] = [];
    for (let i = 0; i < n; i++) {
      const d = deptFor(p);
      const [name, kind] = p.pick(LICENCE_KINDS);
      const date = dateBetween(p, 2019, 2024);
      out.push({
        ...subjectCols(s),
        XKWSH: `汕${d.short}许〔${date.slice(0, 4)}〕${p.int(1, 9999)}号`,
        XKMC: name,
        XKLB: kind,
        XKJDRQ: date,
        YXQZ: addYears(date, 5),
        XKJG: d.name,
        XKJGDM: d.code,
      });
    }
    return out;
  };

  const redBlack = (code: string): Row[] => {
    const s = creditSubject(code);
    if (!s) return [];
    const p = prngFor(v, `credit.redblack:${code}`);
    const r = p.next();
    const kind = r < 0.03 ? "红名单" : r < 0.05 ? "黑名单" : undefined;
    if (!kind) return [];
    const d = deptFor(p);
    const date = dateBetween(p, 2020, 2024);
    return [
      {
        ...subjectCols(s),
        MDLX: kind,
        MDMC: p.pick((kind === "红名单" ? RED_LISTS : BLACK_LISTS)[s.type]),
        LRRQ: date,
        YXQZ: addYears(date, 3),
        LRJG: d.name,
        LRJGDM: d.code,
      },
    ];
  };

  const person = (id: string) => {
    const x = seed.persons.byIdNumber(id);
    return x && personRow(x, v);
  };
  const household = (id: string) => {
    const x = seed.persons.byIdNumber(id);
    return x && householdRow(x, v);
  };
  const entity = (uscc: string) => {
    const e = seed.enterprises.byUscc(uscc);
    return e && entityRow(e);
  };

  const pension = (id: string): Row | undefined => {
    const x = seed.persons.byIdNumber(id);
    if (!x) return undefined;
    const p = prngFor(v, `dept.pension:${id}`);
    const age = 2024 - +x.birthDate.slice(0, 4);
    if (age < 16) return undefined;
    const employed = p.next() < 0.6 && seed.enterprises.size > 0;
    const employer = employed ? seed.enterprises.at(p.int(0, seed.enterprises.size - 1)) : undefined;
    const start = `${Math.max(+x.birthDate.slice(0, 4) + 18, 1995 + p.int(0, 5))}-${pad(p.int(1, 12), 2)}-01`;
    return {
      XM: x.name,
      SFZH: x.idNumber,
      XZLX: employer ? "企业职工基本养老保险" : "城乡居民基本养老保险",
      CBZT: p.next() < 0.85 ? "正常参保" : p.pick(["暂停缴费", "终止参保"]),
      CBRQ: start,
      JFJS: employer ? p.int(4000, 25000) : 0,
      LJJFYS: p.int(1, 360),
      DWMC: employer?.name ?? null,
    };
  };

  const foodLicence = (uscc: string): Row | undefined => {
    const e = seed.enterprises.byUscc(uscc);
    if (!e || e.subjectType !== "enterprise") return undefined;
    const p = prngFor(v, `dept.food-licence:${uscc}`);
    if (p.next() >= 0.3) return undefined;
    const kind = p.pick([
      ["1", "食品销售经营者"],
      ["2", "餐饮服务经营者"],
      ["3", "单位食堂"],
    ] as const);
    const date = dateBetween(p, 2019, 2024);
    return {
      JYZMC: e.name,
      TYSHXYDM: e.uscc,
      XKZBH: `JY${kind[0]}${e.districtCode}${pad(p.int(1, 999_999), 6)}${p.int(0, 9)}`,
      FDDBR: e.legalRepresentative.name,
      JYCS: e.address,
      ZTYT: kind[1],
      FZRQ: date,
      YXQZ: addYears(date, 5),
      FZJG: "汕头市市场监督管理局",
    };
  };

  const one = (r: Row | undefined): Row[] => (r ? [r] : []);
  const key = (q: Record<string, unknown>, k: string) => String(q[k] ?? "");

  return {
    seed,
    person,
    household,
    entity,
    creditSubject,
    penalties,
    licences,
    redBlack,
    pension,
    foodLicence,
    parcel: (code) => parcelRow(code, v),
    rows(library, q) {
      switch (library) {
        case "population.person":
          return one(person(key(q, "SFZH")));
        case "population.household":
          return one(household(key(q, "SFZH")));
        case "legal.entity":
          return one(entity(key(q, "TYSHXYDM")));
        case "spatial.parcel":
          return one(parcelRow(key(q, "ZDDM"), v));
        case "credit.penalties":
          return penalties(key(q, "ZTDM"));
        case "credit.licences":
          return licences(key(q, "ZTDM"));
        case "credit.redblack": {
          const rows = redBlack(key(q, "ZTDM"));
          return q.MDLX === undefined ? rows : rows.filter((r) => r.MDLX === q.MDLX);
        }
        case "dept.pension":
          return one(pension(key(q, "SFZH")));
        case "dept.food-licence":
          return one(foodLicence(key(q, "TYSHXYDM")));
      }
    },
  };
}
