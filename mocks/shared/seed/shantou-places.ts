// Shantou's districts with streets, towns and roads for synthetic addresses (division codes: facts §6.4).
//
// Codes and district names are confirmed (facts §6.4 [C]). Road, town (镇) and sub-district (街道) names are
// recalled background knowledge [R]: plausible and mostly real, but not verified against a gazetteer. Addresses
// built from them are synthetic and must never be taken as real ones.
import type { Prng } from "../prng.js";

export interface District {
  code: string;
  name: string;
  /** Urban roads, used for "…路N号X栋Y房" addresses. */
  roads: readonly string[];
  /** Sub-districts (街道) and towns (镇). */
  towns: readonly string[];
  /** Share of residents with an urban road address rather than a town/village one. */
  urbanShare: number;
}

export const DISTRICTS: readonly District[] = [
  {
    code: "440507",
    name: "龙湖区",
    urbanShare: 0.85,
    roads: [
      "长平路",
      "黄山路",
      "泰山路",
      "嵩山路",
      "衡山路",
      "华山路",
      "天山路",
      "金砂东路",
      "中山东路",
      "珠池路",
      "韩江路",
      "黄河路",
      "龙眼南路",
      "丹霞路",
      "东厦北路",
    ],
    towns: ["珠池街道", "新津街道", "金霞街道", "鸥汀街道", "龙祥街道", "外砂街道", "新溪街道"],
  },
  {
    code: "440511",
    name: "金平区",
    urbanShare: 0.85,
    roads: [
      "金砂路",
      "中山路",
      "海滨路",
      "民族路",
      "汕樟路",
      "金新路",
      "大华路",
      "同益路",
      "潮汕路",
      "金环路",
      "跃进路",
      "永平路",
      "国平路",
      "升平路",
      "外马路",
      "商平路",
      "民生路",
    ],
    towns: [
      "金砂街道",
      "东方街道",
      "大华街道",
      "同益街道",
      "光华街道",
      "东墩街道",
      "广厦街道",
      "海安街道",
      "石炮台街道",
      "金厦街道",
      "东光街道",
      "岐山街道",
      "鮀莲街道",
      "鮀江街道",
      "月浦街道",
    ],
  },
  {
    code: "440512",
    name: "濠江区",
    urbanShare: 0.5,
    roads: ["河浦大道", "安海路", "广达路", "滨海大道", "达南路", "赤港路"],
    towns: ["达濠街道", "马滘街道", "广澳街道", "礐石街道", "玉新街道", "河浦街道", "滨海街道"],
  },
  {
    code: "440513",
    name: "潮阳区",
    urbanShare: 0.35,
    roads: ["东山大道", "中华路", "棉新路", "兴归路", "西环路", "文光路", "平北路"],
    towns: [
      "文光街道",
      "棉北街道",
      "城南街道",
      "金浦街道",
      "海门镇",
      "河溪镇",
      "和平镇",
      "西胪镇",
      "关埠镇",
      "金灶镇",
      "谷饶镇",
      "铜盂镇",
      "贵屿镇",
    ],
  },
  {
    code: "440514",
    name: "潮南区",
    urbanShare: 0.3,
    roads: ["峡山大道", "潮南大道", "练江路", "沙陇路"],
    towns: [
      "峡山街道",
      "井都镇",
      "陇田镇",
      "雷岭镇",
      "成田镇",
      "红场镇",
      "胪岗镇",
      "两英镇",
      "仙城镇",
      "陈店镇",
      "司马浦镇",
    ],
  },
  {
    code: "440515",
    name: "澄海区",
    urbanShare: 0.45,
    roads: ["文冠路", "中山南路", "华侨路", "北环路", "岭海路", "澄江路", "环城路"],
    towns: [
      "澄华街道",
      "凤翔街道",
      "广益街道",
      "莲下镇",
      "莲上镇",
      "东里镇",
      "盐鸿镇",
      "溪南镇",
      "隆都镇",
      "莲华镇",
      "上华镇",
    ],
  },
  {
    code: "440523",
    name: "南澳县",
    urbanShare: 0.3,
    roads: ["前江路", "金山路", "隆南路"],
    towns: ["后宅镇", "深澳镇", "云澳镇"],
  },
];

const BY_CODE = new Map(DISTRICTS.map((d) => [d.code, d]));

export function districtByCode(code: string): District {
  const d = BY_CODE.get(code);
  if (!d) throw new RangeError(`not a current Shantou district: ${code}`);
  return d;
}

/**
 * Where people with a historical code in their ID number live today (facts §6.4 lists the codes; the mergers are
 * recalled knowledge [R]): 达濠区 → 濠江区, 金园区/升平区 → 金平区, 澄海县/澄海市 → 澄海区, 潮阳市 → 潮阳区 or 潮南区
 * (潮南区 was split off 潮阳市 in 2003).
 */
export const SUCCESSORS: Readonly<Record<string, readonly string[]>> = {
  "440506": ["440512"],
  "440508": ["440511"],
  "440509": ["440511"],
  "440521": ["440515"],
  "440582": ["440513", "440514"],
  "440583": ["440515"],
};

const VILLAGE_HEAD = [
  "东",
  "西",
  "南",
  "北",
  "上",
  "下",
  "新",
  "后",
  "前",
  "大",
  "仙",
  "华",
  "龙",
  "港",
  "溪",
  "厚",
  "美",
  "凤",
];
const VILLAGE_TAIL = ["湖", "美", "头", "埔", "洋", "陇", "溪", "山", "寨", "乡", "围", "坑", "林", "港"];
const ESTATES = ["花园", "新村", "小区", "大厦", "华庭", "苑", "公寓"];
const ESTATE_HEAD = [
  "金湖",
  "丹霞",
  "龙湖",
  "海滨",
  "华侨",
  "金信",
  "嘉顺",
  "天山",
  "韩江",
  "东厦",
  "金海湾",
  "鮀滨",
  "碧华",
  "锦绣",
];

/** A residential address in the district, e.g. 广东省汕头市龙湖区长平路88号金湖花园3栋502房. */
export function residentialAddress(d: District, rnd: Prng): string {
  const prefix = `广东省汕头市${d.name}`;
  if (rnd.next() < d.urbanShare) {
    const estate = rnd.next() < 0.5 ? rnd.pick(ESTATE_HEAD) + rnd.pick(ESTATES) : "";
    return `${prefix}${rnd.pick(d.roads)}${rnd.int(1, 320)}号${estate}${rnd.int(1, 24)}栋${rnd.int(1, 18)}0${rnd.int(1, 6)}房`;
  }
  const town = rnd.pick(d.towns);
  const place = rnd.pick(VILLAGE_HEAD) + rnd.pick(VILLAGE_TAIL) + (town.endsWith("街道") ? "社区" : "村");
  return `${prefix}${town}${place}${rnd.pick(VILLAGE_HEAD)}${rnd.pick(["巷", "街", "里", "路"])}${rnd.int(1, 60)}号`;
}

/** A business address, e.g. 汕头市澄海区莲下镇东湖工业区12号 or 汕头市金平区金砂路99号1801房. */
export function businessAddress(d: District, rnd: Prng): string {
  const prefix = `汕头市${d.name}`;
  if (rnd.next() < Math.max(d.urbanShare, 0.5)) {
    const unit = rnd.next() < 0.6 ? `${rnd.int(1, 30)}0${rnd.int(1, 9)}房` : `${rnd.int(1, 6)}楼`;
    return `${prefix}${rnd.pick(d.roads)}${rnd.int(1, 400)}号${unit}`;
  }
  const town = rnd.pick(d.towns);
  return `${prefix}${town}${rnd.pick(VILLAGE_HEAD)}${rnd.pick(VILLAGE_TAIL)}${rnd.pick(["工业区", "村", "工业园"])}${rnd.int(1, 99)}号`;
}
