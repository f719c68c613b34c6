// Kinds of legal person in the seed, their USCC category codes, and the name patterns each kind uses in Shantou.
//
// USCC positions 1–2 (registration authority + category, GB 32100-2015): 9 market regulation (1 enterprise,
// 2 个体工商户, 3 农民专业合作社), 1 institutional establishment (1 government body, 2 institution), 5 civil affairs
// (1 社会团体, 2 民办非企业单位, 3 基金会). This code table is recalled knowledge [R] (facts §6.2 marks it so); only
// the check characters are verified. Names are synthetic; trade names (字号) are random and any match with a real
// business is accidental. Government body names follow the current naming of Shantou's city and district
// departments [R]; they are used once each.
import type { Enterprise } from "../seed-types.js";
import type { Prng } from "../prng.js";
import type { BodyStyle } from "./uscc-codec.js";
import { DISTRICTS, type District } from "./shantou-places.js";

export type Kind =
  | "company"
  | "company-sole"
  | "joint-stock"
  | "sole-proprietorship"
  | "partnership"
  | "individual"
  | "cooperative"
  | "government"
  | "institution"
  | "social-group"
  | "private-non-enterprise"
  | "foundation";

export interface KindInfo {
  /** USCC positions 1–2. */
  typeCode: string;
  subjectType: Enterprise["subjectType"];
  /** 企业类型 / 机构类型 as printed on the licence. */
  entityType: string;
  /** Body prefix for codes issued since the USCC reform (2016 on); older bodies are digits. */
  newStyle: BodyStyle;
}

export const KINDS: Readonly<Record<Kind, KindInfo>> = {
  company: {
    typeCode: "91",
    subjectType: "enterprise",
    entityType: "有限责任公司（自然人投资或控股）",
    newStyle: "MA",
  },
  "company-sole": {
    typeCode: "91",
    subjectType: "enterprise",
    entityType: "有限责任公司（自然人独资）",
    newStyle: "MA",
  },
  "joint-stock": {
    typeCode: "91",
    subjectType: "enterprise",
    entityType: "股份有限公司（非上市、自然人投资或控股）",
    newStyle: "MA",
  },
  "sole-proprietorship": { typeCode: "91", subjectType: "enterprise", entityType: "个人独资企业", newStyle: "MA" },
  partnership: { typeCode: "91", subjectType: "enterprise", entityType: "有限合伙企业", newStyle: "MA" },
  individual: { typeCode: "92", subjectType: "enterprise", entityType: "个体工商户", newStyle: "MA" },
  cooperative: { typeCode: "93", subjectType: "enterprise", entityType: "农民专业合作社", newStyle: "MA" },
  government: { typeCode: "11", subjectType: "government", entityType: "机关法人", newStyle: "digits" },
  institution: { typeCode: "12", subjectType: "institution", entityType: "事业单位", newStyle: "MB" },
  "social-group": { typeCode: "51", subjectType: "social-org", entityType: "社会团体", newStyle: "MJ" },
  "private-non-enterprise": { typeCode: "52", subjectType: "social-org", entityType: "民办非企业单位", newStyle: "MJ" },
  foundation: { typeCode: "53", subjectType: "social-org", entityType: "基金会", newStyle: "MJ" },
};

/** Shares of kinds among non-persona legal persons (government bodies are placed separately, see governmentAt). */
const KIND_WEIGHTS: readonly [Kind, number][] = [
  ["company", 500],
  ["company-sole", 170],
  ["joint-stock", 25],
  ["sole-proprietorship", 40],
  ["partnership", 10],
  ["individual", 180],
  ["cooperative", 15],
  ["institution", 30],
  ["social-group", 12],
  ["private-non-enterprise", 10],
  ["foundation", 3],
];
const KIND_TOTAL = KIND_WEIGHTS.reduce((s, [, w]) => s + w, 0);

export function pickKind(rnd: Prng): Kind {
  let x = rnd.next() * KIND_TOTAL;
  for (const [k, w] of KIND_WEIGHTS) {
    if (x < w) return k;
    x -= w;
  }
  return "company";
}

/** Where businesses register: the city centre (龙湖/金平) and the manufacturing districts dominate [R]. */
const DISTRICT_WEIGHTS: readonly [string, number][] = [
  ["440507", 22],
  ["440511", 20],
  ["440512", 6],
  ["440513", 18],
  ["440514", 16],
  ["440515", 15],
  ["440523", 3],
];

export function pickBusinessDistrict(rnd: Prng): District {
  let x = rnd.next() * 100;
  for (const [code, w] of DISTRICT_WEIGHTS) {
    if (x < w) return DISTRICTS.find((d) => d.code === code)!;
    x -= w;
  }
  return DISTRICTS[0];
}

const TRADE_CHARS = [
  ..."金宏鸿信嘉永汇德华新创联达盛丰昌泰荣益兴利隆顺海粤潮韩澄亿万天恒瑞佳安源祥和光明锦博远星卓伟晟骏俊",
];

/** A two-character trade name (字号), e.g. 宏达, 鸿盛. */
export function tradeName(rnd: Prng): string {
  const a = rnd.int(0, TRADE_CHARS.length - 1);
  const b = (a + rnd.int(1, TRADE_CHARS.length - 1)) % TRADE_CHARS.length;
  return TRADE_CHARS[a] + TRADE_CHARS[b];
}

const GENERAL_INDUSTRIES = [
  "贸易",
  "科技",
  "信息技术",
  "电子科技",
  "食品",
  "实业",
  "投资",
  "物流",
  "建筑工程",
  "装饰工程",
  "文化传播",
  "医药",
  "化工",
  "印刷",
  "包装材料",
  "服装",
  "餐饮管理",
  "房地产开发",
  "物业管理",
  "机械设备",
  "五金制品",
  "塑料制品",
  "供应链管理",
  "网络科技",
  "进出口",
  "茶业",
  "水产",
  "新能源",
  "医疗器械",
  "广告",
];
/** Local specialities: toys in 澄海, textiles and underwear in 潮南/潮阳, port logistics in 濠江, seafood in 南澳 [R]. */
const LOCAL_INDUSTRIES: Readonly<Record<string, readonly string[]>> = {
  "440507": ["投资", "科技", "供应链管理", "软件", "跨境电子商务"],
  "440511": ["印刷", "包装", "精细化工", "医药", "工艺品"],
  "440512": ["港口物流", "船务", "水产", "风电科技", "石化"],
  "440513": ["电子", "纺织", "针织", "音响设备", "再生资源"],
  "440514": ["纺织", "针织", "内衣", "服饰", "织造"],
  "440515": ["玩具", "玩具实业", "工艺品", "塑胶制品", "智能科技"],
  "440523": ["水产", "旅游发展", "海洋科技", "紫菜", "渔业"],
};

export function industry(rnd: Prng, d: District): string {
  return rnd.next() < 0.45 ? rnd.pick(LOCAL_INDUSTRIES[d.code]) : rnd.pick(GENERAL_INDUSTRIES);
}

const SHOPS = [
  "商行",
  "茶行",
  "粿条店",
  "牛肉丸店",
  "卤鹅店",
  "五金店",
  "服装店",
  "便利店",
  "水果店",
  "小吃店",
  "通讯器材店",
  "玩具商行",
  "针织厂",
  "汽车维修店",
  "理发店",
  "药店",
  "海鲜档",
  "食杂店",
];
const PRODUCTS = ["蔬菜", "水产养殖", "狮头鹅养殖", "茶叶", "荔枝", "青梅", "番薯", "水果", "花卉", "生猪养殖"];
const ASSOCIATIONS = [
  "玩具行业",
  "纺织服装行业",
  "电子商务",
  "软件行业",
  "物流行业",
  "餐饮行业",
  "茶文化",
  "潮汕美食",
  "摄影家",
  "书法家",
  "青年企业家",
  "工艺美术",
  "中小企业",
];
const NON_ENTERPRISES = ["幼儿园", "养老服务中心", "职业培训学校", "社会工作服务中心", "青少年活动中心", "康复中心"];

/** The name a legal person of this kind would register in this district. */
export function legalPersonName(kind: Kind, d: District, rnd: Prng): { name: string; industry?: string } {
  const trade = tradeName(rnd);
  switch (kind) {
    case "company":
    case "company-sole": {
      const ind = industry(rnd, d);
      const x = rnd.next();
      const prefix = x < 0.6 ? "汕头市" : x < 0.9 ? `汕头市${d.name}` : "广东";
      return { name: `${prefix}${trade}${ind}有限公司`, industry: ind };
    }
    case "joint-stock": {
      const ind = industry(rnd, d);
      return { name: `${rnd.next() < 0.7 ? "汕头" : "广东"}${trade}${ind}股份有限公司`, industry: ind };
    }
    case "sole-proprietorship": {
      const ind = industry(rnd, d);
      return { name: `汕头市${d.name}${trade}${ind}${rnd.pick(["商行", "厂", "经营部"])}`, industry: ind };
    }
    case "partnership":
      return {
        name: `汕头市${trade}${rnd.pick(["投资", "企业管理", "股权投资"])}合伙企业（有限合伙）`,
        industry: "投资",
      };
    case "individual": {
      const shop = rnd.pick(SHOPS);
      return { name: `汕头市${d.name}${trade}${shop}`, industry: shop };
    }
    case "cooperative": {
      const product = rnd.pick(PRODUCTS);
      return { name: `汕头市${d.name}${trade}${product}专业合作社`, industry: product };
    }
    case "institution": {
      const town = rnd.pick(d.towns);
      const x = rnd.next();
      const name =
        x < 0.35
          ? `汕头市${d.name}${town}中心小学`
          : x < 0.6
            ? `汕头市${d.name}${town}${town.endsWith("街道") ? "社区卫生服务中心" : "卫生院"}`
            : x < 0.8
              ? `汕头市${d.name}${town}公共服务中心`
              : `汕头市${d.name}${trade}实验学校`;
      return { name, industry: "公共服务" };
    }
    case "social-group":
      return rnd.next() < 0.6
        ? { name: `汕头市${rnd.pick(ASSOCIATIONS)}协会`, industry: "社会团体" }
        : { name: `汕头市${d.name}${trade}商会`, industry: "社会团体" };
    case "private-non-enterprise":
      return { name: `汕头市${d.name}${trade}${rnd.pick(NON_ENTERPRISES)}`, industry: "社会服务" };
    case "foundation":
      return { name: `汕头市${trade}${rnd.pick(["慈善", "教育", "助学", "扶贫"])}基金会`, industry: "公益" };
    case "government":
      throw new Error("government bodies take their names from GOVERNMENT_BODIES");
  }
}

export interface GovernmentBody {
  name: string;
  /** Division code of the body: 440500 for city departments, the district's code for district ones. */
  division: string;
}

const CITY_DEPARTMENTS = [
  "市场监督管理局",
  "政务服务数据管理局",
  "公安局",
  "民政局",
  "人力资源和社会保障局",
  "教育局",
  "卫生健康局",
  "自然资源局",
  "住房和城乡建设局",
  "交通运输局",
  "生态环境局",
  "财政局",
  "司法局",
  "商务局",
  "文化广电旅游体育局",
  "农业农村局",
  "水务局",
  "应急管理局",
  "城市管理和综合执法局",
  "退役军人事务局",
  "医疗保障局",
  "统计局",
  "审计局",
  "科学技术局",
  "工业和信息化局",
  "发展和改革局",
  "人民政府办公室",
];
const DISTRICT_DEPARTMENTS = [
  "人民政府",
  "市场监督管理局",
  "教育局",
  "民政局",
  "人力资源和社会保障局",
  "卫生健康局",
  "住房和城乡建设局",
  "农业农村和水利局",
  "政务服务数据管理局",
  "城市管理和综合执法局",
  "财政局",
];

/**
 * Every government body in the seed, each used once: the first few are persona enterprises (市场监督管理局 and
 * 政务服务数据管理局 of the city, the 龙湖区 government); the rest are spread over the non-persona legal persons.
 */
export const GOVERNMENT_BODIES: readonly GovernmentBody[] = Object.freeze([
  ...CITY_DEPARTMENTS.map((d) => ({ name: `汕头市${d}`, division: "440500" })),
  ...DISTRICTS.flatMap((dist) =>
    DISTRICT_DEPARTMENTS.map((dep) => ({
      name: `${dist.code === "440523" ? "" : "汕头市"}${dist.name}${dep}`,
      division: dist.code,
    })),
  ),
]);
