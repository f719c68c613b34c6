// Defining authorities and issuing bodies for licence types and seeded licences, with synthetic USCCs (facts §4.2, §6.2).
import { orgCheck, usccCheck } from "../shared/ids.js";
import { divisionName } from "../shared/divisions.js";

/** A body that defines licence types (目录编制) or issues licences (颁发). */
export interface Authority {
  uscc: string;
  name: string;
  en: string;
  /** True when the USCC is made up by the simulator (valid checksums, not a real body's code). */
  synthetic: boolean;
}

/**
 * A USCC with valid GB 11714 and GB 32100 check characters, from a 2-char registration/category prefix, a 6-digit
 * division and an 8-char organisation-code body. Bodies beginning "GT" (gatesim) mark made-up codes.
 */
export function syntheticUscc(prefix: string, division: string, orgBody8: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{8}$/.test(orgBody8))
    throw new Error(`organisation body ${orgBody8} uses characters outside the USCC alphabet`);
  const body17 = prefix + division + orgBody8 + orgCheck(orgBody8);
  return body17 + usccCheck(body17);
}

function national(name: string, en: string, n: number): Authority {
  return { uscc: syntheticUscc("11", "100000", "GT" + String(n).padStart(6, "0")), name, en, synthetic: true };
}

/**
 * National defining authorities. Only 住房和城乡建设部's USCC is given by the facts (§4.2, §6.2); the others are
 * synthetic because no public source for their codes was checked.
 */
export const AUTHORITIES = Object.freeze({
  mohurd: {
    uscc: "11100000000013338W",
    name: "中华人民共和国住房和城乡建设部",
    en: "Ministry of Housing and Urban-Rural Development",
    synthetic: false,
  },
  samr: national("国家市场监督管理总局", "State Administration for Market Regulation", 1),
  mnr: national("中华人民共和国自然资源部", "Ministry of Natural Resources", 2),
  mca: national("中华人民共和国民政部", "Ministry of Civil Affairs", 3),
  nhc: national("国家卫生健康委员会", "National Health Commission", 4),
  cdpf: national("中国残疾人联合会", "China Disabled Persons' Federation", 5),
  nmpa: national("国家药品监督管理局", "National Medical Products Administration", 6),
  mot: national("中华人民共和国交通运输部", "Ministry of Transport", 7),
  mps: national("中华人民共和国公安部", "Ministry of Public Security", 8),
} satisfies Record<string, Authority>);

/** Kinds of local issuing body used by the seed. */
export type LocalIssuerKind = "market" | "civil" | "land" | "police" | "health" | "disabled" | "transport" | "housing";

/**
 * Local bodies by kind, named as the shared seed names Shantou's government bodies (mocks/shared/seed), so that a
 * seeded licence's issuer is a seeded legal person (and can own an e-seal). 残疾人联合会 is not a government body in
 * the seed and stays synthetic.
 */
const LOCAL: Record<
  LocalIssuerKind,
  { suffix: string; en: string; prefix: string; tag: string; level: "district" | "city" }
> = {
  market: { suffix: "市场监督管理局", en: "Market Regulation Bureau", prefix: "11", tag: "GTMR", level: "district" },
  civil: { suffix: "民政局", en: "Civil Affairs Bureau", prefix: "11", tag: "GTMA", level: "district" },
  land: { suffix: "自然资源局", en: "Natural Resources Bureau", prefix: "11", tag: "GTNR", level: "city" },
  police: { suffix: "公安局", en: "Public Security Bureau", prefix: "11", tag: "GTGA", level: "city" },
  health: { suffix: "卫生健康局", en: "Health Bureau", prefix: "11", tag: "GTWJ", level: "city" },
  disabled: {
    suffix: "残疾人联合会",
    en: "Disabled Persons' Federation",
    prefix: "51",
    tag: "GTCL",
    level: "district",
  },
  transport: { suffix: "交通运输局", en: "Transport Bureau", prefix: "11", tag: "GTJT", level: "city" },
  housing: {
    suffix: "住房和城乡建设局",
    en: "Housing and Urban-Rural Development Bureau",
    prefix: "11",
    tag: "GTHJ",
    level: "city",
  },
};

/** Name of a district (with its city) or city for a GB/T 2260 code; falls back to 汕头市 for codes not bundled. */
function placeName(division: string, level: "district" | "city"): { code: string; name: string } {
  const city = division.slice(0, 4) + "00";
  const cityName = divisionName(city);
  if (level === "district" && !division.endsWith("00")) {
    const d = divisionName(division);
    // 南澳县 is named without its city, as the seed names its bodies.
    if (d && cityName) return { code: division, name: division === "440523" ? d : cityName + d };
  }
  if (cityName) return { code: city, name: cityName };
  return { code: "440500", name: "汕头市" };
}

/** The name of the local body of a kind that serves a division, e.g. 汕头市龙湖区市场监督管理局. */
export function localIssuerName(kind: LocalIssuerKind, division: string): string {
  return placeName(division, LOCAL[kind].level).name + LOCAL[kind].suffix;
}

const issuerCache = new Map<string, Authority>();

/**
 * The local body of a kind that serves a division: found by name through `lookup` (the seed's legal persons) when
 * it is there, else a synthetic one (valid USCC, "GT" organisation body). Deterministic.
 */
export function localIssuer(
  kind: LocalIssuerKind,
  division: string,
  lookup?: (name: string) => Authority | undefined,
): Authority {
  const l = LOCAL[kind];
  const place = placeName(division, l.level);
  const name = place.name + l.suffix;
  // The district's body, else the city's (a city bureau also issues district licences), else a synthetic one.
  const found =
    lookup?.(name) ?? (l.level === "district" ? lookup?.(placeName(division, "city").name + l.suffix) : undefined);
  if (found) return found;
  const key = kind + place.code;
  const hit = issuerCache.get(key);
  if (hit) return hit;
  const a: Authority = {
    uscc: syntheticUscc(l.prefix, place.code, l.tag + place.code.slice(2, 6)),
    name,
    en: `${l.en} (${place.code})`,
    synthetic: true,
  };
  issuerCache.set(key, a);
  return a;
}
