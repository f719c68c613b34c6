// Licence type catalogue (证照目录): seeded national types and departments' own types, registered then published.
import type { Store } from "../shared/store.js";
import { checkUscc } from "../shared/ids.js";
import { AUTHORITIES, type Authority } from "./issuers.js";
import { ElicenceError } from "./errors.js";

/** Holder id-type codes confirmed by the facts (§4.5, §9): 111 resident ID number, 001 unified social credit code. */
export type HolderTypeCode = "111" | "001";

export const HOLDER_TYPES: Readonly<Record<HolderTypeCode, { zh: string; en: string }>> = Object.freeze({
  "111": { zh: "公民身份号码", en: "resident ID number" },
  "001": { zh: "统一社会信用代码", en: "unified social credit code" },
});

export type LicenceItemType = "string" | "text" | "date" | "number" | "enum";

/** One data item of a licence: a GB/T 36903 core key or a type-specific `KZ_*` extension (facts §4.3). */
export interface LicenceItem {
  key: string;
  zh: string;
  en: string;
  type: LicenceItemType;
  required: boolean;
  /** Allowed values when type is "enum". */
  values?: readonly string[];
  /** Unit printed after a number, e.g. 万元. */
  unit?: string;
  maxLength?: number;
}

/** The GB/T 36903 core metadata every licence carries (facts §4.3, simulator bodies §8.4). */
export const CORE_ITEMS: readonly LicenceItem[] = Object.freeze([
  { key: "ZZMC", zh: "证照名称", en: "licence name", type: "string", required: false, maxLength: 100 },
  { key: "ZZLXDM", zh: "证照类型代码", en: "licence type code", type: "string", required: true, maxLength: 21 },
  { key: "ZZBH", zh: "证照编号", en: "licence number", type: "string", required: false, maxLength: 64 },
  { key: "ZZBS", zh: "证照标识", en: "licence identifier", type: "string", required: false, maxLength: 128 },
  { key: "ZZBFJG", zh: "证照颁发机构", en: "issuer", type: "string", required: false, maxLength: 100 },
  { key: "ZZBFJGDM", zh: "证照颁发机构代码", en: "issuer code", type: "string", required: false, maxLength: 18 },
  { key: "ZZBFRQ", zh: "证照颁发日期", en: "issue date", type: "date", required: false },
  { key: "CZZT", zh: "持证主体", en: "holder", type: "string", required: true, maxLength: 200 },
  { key: "CZZTDM", zh: "持证主体代码", en: "holder code", type: "string", required: true, maxLength: 18 },
  { key: "CZZTDMLX", zh: "持证主体代码类型", en: "holder code type", type: "string", required: false, maxLength: 20 },
  {
    key: "CZZTDMLXDM",
    zh: "持证主体代码类型代码",
    en: "holder code type code",
    type: "string",
    required: true,
    maxLength: 3,
  },
  { key: "ZZYXQQSRQ", zh: "有效期起始日期", en: "valid from", type: "date", required: false },
  { key: "ZZYXQJZRQ", zh: "有效期截止日期", en: "valid until", type: "date", required: false },
] satisfies LicenceItem[]);

export const CORE_KEYS: ReadonlySet<string> = new Set(CORE_ITEMS.map((i) => i.key));

/** Value of ZZYXQJZRQ for licences without an end date (the usual wording on Chinese licences) [SIM]. */
export const LONG_TERM = "长期";

export type LicenceTypeState = "registered" | "published";

export interface LicenceType {
  /** Defining authority's USCC + 3 digits (GB/T 36904, facts §4.2). */
  code: string;
  name: string;
  en: string;
  holderType: HolderTypeCode;
  definer: Authority;
  /** Type-specific `KZ_*` items (facts §4.3). */
  items: readonly LicenceItem[];
  /** Default validity in years when ZZYXQJZRQ is not given; null = long-term (长期). */
  validityYears: number | null;
  state: LicenceTypeState;
  source: "builtin" | "department";
  /** True when the 3-digit sequence is the simulator's own (not taken from a real catalogue). */
  syntheticSequence: boolean;
  registeredAt?: number;
  publishedAt?: number;
}

const s = (key: string, zh: string, en: string, required = false, maxLength = 200): LicenceItem => ({
  key,
  zh,
  en,
  type: "string",
  required,
  maxLength,
});
const t = (key: string, zh: string, en: string, required = false): LicenceItem => ({
  key,
  zh,
  en,
  type: "text",
  required,
  maxLength: 2000,
});
const d = (key: string, zh: string, en: string, required = false): LicenceItem => ({
  key,
  zh,
  en,
  type: "date",
  required,
});
const n = (key: string, zh: string, en: string, unit: string, required = false): LicenceItem => ({
  key,
  zh,
  en,
  type: "number",
  required,
  unit,
});
const e = (key: string, zh: string, en: string, values: string[], required = false): LicenceItem => ({
  key,
  zh,
  en,
  type: "enum",
  required,
  values,
});

const SEX = ["男", "女"];

function builtin(
  def: Authority,
  seq: string,
  name: string,
  en: string,
  holderType: HolderTypeCode,
  validityYears: number | null,
  items: LicenceItem[],
): LicenceType {
  return Object.freeze({
    code: def.uscc + seq,
    name,
    en,
    holderType,
    definer: def,
    items: Object.freeze(items),
    validityYears,
    state: "published",
    source: "builtin",
    syntheticSequence: true,
  });
}

const A = AUTHORITIES;

/** The seeded national licence types. Sequences are the simulator's own; see each definer's `synthetic` flag. */
export const BUILTIN_LICENCE_TYPES: readonly LicenceType[] = Object.freeze([
  builtin(A.samr, "001", "营业执照", "Business licence", "001", null, [
    s("KZ_LX", "类型", "entity type", true, 50),
    s("KZ_FDDBR", "法定代表人", "legal representative", true, 50),
    n("KZ_ZCZB", "注册资本", "registered capital", "万元"),
    d("KZ_CLRQ", "成立日期", "date of establishment", true),
    s("KZ_ZS", "住所", "domicile", true),
    t("KZ_JYFW", "经营范围", "business scope"),
  ]),
  builtin(A.samr, "002", "食品经营许可证", "Food business licence", "001", 5, [
    s("KZ_FDDBR", "法定代表人（负责人）", "legal representative (person in charge)", true, 50),
    s("KZ_ZS", "住所", "domicile", true),
    s("KZ_JYCS", "经营场所", "business premises", true),
    e("KZ_ZTYT", "主体业态", "business format", ["食品销售经营者", "餐饮服务经营者", "单位食堂"], true),
    t("KZ_JYXM", "经营项目", "business items", true),
  ]),
  builtin(A.mnr, "001", "不动产权证书", "Real estate title certificate", "111", null, [
    s("KZ_BDCQZH", "不动产权证号", "real estate title number", true, 60),
    e("KZ_GYQK", "共有情况", "co-ownership", ["单独所有", "共同共有", "按份共有"], true),
    s("KZ_ZL", "坐落", "location", true),
    s("KZ_BDCDYH", "不动产单元号", "real estate unit number", true, 28),
    s("KZ_QLLX", "权利类型", "right type", true, 60),
    s("KZ_YT", "用途", "use", true, 60),
    n("KZ_MJ", "面积", "area", "平方米", true),
    s("KZ_SYQX", "使用期限", "term of use", false, 100),
  ]),
  builtin(A.mca, "001", "结婚证", "Marriage certificate", "111", null, [
    s("KZ_ZH", "字号", "certificate reference", true, 40),
    d("KZ_DJRQ", "登记日期", "registration date", true),
    s("KZ_POXM", "配偶姓名", "spouse's name", true, 50),
    s("KZ_POSFZH", "配偶身份证件号", "spouse's ID number", true, 18),
  ]),
  builtin(A.nhc, "001", "出生医学证明", "Medical birth certificate", "111", null, [
    e("KZ_XB", "性别", "sex", SEX, true),
    d("KZ_CSRQ", "出生日期", "date of birth", true),
    s("KZ_CSDD", "出生地点", "place of birth", true),
    s("KZ_MQXM", "母亲姓名", "mother's name", true, 50),
    s("KZ_FQXM", "父亲姓名", "father's name", false, 50),
  ]),
  builtin(A.cdpf, "001", "残疾人证", "Disability certificate", "111", 10, [
    e("KZ_XB", "性别", "sex", SEX, true),
    d("KZ_CSRQ", "出生日期", "date of birth", true),
    e("KZ_CJLB", "残疾类别", "disability category", ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"], true),
    e("KZ_CJDJ", "残疾等级", "disability grade", ["一级", "二级", "三级", "四级"], true),
    s("KZ_ZZ", "住址", "address", false),
  ]),
  builtin(A.nmpa, "001", "药品经营许可证", "Drug business licence", "001", 5, [
    s("KZ_FDDBR", "法定代表人", "legal representative", true, 50),
    s("KZ_ZLFZR", "质量负责人", "person responsible for quality", true, 50),
    s("KZ_ZCDZ", "注册地址", "registered address", true),
    s("KZ_CKDZ", "仓库地址", "warehouse address", false),
    e("KZ_JYFS", "经营方式", "mode of operation", ["批发", "零售连锁", "零售"], true),
    t("KZ_JYFW", "经营范围", "business scope", true),
  ]),
  builtin(A.mot, "001", "道路运输经营许可证", "Road transport business licence", "001", 4, [
    s("KZ_JJLX", "经济类型", "economic type", true, 50),
    s("KZ_DZ", "地址", "address", true),
    t("KZ_JYFW", "经营范围", "business scope", true),
  ]),
  builtin(A.mohurd, "101", "建筑施工企业安全生产许可证", "Work-safety licence for construction enterprises", "001", 3, [
    s("KZ_ZYFZR", "主要负责人", "principal person in charge", true, 50),
    s("KZ_DWDZ", "单位地址", "address", true),
    s("KZ_JJLX", "经济类型", "economic type", true, 50),
    s("KZ_XKFW", "许可范围", "scope of permission", true),
  ]),
  builtin(A.mohurd, "102", "建筑业企业资质证书", "Construction enterprise qualification certificate", "001", 5, [
    s("KZ_FDDBR", "法定代表人", "legal representative", true, 50),
    s("KZ_JJXZ", "经济性质", "nature of ownership", true, 50),
    n("KZ_ZCZB", "注册资本", "registered capital", "万元"),
    t("KZ_ZZLB", "资质类别及等级", "qualification categories and grades", true),
  ]),
  builtin(A.mps, "001", "机动车驾驶证", "Motor vehicle driving licence", "111", 6, [
    e("KZ_XB", "性别", "sex", SEX, true),
    s("KZ_GJ", "国籍", "nationality", true, 30),
    s("KZ_ZZ", "住址", "address", true),
    d("KZ_CSRQ", "出生日期", "date of birth", true),
    d("KZ_CCLZRQ", "初次领证日期", "date first licensed", true),
    e(
      "KZ_ZJCX",
      "准驾车型",
      "permitted vehicle class",
      ["A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "D", "E", "F"],
      true,
    ),
  ]),
]);

/** Type codes of the seeded types, by a readable name. */
export const LICENCE_TYPE_CODES = Object.freeze({
  businessLicence: A.samr.uscc + "001",
  foodBusiness: A.samr.uscc + "002",
  realEstate: A.mnr.uscc + "001",
  marriage: A.mca.uscc + "001",
  birth: A.nhc.uscc + "001",
  disability: A.cdpf.uscc + "001",
  drugBusiness: A.nmpa.uscc + "001",
  roadTransport: A.mot.uscc + "001",
  constructionSafety: A.mohurd.uscc + "101",
  constructionQualification: A.mohurd.uscc + "102",
  drivingLicence: A.mps.uscc + "001",
});

const BUILTIN_BY_CODE: ReadonlyMap<string, LicenceType> = new Map(BUILTIN_LICENCE_TYPES.map((lt) => [lt.code, lt]));

export const TYPE_KIND = "elicence.type";

/** A seeded or department-registered type by code (registered-but-unpublished types included). */
export async function findLicenceType(store: Store, code: string): Promise<LicenceType | undefined> {
  return BUILTIN_BY_CODE.get(code) ?? (await store.get<LicenceType>(TYPE_KIND, code));
}

/** A type that exists and is published, else an ElicenceError with result code 13 (facts §4.5). */
export async function requirePublishedType(store: Store, code: string): Promise<LicenceType> {
  const lt = await findLicenceType(store, code);
  if (!lt)
    throw new ElicenceError("TYPE_NOT_FOUND", `证照类型 ${code} 不存在`, `licence type ${code} does not exist`, {
      location: "/ZZLXDM",
      seen: code,
    });
  if (lt.state !== "published")
    throw new ElicenceError(
      "TYPE_NOT_PUBLISHED",
      `证照类型 ${code}（${lt.name}）已注册但未发布，请先发布`,
      `licence type ${code} (${lt.en}) is registered but not published; publish it first`,
      { location: "/ZZLXDM", seen: code },
    );
  return lt;
}

/** Seeded types plus this tenant's registered ones; `publishedOnly` hides unpublished drafts. */
export async function listLicenceTypes(
  store: Store,
  opts: { publishedOnly?: boolean; definer?: string } = {},
): Promise<LicenceType[]> {
  const own = await store.list<LicenceType>(TYPE_KIND);
  return [...BUILTIN_LICENCE_TYPES, ...own].filter(
    (lt) => (!opts.publishedOnly || lt.state === "published") && (!opts.definer || lt.definer.uscc === opts.definer),
  );
}

/** What a department submits when it registers a type of its own (目录编制和注册). */
export interface LicenceTypeDraft {
  /** Full 21-char code, or just the 3-digit sequence; omitted = next free sequence under the definer. */
  code?: string;
  name: string;
  en?: string;
  holderType: string;
  items?: LicenceItem[];
  validityYears?: number | null;
}

const ITEM_TYPES: readonly LicenceItemType[] = ["string", "text", "date", "number", "enum"];

function invalid(location: string, zh: string, en: string, seen?: unknown): ElicenceError {
  return new ElicenceError("INVALID_FIELD", zh, en, { location, seen });
}

function checkItems(items: LicenceItem[]): LicenceItem[] {
  const seen = new Set<string>();
  return items.map((it, i) => {
    const at = `/items/${i}`;
    if (!/^KZ_[A-Z0-9_]{1,40}$/.test(it?.key ?? ""))
      throw invalid(
        `${at}/key`,
        "扩展项名称应以 KZ_ 开头，只含大写字母、数字和下划线",
        "extension item keys must start with KZ_ and use upper-case letters, digits and underscores",
        it?.key,
      );
    if (seen.has(it.key))
      throw invalid(`${at}/key`, `扩展项 ${it.key} 重复`, `extension item ${it.key} appears twice`, it.key);
    seen.add(it.key);
    if (!ITEM_TYPES.includes(it.type))
      throw invalid(
        `${at}/type`,
        `扩展项类型应为 ${ITEM_TYPES.join("/")}`,
        `item type must be one of ${ITEM_TYPES.join(", ")}`,
        it.type,
      );
    if (it.type === "enum" && !(Array.isArray(it.values) && it.values.length > 0))
      throw invalid(`${at}/values`, "枚举型扩展项须给出取值列表", "an enum item needs a list of values", it.values);
    if (!it.zh) throw invalid(`${at}/zh`, "扩展项须有中文名称", "an item needs a Chinese label", it.zh);
    return {
      key: it.key,
      zh: it.zh,
      en: it.en ?? it.key,
      type: it.type,
      required: !!it.required,
      values: it.values,
      unit: it.unit,
      maxLength: it.maxLength,
    };
  });
}

/**
 * Register a department's own licence type under its USCC (目录编制和注册, plan §(十一)). The type starts as
 * "registered" and cannot be used for issuance until published.
 */
export async function registerLicenceType(
  store: Store,
  draft: LicenceTypeDraft,
  definer: Authority,
  now: number,
): Promise<LicenceType> {
  const uv = checkUscc(definer.uscc);
  if (uv)
    throw new ElicenceError(
      "INVALID_ISSUER_CODE",
      `定义机构代码无效：${uv.split(" / ")[0]}`,
      `defining authority code invalid: ${uv.split(" / ")[1] ?? uv}`,
      { location: "/definer", seen: definer.uscc },
    );
  if (!draft?.name)
    throw new ElicenceError("REQUIRED_FIELD_MISSING", "证照类型名称不能为空", "the type name is required", {
      location: "/name",
    });
  if (draft.holderType !== "111" && draft.holderType !== "001")
    throw new ElicenceError(
      "INVALID_HOLDER_TYPE",
      "持证主体代码类型代码应为 111（公民身份号码）或 001（统一社会信用代码）",
      "holder type code must be 111 (resident ID) or 001 (USCC)",
      { location: "/holderType", seen: draft.holderType },
    );
  let code: string;
  if (draft.code && draft.code.length === 21) {
    if (!draft.code.startsWith(definer.uscc))
      throw new ElicenceError(
        "NOT_TYPE_OWNER",
        `证照类型代码须以本机构统一社会信用代码 ${definer.uscc} 开头`,
        `the type code must start with your own USCC ${definer.uscc}`,
        { location: "/code", seen: draft.code },
      );
    code = draft.code;
  } else if (draft.code) {
    if (!/^\d{3}$/.test(draft.code))
      throw invalid(
        "/code",
        "证照类型代码应为21位，或只给3位顺序号",
        "give the full 21-char type code or only its 3-digit sequence",
        draft.code,
      );
    code = definer.uscc + draft.code;
  } else {
    const used = new Set((await listLicenceTypes(store, { definer: definer.uscc })).map((lt) => lt.code.slice(18)));
    let n = 1;
    while (used.has(String(n).padStart(3, "0"))) n++;
    if (n > 999)
      throw invalid("/code", "该机构的证照类型顺序号已用尽", "this authority has used all 999 type sequences");
    code = definer.uscc + String(n).padStart(3, "0");
  }
  if (!/^\d{3}$/.test(code.slice(18)))
    throw invalid("/code", "证照类型代码末3位应为数字", "the last 3 characters of a type code must be digits", code);
  if (await findLicenceType(store, code))
    throw new ElicenceError("TYPE_EXISTS", `证照类型 ${code} 已存在`, `licence type ${code} already exists`, {
      location: "/code",
      seen: code,
    });
  const lt: LicenceType = {
    code,
    name: draft.name,
    en: draft.en ?? draft.name,
    holderType: draft.holderType,
    definer: { ...definer },
    items: checkItems(draft.items ?? []),
    validityYears: draft.validityYears ?? null,
    state: "registered",
    source: "department",
    syntheticSequence: false,
    registeredAt: now,
  };
  await store.put(TYPE_KIND, code, lt, { index: { definer: definer.uscc } });
  return lt;
}

/** Publish a registered type so licences of it can be issued and shared; only its definer may do so. */
export async function publishLicenceType(
  store: Store,
  code: string,
  definerUscc: string,
  now: number,
): Promise<LicenceType> {
  const lt = await findLicenceType(store, code);
  if (!lt)
    throw new ElicenceError("TYPE_NOT_FOUND", `证照类型 ${code} 不存在`, `licence type ${code} does not exist`, {
      location: "/code",
      seen: code,
    });
  if (lt.definer.uscc !== definerUscc)
    throw new ElicenceError(
      "NOT_TYPE_OWNER",
      `证照类型 ${code} 由 ${lt.definer.name} 定义，只有定义机构可以发布`,
      `licence type ${code} is defined by ${lt.definer.en}; only its definer may publish it`,
      { location: "/code", seen: code },
    );
  if (lt.state === "published") return lt;
  const published: LicenceType = { ...lt, state: "published", publishedAt: now };
  await store.put(TYPE_KIND, code, published, { index: { definer: definerUscc } });
  return published;
}
