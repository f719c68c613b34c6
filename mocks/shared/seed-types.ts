// Shape of the shared, read-only seed (personas, enterprises, base libraries) that every platform reads.
// The generator lives in mocks/shared/seed/; this file is the contract between it and its readers.

export type Level = "L0" | "L1" | "L2" | "L3";

/** A natural person: identity persona and data subject (population library, licence holder). */
export interface Person {
  /** Stable persona id, e.g. "p000001" (the seed generator uses "p" + 6-digit index). */
  id: string;
  name: string;
  /** GB 11643 resident ID number, check digit valid, consistent with birthDate and sex. */
  idNumber: string;
  /** 1 male, 2 female (tyrz `sex`). */
  sex: 1 | 2;
  /** YYYY-MM-DD */
  birthDate: string;
  /** GB/T 2260 code of the district of residence. */
  districtCode: string;
  address: string;
  /** 户籍 household registration address. */
  householdAddress: string;
  phone: string;
  email: string;
  /** Real-name level (tyrz creditable_level_of_account). */
  level: Level;
  /** tyrz realtype: PLV | SI | IC (empty for L0). */
  realtype: string;
  /** tyrz accout_type: 1 password, 2 certificate, 3 粤省事 QR, 4 微警. */
  loginMethod: "1" | "2" | "3" | "4";
  /** Login account name (tyrz uid). */
  uid: string;
  /** 32-hex unique user code (tyrz useridcode). */
  useridcode: string;
  /** Account registration time, yyyyMMddHHmmss (tyrz createtime). */
  createtime?: string;
}

/** A legal person (enterprise, institution, government body, social organisation). */
export interface Enterprise {
  id: string;
  /** GB 32100 unified social credit code. */
  uscc: string;
  name: string;
  /** e.g. 有限责任公司, 机关法人, 事业单位, 社会团体, 个体工商户 */
  entityType: string;
  /** social-credit subject type: enterprise | institution | government | social-org */
  subjectType: "enterprise" | "institution" | "government" | "social-org";
  legalRepresentative: { name: string; idNumber: string };
  registeredCapital: number; // 万元
  address: string;
  districtCode: string;
  establishedDate: string;
  /** 存续 | 在业 | 注销 | 吊销 */
  status: string;
  /** Persona ids of operator accounts under this legal person (tyrz pareobj). */
  operatorIds: string[];
  uid: string;
  useridcode: string;
  /** Persona id of the legal representative (a Person in the same seed). */
  legalRepresentativeId?: string;
  /** GB 11714 organisation code inside the USCC (positions 9–17), written XXXXXXXX-C. */
  orgCode?: string;
  /** Line of business used to build the name, e.g. 玩具, 贸易 (free text). */
  industry?: string;
  /** Account registration time, yyyyMMddHHmmss (tyrz createtime). */
  createtime?: string;
}

export interface Collection<T> {
  readonly size: number;
  /** Record at position i (0-based), generated on demand, deterministic. */
  at(i: number): T | undefined;
  /** O(1) lookup by stable id. */
  byId(id: string): T | undefined;
}

export interface Seed {
  /** The seed value everything was derived from. */
  readonly value: string;
  /** All persons (≥100,000, generated lazily); the first `personaCount` are the login personas. */
  readonly persons: Collection<Person> & {
    byIdNumber(idNumber: string): Person | undefined;
    readonly personaCount: number;
    /** O(1) lookup by tyrz login name (uid). */
    byUid?(uid: string): Person | undefined;
  };
  /** All legal persons (≥20,000, lazily); the first `personaCount` are shown as personas. */
  readonly enterprises: Collection<Enterprise> & {
    byUscc(uscc: string): Enterprise | undefined;
    readonly personaCount: number;
    /** O(1) lookup by tyrz login name (uid) of the legal-person account. */
    byUid?(uid: string): Enterprise | undefined;
    /** Every government body (机关法人), without generating the other legal persons. */
    governmentBodies?(): Enterprise[];
  };
}
