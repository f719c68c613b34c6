// Chaoshan-flavoured Chinese personal names with pinyin (for login names), drawn deterministically from a PRNG.
//
// Surname weights reflect the Chaoshan region (陈 by far the most common, then 林 黄 李 郑 吴 蔡 许 …) and include
// local surnames such as 翁 詹 佘 辜 蚁; they are recalled background knowledge [R], not census figures. Given-name
// characters shift with the generation (older women 秀 桂 英 銮 娥, younger people 梓 涵 轩 怡 …).
import type { Prng } from "../prng.js";

type Entry = readonly [hanzi: string, pinyin: string];
type Weighted = readonly [hanzi: string, pinyin: string, weight: number];

const SURNAMES: readonly Weighted[] = [
  ["陈", "chen", 120],
  ["林", "lin", 70],
  ["黄", "huang", 55],
  ["李", "li", 45],
  ["郑", "zheng", 40],
  ["吴", "wu", 35],
  ["蔡", "cai", 35],
  ["许", "xu", 30],
  ["张", "zhang", 30],
  ["王", "wang", 25],
  ["杨", "yang", 25],
  ["刘", "liu", 22],
  ["谢", "xie", 20],
  ["洪", "hong", 18],
  ["马", "ma", 16],
  ["翁", "weng", 14],
  ["庄", "zhuang", 14],
  ["姚", "yao", 12],
  ["方", "fang", 12],
  ["詹", "zhan", 11],
  ["周", "zhou", 10],
  ["佘", "she", 8],
  ["柯", "ke", 8],
  ["萧", "xiao", 8],
  ["苏", "su", 8],
  ["余", "yu", 7],
  ["郭", "guo", 7],
  ["卢", "lu", 6],
  ["纪", "ji", 6],
  ["沈", "shen", 6],
  ["杜", "du", 5],
  ["魏", "wei", 5],
  ["邱", "qiu", 5],
  ["曾", "zeng", 5],
  ["钟", "zhong", 5],
  ["朱", "zhu", 5],
  ["徐", "xu", 5],
  ["彭", "peng", 4],
  ["胡", "hu", 4],
  ["赵", "zhao", 4],
  ["袁", "yuan", 3],
  ["孙", "sun", 3],
  ["辜", "gu", 3],
  ["章", "zhang", 3],
  ["丁", "ding", 3],
  ["蚁", "yi", 3],
  ["欧阳", "ouyang", 1],
];
const SURNAME_TOTAL = SURNAMES.reduce((s, e) => s + e[2], 0);

const MALE_OLD: readonly Entry[] = [
  ["国", "guo"],
  ["建", "jian"],
  ["明", "ming"],
  ["志", "zhi"],
  ["勇", "yong"],
  ["军", "jun"],
  ["华", "hua"],
  ["荣", "rong"],
  ["生", "sheng"],
  ["坤", "kun"],
  ["汉", "han"],
  ["武", "wu"],
  ["雄", "xiong"],
  ["亮", "liang"],
  ["德", "de"],
  ["财", "cai"],
  ["发", "fa"],
  ["忠", "zhong"],
  ["顺", "shun"],
  ["平", "ping"],
];
const MALE_MID: readonly Entry[] = [
  ["伟", "wei"],
  ["强", "qiang"],
  ["俊", "jun"],
  ["杰", "jie"],
  ["鹏", "peng"],
  ["浩", "hao"],
  ["斌", "bin"],
  ["辉", "hui"],
  ["宏", "hong"],
  ["锋", "feng"],
  ["涛", "tao"],
  ["彬", "bin"],
  ["鸿", "hong"],
  ["炜", "wei"],
  ["铭", "ming"],
  ["海", "hai"],
  ["龙", "long"],
  ["锐", "rui"],
  ["耀", "yao"],
  ["森", "sen"],
];
const MALE_YOUNG: readonly Entry[] = [
  ["泽", "ze"],
  ["鑫", "xin"],
  ["楷", "kai"],
  ["烁", "shuo"],
  ["轩", "xuan"],
  ["宇", "yu"],
  ["睿", "rui"],
  ["博", "bo"],
  ["浩", "hao"],
  ["俊", "jun"],
  ["锐", "rui"],
  ["晨", "chen"],
  ["航", "hang"],
  ["铭", "ming"],
  ["熙", "xi"],
  ["煜", "yu"],
];
const FEMALE_OLD: readonly Entry[] = [
  ["秀", "xiu"],
  ["桂", "gui"],
  ["英", "ying"],
  ["兰", "lan"],
  ["珍", "zhen"],
  ["梅", "mei"],
  ["銮", "luan"],
  ["娥", "e"],
  ["卿", "qing"],
  ["凤", "feng"],
  ["淑", "shu"],
  ["玉", "yu"],
  ["莲", "lian"],
  ["娟", "juan"],
  ["霞", "xia"],
  ["芬", "fen"],
];
const FEMALE_MID: readonly Entry[] = [
  ["丽", "li"],
  ["娜", "na"],
  ["芳", "fang"],
  ["敏", "min"],
  ["静", "jing"],
  ["婷", "ting"],
  ["燕", "yan"],
  ["玲", "ling"],
  ["琳", "lin"],
  ["洁", "jie"],
  ["萍", "ping"],
  ["雪", "xue"],
  ["蓉", "rong"],
  ["莹", "ying"],
  ["珊", "shan"],
  ["惠", "hui"],
  ["佩", "pei"],
  ["璇", "xuan"],
  ["瑜", "yu"],
  ["虹", "hong"],
];
const FEMALE_YOUNG: readonly Entry[] = [
  ["涵", "han"],
  ["怡", "yi"],
  ["欣", "xin"],
  ["诗", "shi"],
  ["妍", "yan"],
  ["琪", "qi"],
  ["萱", "xuan"],
  ["彤", "tong"],
  ["悦", "yue"],
  ["晴", "qing"],
  ["雨", "yu"],
  ["婷", "ting"],
  ["思", "si"],
  ["颖", "ying"],
  ["可", "ke"],
  ["馨", "xin"],
];
/** First characters of two-character given names (often a generation name, 字辈). */
const NEUTRAL: readonly Entry[] = [
  ["文", "wen"],
  ["嘉", "jia"],
  ["佳", "jia"],
  ["晓", "xiao"],
  ["家", "jia"],
  ["少", "shao"],
  ["永", "yong"],
  ["锦", "jin"],
  ["子", "zi"],
  ["梓", "zi"],
  ["泽", "ze"],
  ["清", "qing"],
  ["楚", "chu"],
  ["伟", "wei"],
  ["思", "si"],
  ["立", "li"],
  ["树", "shu"],
  ["耀", "yao"],
  ["秋", "qiu"],
  ["雅", "ya"],
  ["丹", "dan"],
  ["瑞", "rui"],
  ["振", "zhen"],
  ["春", "chun"],
];

export interface PersonName {
  name: string;
  /** Lower-case pinyin without tones or separators, e.g. "chenjianhua". */
  pinyin: string;
}

/** A name for a person of this sex born in this year. */
export function pickPersonName(rnd: Prng, sex: 1 | 2, birthYear: number): PersonName {
  let x = rnd.next() * SURNAME_TOTAL;
  let surname = SURNAMES[0];
  for (const e of SURNAMES) {
    if (x < e[2]) {
      surname = e;
      break;
    }
    x -= e[2];
  }
  const era = birthYear < 1970 ? 0 : birthYear < 1995 ? 1 : 2;
  const own = sex === 1 ? [MALE_OLD, MALE_MID, MALE_YOUNG][era] : [FEMALE_OLD, FEMALE_MID, FEMALE_YOUNG][era];
  const last = rnd.pick(own);
  const parts: Entry[] = [];
  // One in seven names has a single given character (陈伟, 林芳), the rest two.
  if (rnd.next() >= 1 / 7) {
    let first = rnd.next() < 0.6 ? rnd.pick(NEUTRAL) : rnd.pick(own);
    if (first[0] === last[0]) first = NEUTRAL[(NEUTRAL.indexOf(first) + 1) % NEUTRAL.length];
    if (first[0] === last[0]) first = NEUTRAL[0];
    parts.push(first);
  }
  parts.push(last);
  return {
    name: surname[0] + parts.map((p) => p[0]).join(""),
    pinyin: surname[1] + parts.map((p) => p[1]).join(""),
  };
}
