// Providers of the seeded resources: the seed's own government bodies, with valid invented codes as a fallback.
import { orgCheck, usccCheck } from "../shared/ids.js";
import type { Seed } from "../shared/seed-types.js";
import { governmentBodiesOf } from "../shared/seed/index.js";

export interface Department {
  name: string;
  /** USCC of the body. */
  code: string;
  /** Short form used in document numbers, e.g. 汕市监罚〔2023〕12号. */
  short?: string;
}

/** 11 (机构编制·机关) + 440500 + organisation code + check: the GB 32100 layout of a city body. */
function fallbackUscc(orgBody: string): string {
  const body17 = `11440500${orgBody}${orgCheck(orgBody)}`;
  return body17 + usccCheck(body17);
}

const WANTED: readonly { name: string; short?: string; orgBody: string }[] = [
  { name: "汕头市公安局", short: "公", orgBody: "G0000001" },
  { name: "汕头市市场监督管理局", short: "市监", orgBody: "G0000002" },
  { name: "汕头市自然资源局", short: "自然资源", orgBody: "G0000003" },
  { name: "汕头市发展和改革局", orgBody: "G0000004" },
  { name: "汕头市人力资源和社会保障局", short: "人社", orgBody: "G0000005" },
  { name: "汕头市政务服务数据管理局", orgBody: "G0000006" },
  { name: "国家税务总局汕头市税务局", short: "税", orgBody: "G0000007" },
  { name: "汕头市生态环境局", short: "环", orgBody: "G0000008" },
  { name: "汕头市交通运输局", short: "交", orgBody: "G0000009" },
];

const cache = new WeakMap<Seed, ReadonlyMap<string, Department>>();

/** The departments by name, resolved once per seed; a body the seed does not hold (the vertically managed tax bureau)
 *  gets an invented but valid GB 32100 code. The seed lists its government bodies (≈100 records), no scan. */
export function resolveDepartments(seed: Seed): ReadonlyMap<string, Department> {
  let m = cache.get(seed);
  if (m) return m;
  const found = new Map<string, string>();
  const names = new Set(WANTED.map((w) => w.name));
  for (const e of governmentBodiesOf(seed)) if (names.has(e.name) && !found.has(e.name)) found.set(e.name, e.uscc);
  m = new Map(
    WANTED.map((w) => [
      w.name,
      { name: w.name, code: found.get(w.name) ?? fallbackUscc(w.orgBody), ...(w.short ? { short: w.short } : {}) },
    ]),
  );
  cache.set(seed, m);
  return m;
}

export function department(seed: Seed, name: string): Department {
  const d = resolveDepartments(seed).get(name);
  if (!d) throw new Error(`unknown department ${name}`);
  return d;
}
