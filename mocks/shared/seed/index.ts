// The shared deterministic seed: persons and legal persons generated on demand from (seed value, index).
//
// createSeed does almost nothing up front (a few dozen permutation parameters); every record is rebuilt from its
// index with prngFor(seed, "person:" + i) / ("enterprise:" + j), and identifiers encode the index invertibly, so
// lookups by ID number or USCC decode → regenerate → compare in O(1) without any table. Records are frozen: the seed
// is shared and read-only (architecture.md §4). Nothing is cached, so memory stays flat however many are touched.
//
// Person fields (Person in ../seed-types.ts):
//   id            "p" + 6-digit index (p000000 is persona 0)
//   name          Chaoshan surname + 1–2 given characters (chaoshan-names.ts)
//   idNumber      GB 11643 resident ID (facts §6.1): address code of birth registration — one of Shantou's seven
//                 districts or, for ≈9%, a historical Shantou code such as 440582 潮阳市 (facts §6.4) — birth date,
//                 sequence with odd = male, MOD 11-2 check
//   sex           1 male / 2 female (tyrz sex, facts §2.2), equal to the sequence parity
//   birthDate     YYYY-MM-DD; adults 18–80 at SEED_REFERENCE_DATE mostly, ≈8% minors
//   districtCode  current district of residence (GB/T 2260)
//   address / householdAddress  residence and 户籍 addresses in Shantou (synthetic, shantou-places.ts)
//   phone, email  tyrz telephonenumber / mail
//   level         tyrz creditable_level_of_account L0–L3 (facts §2.3); isreal = level ≠ L0
//   realtype      tyrz realtype PLV 公安人口库 / SI 社保 / IC 工商企业库, empty for L0 (facts §2.2)
//   loginMethod   tyrz extproperties accout_type: 1 password, 2 certificate, 3 粤省事 QR, 4 微警 (facts §2.2)
//   uid           tyrz uid (login name): pinyin + a number that encodes the index
//   useridcode    tyrz useridcode, 32 hex chars
//   createtime    tyrz createtime yyyyMMddHHmmss (account registration)
//
// Legal-person fields (Enterprise in ../seed-types.ts):
//   id            "e" + 6-digit index
//   uscc          GB 32100 code (facts §6.2): category code by subject type (91/92/93 market regulation, 11/12
//                 institutional establishment, 51/52/53 civil affairs [R]), Shantou division code, GB 11714
//                 organisation code (facts §6.3), check; orgCode repeats positions 9–17 as XXXXXXXX-C
//   name, entityType, subjectType, industry  see legal-person-kinds.ts
//   legalRepresentative  name + ID number of a real Person in this seed (legalRepresentativeId is its id)
//   registeredCapital    万元; establishedDate YYYY-MM-DD; status 存续/在业 mostly, some 注销/吊销
//   districtCode, address  where it sits (a current district; city-level bodies sit in 龙湖区/金平区)
//   operatorIds   persona persons holding operator accounts under it (tyrz pareobj, facts §2.2) — personas only
//   uid           tyrz uid of the legal-person account: its USCC [SIM]; useridcode, createtime as for persons
import type { Enterprise, Seed } from "../seed-types.js";
import { EnterpriseCollection } from "./enterprise-collection.js";
import { PersonCollection } from "./person-collection.js";

export { SEED_REFERENCE_DATE } from "./birth-date-space.js";
export { PERSONA_PERSONS } from "./person-collection.js";
export { PERSONA_ENTERPRISES } from "./enterprise-collection.js";
export { ID_CAPACITY } from "./id-number-codec.js";
export { USCC_CAPACITY } from "./uscc-codec.js";
export { GOVERNMENT_BODIES } from "./legal-person-kinds.js";
export { PersonCollection, EnterpriseCollection };

/** The seed's government bodies (机关法人): listed directly when the seed can, else found by scanning every legal person. */
export function governmentBodiesOf(seed: Seed): Enterprise[] {
  if (seed.enterprises.governmentBodies) return seed.enterprises.governmentBodies();
  const out: Enterprise[] = [];
  for (let i = 0; i < seed.enterprises.size; i++) {
    const e = seed.enterprises.at(i);
    if (e?.subjectType === "government") out.push(e);
  }
  return out;
}

export interface SeedOptions {
  /** Number of natural persons (default 100,000). */
  persons?: number;
  /** Number of legal persons (default 20,000). */
  enterprises?: number;
}

export interface GeneratedSeed extends Seed {
  readonly persons: PersonCollection;
  readonly enterprises: EnterpriseCollection;
}

export const DEFAULT_PERSONS = 100_000;
export const DEFAULT_ENTERPRISES = 20_000;

/** Build the seed for a seed value; the same value gives the same records on every machine. */
export function createSeed(value: string, opts: SeedOptions = {}): GeneratedSeed {
  const persons = new PersonCollection(value, opts.persons ?? DEFAULT_PERSONS);
  const enterprises = new EnterpriseCollection(value, opts.enterprises ?? DEFAULT_ENTERPRISES, persons);
  return Object.freeze({ value, persons, enterprises });
}
