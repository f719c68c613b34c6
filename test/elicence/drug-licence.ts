// The drug-business licence (药品经营许可证) the e-licence file tests issue: one holder, every extension field filled.
import { LICENCE_TYPE_CODES } from "../../mocks/elicence/catalogue.js";

export const DRUG_LICENCE_ISSUER = { uscc: "11440500553696992R", name: "汕头市市场监督管理局" };

/** The application fields; `scope` (经营范围) varies so tests can make the text long or short. */
export function drugLicenceFields(scope = "中药饮片、中成药"): Record<string, string> {
  return {
    ZZLXDM: LICENCE_TYPE_CODES.drugBusiness,
    CZZT: "汕头市龙湖区示例贸易有限公司",
    CZZTDM: "91440507192781592B",
    CZZTDMLXDM: "001",
    KZ_FDDBR: "陈伟",
    KZ_ZLFZR: "林芳",
    KZ_ZCDZ: "汕头市龙湖区金砂东路10号",
    KZ_CKDZ: "汕头市龙湖区珠津工业区3栋",
    KZ_JYFS: "零售",
    KZ_JYFW: scope,
  };
}
