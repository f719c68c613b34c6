// Licence status (certState) and operation (operateType) tables, after the 住建部 licence exchange (facts §4.4, §8.4).

/** certState: the licence's status once issued (facts §4.4, adopted by the simulator §8.4). */
export type CertState = "01" | "02" | "03" | "04" | "05" | "06" | "07" | "99";

export const CERT_STATES: Readonly<Record<CertState, { zh: string; en: string }>> = Object.freeze({
  "01": { zh: "有效", en: "valid" },
  "02": { zh: "暂扣", en: "withheld (suspended)" },
  "03": { zh: "撤销", en: "revoked" },
  "04": { zh: "注销", en: "cancelled" },
  "05": { zh: "失效", en: "expired / no longer in force" },
  "06": { zh: "办理转出", en: "transferred out" },
  "07": { zh: "吊销", en: "revoked (penalty)" },
  "99": { zh: "其他", en: "other" },
});

/** operateType: what happened to the licence, recorded in its history (facts §4.4). */
export type OperateType = "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10";

export const OPERATE_TYPES: Readonly<Record<OperateType, { zh: string; en: string }>> = Object.freeze({
  "01": { zh: "新发", en: "newly issued" },
  "02": { zh: "延续", en: "renewed" },
  "03": { zh: "暂扣", en: "withheld" },
  "04": { zh: "过期失效", en: "expired" },
  "05": { zh: "注销（撤销/吊销/转出）", en: "cancelled (revoked / revoked as penalty / transferred out)" },
  "06": { zh: "暂扣发还", en: "returned after withholding" },
  "07": { zh: "其他", en: "other" },
  "08": { zh: "转入", en: "transferred in" },
  "09": { zh: "变更", en: "changed" },
  "10": { zh: "取消转出", en: "transfer-out cancelled" },
});

/** The states that end a licence's life: sharing services answer them with result code 21 (facts §4.4). */
export const ANNULLED_STATES: readonly CertState[] = ["03", "04", "06", "07"];

/** How a licence may be annulled through 废止一张证照 (facts §4.5): the resulting certState. */
export type RevokeKind = "03" | "04" | "07";
