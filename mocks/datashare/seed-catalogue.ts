// Seeded catalogue entries (facts §5.1 metadata): the base libraries' resources and departmental ones of each share type.
import { department } from "./departments.js";
import { serviceIdFor } from "./service-id.js";
import type { Seed } from "../shared/seed-types.js";
import type { CatalogueEntry, InfoItem, LibraryName } from "./types.js";
import type { Row } from "./base-libraries.js";

const I = (
  code: string,
  name: string,
  type: InfoItem["type"],
  length: number,
  extra: Partial<InfoItem> = {},
): InfoItem => ({ code, name, type, length, ...extra });

const SFZH = I("SFZH", "公民身份号码", "C", 18, { sensitive: true, format: "gb11643-id" });
const XM = I("XM", "姓名", "C", 50);
const USCC = I("TYSHXYDM", "统一社会信用代码", "C", 18, { format: "gb32100-uscc" });
const SUBJECT = [
  I("ZTMC", "主体名称", "C", 200),
  I("ZTDM", "主体代码", "C", 18, { format: "subject-code" }),
  I("ZTLX", "主体类型", "C", 20),
];

type Def = Omit<CatalogueEntry, "serviceId" | "status" | "relatedCodes" | "open" | "format" | "catalogueClass"> &
  Partial<Pick<CatalogueEntry, "relatedCodes" | "open" | "format">>;

/**
 * Codes are 类(1) + 项(2) + 目(3) "/" 6-digit sequence (facts §5.1; the "/" separator is [R]); 类 1 = base, 3 =
 * departmental, after the order of the guide's resource classes [I]. serviceIds derive from the code alone.
 */
function entry(d: Def): CatalogueEntry {
  return {
    catalogueClass: d.classification.class === "1" ? "基础" : d.classification.class === "2" ? "主题" : "部门",
    format: "数据库/接口",
    open: { open: false },
    relatedCodes: [],
    status: "published",
    serviceId: serviceIdFor(d.resourceCode),
    ...d,
  };
}

const lib = (library: LibraryName) => ({ kind: "library", library }) as const;
const CREDIT_COND = "用于行政管理、公共服务和信用监管，按“谁使用、谁负责”使用";

/** The seeded entries; providers are the seed's own government bodies. */
export function seededEntries(seed: Seed): CatalogueEntry[] {
  const gongan = department(seed, "汕头市公安局");
  const shijian = department(seed, "汕头市市场监督管理局");
  const ziran = department(seed, "汕头市自然资源局");
  const fagai = department(seed, "汕头市发展和改革局");
  const renshe = department(seed, "汕头市人力资源和社会保障局");
  const zwsj = department(seed, "汕头市政务服务数据管理局");
  const shuiwu = department(seed, "国家税务总局汕头市税务局");
  return [
    entry({
      resourceCode: "101001/000001",
      classification: { class: "1", item: "01", category: "001", labels: ["基础信息资源", "人口", "居民身份"] },
      name: "人口基础信息-居民身份信息查询",
      provider: gongan.name,
      providerCode: gongan.code,
      summary: "按公民身份号码查询居民姓名、性别、民族、出生日期、住址、户籍地址等人口基础信息。",
      items: [
        XM,
        SFZH,
        I("XB", "性别", "C", 2),
        I("MZ", "民族", "C", 20),
        I("CSRQ", "出生日期", "D", 10),
        I("ZZ", "住址", "C", 200, { sensitive: true }),
        I("HJDZ", "户籍地址", "C", 200, { sensitive: true }),
        I("XZQHDM", "行政区划代码", "C", 6, { format: "gb2260-division" }),
        I("LXDH", "联系电话", "C", 20, { sensitive: true }),
      ],
      keyItems: ["SFZH"],
      share: {
        type: "有条件共享",
        conditions: "限办理政务服务事项时核验申请人身份，须提供事项编码",
        method: "共享平台/接口",
      },
      updateCycle: "实时",
      publishDate: "2019-06-28",
      relatedCodes: ["101001/000002"],
      source: lib("population.person"),
    }),
    entry({
      resourceCode: "101001/000002",
      classification: { class: "1", item: "01", category: "001", labels: ["基础信息资源", "人口", "居民身份"] },
      name: "人口基础信息-户籍信息查询",
      provider: gongan.name,
      providerCode: gongan.code,
      summary: "按公民身份号码查询户号、与户主关系、户主姓名、户类型、户籍地址及登记日期。",
      items: [
        I("HH", "户号", "C", 9),
        XM,
        SFZH,
        I("YHZGX", "与户主关系", "C", 20),
        I("HZXM", "户主姓名", "C", 50),
        I("HLX", "户类型", "C", 10),
        I("HJDZ", "户籍地址", "C", 200, { sensitive: true }),
        I("HJXZQHDM", "户籍行政区划代码", "C", 6, { format: "gb2260-division" }),
        I("HJDJRQ", "户籍登记日期", "D", 10),
      ],
      keyItems: ["SFZH"],
      share: { type: "有条件共享", conditions: "限户籍、社会保障、教育入学等事项办理使用", method: "共享平台/接口" },
      updateCycle: "每日",
      publishDate: "2019-06-28",
      relatedCodes: ["101001/000001"],
      source: lib("population.household"),
    }),
    entry({
      resourceCode: "102001/000001",
      classification: { class: "1", item: "02", category: "001", labels: ["基础信息资源", "法人单位", "登记信息"] },
      name: "法人单位基础信息查询",
      provider: shijian.name,
      providerCode: shijian.code,
      summary: "按统一社会信用代码查询法人单位名称、类型、法定代表人、注册资本、住所、成立日期和登记状态。",
      items: [
        USCC,
        I("JGMC", "机构名称", "C", 200),
        I("JGLX", "机构类型", "C", 50),
        I("ZTLX", "主体类型", "C", 20),
        I("FDDBR", "法定代表人", "C", 50),
        I("FDDBRSFZH", "法定代表人身份证号", "C", 18, { sensitive: true, format: "gb11643-id" }),
        I("ZCZB", "注册资本（万元）", "Y", 18),
        I("ZS", "住所", "C", 200),
        I("XZQHDM", "行政区划代码", "C", 6, { format: "gb2260-division" }),
        I("CLRQ", "成立日期", "D", 10),
        I("DJZT", "登记状态", "C", 20),
      ],
      keyItems: ["TYSHXYDM"],
      share: { type: "无条件共享", method: "共享平台/接口" },
      open: { open: true, type: "无条件开放" },
      updateCycle: "实时",
      publishDate: "2019-06-28",
      source: lib("legal.entity"),
    }),
    entry({
      resourceCode: "103002/000001",
      classification: {
        class: "1",
        item: "03",
        category: "002",
        labels: ["基础信息资源", "自然资源和空间地理", "地籍"],
      },
      name: "宗地及地址空间信息查询",
      provider: ziran.name,
      providerCode: ziran.code,
      summary: "按宗地代码查询宗地坐落、土地用途、权利性质、面积及WGS84坐标。",
      items: [
        I("ZDDM", "宗地代码", "C", 19, { format: "parcel-code" }),
        I("XZQHDM", "行政区划代码", "C", 6, { format: "gb2260-division" }),
        I("XZQMC", "行政区名称", "C", 50),
        I("ZL", "坐落", "C", 200),
        I("TDYT", "土地用途", "C", 40),
        I("QLXZ", "权利性质", "C", 20),
        I("ZDMJ", "宗地面积（平方米）", "F", 0),
        I("JD", "经度", "F", 0),
        I("WD", "纬度", "F", 0),
        I("ZBXT", "坐标系", "C", 20),
      ],
      keyItems: ["ZDDM"],
      share: { type: "无条件共享", method: "共享平台/接口" },
      updateCycle: "每月",
      publishDate: "2020-03-31",
      source: lib("spatial.parcel"),
    }),
    entry({
      resourceCode: "104001/000001",
      classification: { class: "1", item: "04", category: "001", labels: ["基础信息资源", "社会信用", "行政处罚"] },
      name: "社会信用-行政处罚信息",
      provider: fagai.name,
      providerCode: fagai.code,
      summary: "按主体代码（身份证号或统一社会信用代码）查询自然人、企业、事业单位、机关、社会组织的行政处罚信息。",
      items: [
        ...SUBJECT,
        I("CFWSH", "处罚决定书文号", "C", 64),
        I("CFLB", "处罚类别", "C", 40),
        I("CFSY", "处罚事由", "C", 400),
        I("FKJE", "罚款金额（元）", "Y", 18),
        I("CFJDRQ", "处罚决定日期", "D", 10),
        I("CFJG", "处罚机关", "C", 100),
        I("CFJGDM", "处罚机关代码", "C", 18, { format: "gb32100-uscc" }),
      ],
      keyItems: ["ZTDM"],
      share: { type: "无条件共享", method: "共享平台/接口" },
      open: { open: true, type: "无条件开放" },
      updateCycle: "每日",
      publishDate: "2019-09-30",
      relatedCodes: ["104001/000002", "104002/000001"],
      source: lib("credit.penalties"),
    }),
    entry({
      resourceCode: "104001/000002",
      classification: { class: "1", item: "04", category: "001", labels: ["基础信息资源", "社会信用", "行政许可"] },
      name: "社会信用-行政许可信息",
      provider: fagai.name,
      providerCode: fagai.code,
      summary: "按主体代码查询行政许可文书号、许可名称、类别、决定日期、有效期及许可机关。",
      items: [
        ...SUBJECT,
        I("XKWSH", "许可文书号", "C", 64),
        I("XKMC", "许可证书名称", "C", 100),
        I("XKLB", "许可类别", "C", 20),
        I("XKJDRQ", "许可决定日期", "D", 10),
        I("YXQZ", "有效期至", "D", 10),
        I("XKJG", "许可机关", "C", 100),
        I("XKJGDM", "许可机关代码", "C", 18, { format: "gb32100-uscc" }),
      ],
      keyItems: ["ZTDM"],
      share: { type: "无条件共享", method: "共享平台/接口" },
      open: { open: true, type: "无条件开放" },
      updateCycle: "每日",
      publishDate: "2019-09-30",
      relatedCodes: ["104001/000001"],
      source: lib("credit.licences"),
    }),
    entry({
      resourceCode: "104002/000001",
      classification: { class: "1", item: "04", category: "002", labels: ["基础信息资源", "社会信用", "红黑名单"] },
      name: "社会信用-红黑名单信息",
      provider: fagai.name,
      providerCode: fagai.code,
      summary: "按主体代码查询守信红名单和失信黑名单（五类主体），可按名单类型筛选。",
      items: [
        ...SUBJECT,
        I("MDLX", "名单类型", "C", 10),
        I("MDMC", "名单名称", "C", 100),
        I("LRRQ", "列入日期", "D", 10),
        I("YXQZ", "有效期至", "D", 10),
        I("LRJG", "列入机关", "C", 100),
        I("LRJGDM", "列入机关代码", "C", 18, { format: "gb32100-uscc" }),
      ],
      keyItems: ["ZTDM"],
      share: { type: "有条件共享", conditions: CREDIT_COND, method: "共享平台/接口" },
      updateCycle: "每日",
      publishDate: "2019-09-30",
      relatedCodes: ["104001/000001"],
      source: lib("credit.redblack"),
    }),
    entry({
      resourceCode: "305001/000001",
      classification: {
        class: "3",
        item: "05",
        category: "001",
        labels: ["部门信息资源", "汕头市人力资源和社会保障局", "社会保险"],
      },
      name: "养老保险参保信息",
      provider: renshe.name,
      providerCode: renshe.code,
      summary: "按公民身份号码查询养老保险险种、参保状态、参保日期、缴费基数、累计缴费月数和参保单位。",
      items: [
        XM,
        SFZH,
        I("XZLX", "险种类型", "C", 60),
        I("CBZT", "参保状态", "C", 20),
        I("CBRQ", "参保日期", "D", 10),
        I("JFJS", "缴费基数（元）", "Y", 12, { sensitive: true }),
        I("LJJFYS", "累计缴费月数", "I", 4),
        I("DWMC", "参保单位名称", "C", 200),
      ],
      keyItems: ["SFZH"],
      share: { type: "有条件共享", conditions: "限社会保障待遇核定、人才引进等事项使用", method: "共享平台/接口" },
      updateCycle: "每月",
      publishDate: "2020-05-15",
      source: lib("dept.pension"),
    }),
    entry({
      resourceCode: "302001/000001",
      classification: {
        class: "3",
        item: "02",
        category: "001",
        labels: ["部门信息资源", "汕头市市场监督管理局", "食品经营"],
      },
      name: "食品经营许可证信息",
      provider: shijian.name,
      providerCode: shijian.code,
      summary: "按统一社会信用代码查询食品经营许可证编号、主体业态、经营场所、发证日期和有效期。",
      items: [
        I("JYZMC", "经营者名称", "C", 200),
        USCC,
        I("XKZBH", "许可证编号", "C", 16),
        I("FDDBR", "法定代表人", "C", 50),
        I("JYCS", "经营场所", "C", 200),
        I("ZTYT", "主体业态", "C", 40),
        I("FZRQ", "发证日期", "D", 10),
        I("YXQZ", "有效期至", "D", 10),
        I("FZJG", "发证机关", "C", 100),
      ],
      keyItems: ["TYSHXYDM"],
      share: { type: "无条件共享", method: "共享平台/接口" },
      open: { open: true, type: "无条件开放" },
      updateCycle: "每日",
      publishDate: "2020-05-15",
      source: lib("dept.food-licence"),
    }),
    entry({
      resourceCode: "306001/000001",
      classification: {
        class: "3",
        item: "06",
        category: "001",
        labels: ["部门信息资源", "汕头市政务服务数据管理局", "政务服务场所"],
      },
      name: "政务服务中心名录",
      provider: zwsj.name,
      providerCode: zwsj.code,
      summary: "市、区（县）政务服务中心名称、地址、行政区划和是否提供24小时自助服务（上传数据挂接；地址为模拟数据）。",
      items: [
        I("ZXMC", "中心名称", "C", 100),
        I("DZ", "地址", "C", 200),
        I("XZQHDM", "行政区划代码", "C", 6, { format: "gb2260-division" }),
        I("ZZFW", "提供24小时自助服务", "L", 1),
        I("CKS", "窗口数", "I", 4),
      ],
      keyItems: [],
      share: { type: "无条件共享", method: "共享平台/接口" },
      open: { open: true, type: "无条件开放" },
      updateCycle: "不定期",
      publishDate: "2021-01-08",
      source: { kind: "rows", rowCount: 8, hookedAt: Date.UTC(2021, 0, 8) },
    }),
    entry({
      resourceCode: "307001/000001",
      classification: { class: "3", item: "07", category: "001", labels: ["部门信息资源", "汕头市税务局", "涉税信息"] },
      name: "纳税人涉税明细信息",
      provider: shuiwu.name,
      providerCode: shuiwu.code,
      summary: "纳税人逐笔申报、缴税明细。",
      items: [
        USCC,
        I("NSRMC", "纳税人名称", "C", 200),
        I("SZ", "税种", "C", 40),
        I("SKSSQ", "税款所属期", "C", 20),
        I("SJJE", "实缴金额（元）", "Y", 18),
      ],
      keyItems: ["TYSHXYDM"],
      share: {
        type: "不予共享",
        method: "不共享",
        legalBasis: "《中华人民共和国税收征收管理法》第八条：税务机关应当依法为纳税人、扣缴义务人的情况保守秘密",
      },
      updateCycle: "每月",
      publishDate: "2020-05-15",
      source: { kind: "none" },
    }),
    entry({
      resourceCode: "301002/000001",
      classification: { class: "3", item: "01", category: "002", labels: ["部门信息资源", "汕头市公安局", "出入境"] },
      name: "居民出入境记录",
      provider: gongan.name,
      providerCode: gongan.code,
      summary: "居民出入境时间、口岸、证件信息。",
      items: [XM, SFZH, I("CRJRQ", "出入境日期", "D", 10), I("KA", "口岸", "C", 60), I("CRLX", "出入类型", "C", 4)],
      keyItems: ["SFZH"],
      share: {
        type: "不予共享",
        method: "不共享",
        legalBasis: "《中华人民共和国出境入境管理法》第八十五条及《中华人民共和国个人信息保护法》第三十四条",
      },
      updateCycle: "实时",
      publishDate: "2020-05-15",
      source: { kind: "none" },
    }),
  ];
}

/** Rows hooked to the seeded uploaded-data resource (306001/000001). */
export const SEEDED_ROWS: Readonly<Record<string, readonly Row[]>> = Object.freeze({
  "306001/000001": [
    { ZXMC: "汕头市政务服务中心", DZ: "广东省汕头市龙湖区韩江路1号", XZQHDM: "440507", ZZFW: true, CKS: 120 },
    { ZXMC: "龙湖区政务服务中心", DZ: "广东省汕头市龙湖区黄山路8号", XZQHDM: "440507", ZZFW: true, CKS: 46 },
    { ZXMC: "金平区政务服务中心", DZ: "广东省汕头市金平区金砂路20号", XZQHDM: "440511", ZZFW: true, CKS: 52 },
    { ZXMC: "濠江区政务服务中心", DZ: "广东省汕头市濠江区河浦大道6号", XZQHDM: "440512", ZZFW: false, CKS: 28 },
    { ZXMC: "潮阳区政务服务中心", DZ: "广东省汕头市潮阳区东山大道15号", XZQHDM: "440513", ZZFW: true, CKS: 40 },
    { ZXMC: "潮南区政务服务中心", DZ: "广东省汕头市潮南区峡山大道30号", XZQHDM: "440514", ZZFW: false, CKS: 36 },
    { ZXMC: "澄海区政务服务中心", DZ: "广东省汕头市澄海区澄华路9号", XZQHDM: "440515", ZZFW: true, CKS: 38 },
    { ZXMC: "南澳县政务服务中心", DZ: "广东省汕头市南澳县前江路2号", XZQHDM: "440523", ZZFW: false, CKS: 12 },
  ],
});
