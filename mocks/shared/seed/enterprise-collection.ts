// The seed's legal persons (enterprises, institutions, government bodies, social organisations): generated on demand
// from their index, with O(1) lookups by id and USCC.
import type { Enterprise, Person, Seed } from "../seed-types.js";
import { RecentRecords } from "./recent-records.js";
import { prngFor, type Prng } from "../prng.js";
import { REFERENCE_DAY, compactDate, dayNumber, isoDate } from "./birth-date-space.js";
import {
  GOVERNMENT_BODIES,
  KINDS,
  type Kind,
  legalPersonName,
  pickBusinessDistrict,
  pickKind,
} from "./legal-person-kinds.js";
import { hex32, personaLevel, type PersonCollection } from "./person-collection.js";
import { businessAddress, districtByCode } from "./shantou-places.js";
import { USCC_CAPACITY, UsccCodec } from "./uscc-codec.js";

interface PersonaSpec {
  kind: Kind;
  /** District of the address (and of the USCC unless it is a city-level body). */
  district: string;
  /** Index into GOVERNMENT_BODIES for government personas. */
  gov?: number;
  status?: string;
}

const GOV_LONGHU = GOVERNMENT_BODIES.findIndex((g) => g.name === "汕头市龙湖区人民政府");

/**
 * The legal persons the identity login page lists: every subject type and district, mostly active; the last two are
 * 吊销 (licence revoked) and 注销 (deregistered) so relying parties can test how they treat inactive legal persons.
 * Enterprise 0 is an ordinary 龙湖区 company whose legal representative is also its one operator (docs examples).
 */
const PERSONA_SPECS: readonly PersonaSpec[] = [
  { kind: "company", district: "440507" },
  { kind: "government", district: "440507", gov: 0 },
  { kind: "company-sole", district: "440511" },
  { kind: "individual", district: "440507" },
  { kind: "institution", district: "440513" },
  { kind: "social-group", district: "440511" },
  { kind: "government", district: "440507", gov: 1 },
  { kind: "company", district: "440515" },
  { kind: "company", district: "440514" },
  { kind: "cooperative", district: "440513" },
  { kind: "company", district: "440512" },
  { kind: "company-sole", district: "440523" },
  { kind: "private-non-enterprise", district: "440507" },
  { kind: "sole-proprietorship", district: "440513" },
  { kind: "joint-stock", district: "440507" },
  { kind: "government", district: "440507", gov: GOV_LONGHU },
  { kind: "institution", district: "440511" },
  { kind: "company", district: "440513" },
  { kind: "individual", district: "440514" },
  { kind: "foundation", district: "440511" },
  { kind: "partnership", district: "440507" },
  { kind: "company", district: "440515" },
  { kind: "company", district: "440507", status: "吊销" },
  { kind: "company", district: "440514", status: "注销" },
];

export const PERSONA_ENTERPRISES = PERSONA_SPECS.length;

/** Government bodies left for non-persona legal persons: one at every index ≡ 37 (mod 100) until they run out. */
const GOV_POOL = GOVERNMENT_BODIES.map((_, k) => k).filter((k) => !PERSONA_SPECS.some((s) => s.gov === k));
const GOV_STRIDE = 100;
const GOV_PHASE = 37;

const ID_PATTERN = /^e(\d{6,})$/;

function yearOf(day: number): number {
  return +isoDate(day).slice(0, 4);
}

function dayIn(rnd: Prng, fromYear: number, toYear: number): number {
  const from = dayNumber(fromYear, 1, 1)!;
  const to = Math.min(dayNumber(toYear, 12, 31)!, REFERENCE_DAY - 1);
  return from <= to ? rnd.int(from, to) : to;
}

/** Registered capital in 万元 (for institutions 开办资金, for social organisations 注册资金). */
function capital(kind: Kind, rnd: Prng): number {
  switch (kind) {
    case "company":
    case "company-sole":
    case "partnership":
      return rnd.pick([10, 30, 50, 100, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000, 3000, 5000]);
    case "joint-stock":
      return rnd.pick([1000, 2000, 3000, 5000, 8000, 10000, 20000]);
    case "sole-proprietorship":
      return rnd.pick([1, 3, 5, 10, 20, 50, 100]);
    case "individual":
      return rnd.int(1, 50);
    case "cooperative":
      return rnd.pick([10, 20, 50, 100, 200, 500]);
    case "government":
      return 0;
    case "institution":
      return rnd.pick([10, 50, 100, 300, 500, 1000, 3000]);
    case "social-group":
    case "private-non-enterprise":
      return rnd.pick([3, 5, 10, 20, 30, 50]);
    case "foundation":
      return rnd.pick([200, 300, 500, 1000]);
  }
}

export class EnterpriseCollection implements Collection {
  private readonly recent = new RecentRecords<Enterprise>();
  readonly size: number;
  readonly personaCount: number;
  private readonly seedValue: string;
  private readonly persons: PersonCollection;
  private readonly codes: UsccCodec;
  /** Persona persons who may operate a legal-person account: real-named (L1+), all adults by construction. */
  private readonly operatorPool: number[];

  constructor(seedValue: string, size: number, persons: PersonCollection) {
    if (!Number.isInteger(size) || size < 1 || size > USCC_CAPACITY)
      throw new RangeError(
        `法人数量应为 1..${USCC_CAPACITY} 之间的整数，实际为 ${size} / enterprises must be an integer in 1..${USCC_CAPACITY}, got ${size}`,
      );
    this.seedValue = seedValue;
    this.size = size;
    this.personaCount = Math.min(PERSONA_ENTERPRISES, size);
    this.persons = persons;
    this.codes = new UsccCodec(prngFor(seedValue, "enterprises"));
    this.operatorPool = [];
    for (let i = 0; i < persons.personaCount; i++) if (personaLevel(i) !== "L0") this.operatorPool.push(i);
  }

  at(i: number): Enterprise | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return undefined;
    return this.recent.get(i, (k) => this.generate(k));
  }

  byId(id: string): Enterprise | undefined {
    const m = ID_PATTERN.exec(id);
    if (!m) return undefined;
    const e = this.at(Number(m[1]));
    return e && e.id === id ? e : undefined;
  }

  byUscc(uscc: string): Enterprise | undefined {
    if (typeof uscc !== "string") return undefined;
    const i = this.codes.decode(uscc);
    if (i === undefined) return undefined;
    const e = this.at(i);
    return e && e.uscc === uscc ? e : undefined;
  }

  /**
   * Every government body (机关法人) in the collection, in position order, without generating the others: they sit at
   * fixed positions (persona specs with a body, then every GOV_STRIDE-th position from GOV_PHASE).
   */
  governmentBodies(): Enterprise[] {
    const out: Enterprise[] = [];
    for (let j = 0; j < this.personaCount; j++) if (PERSONA_SPECS[j].gov !== undefined) out.push(this.at(j)!);
    for (let k = 0; k < GOV_POOL.length; k++) {
      const j = k * GOV_STRIDE + GOV_PHASE;
      if (j >= this.size) break;
      if (j >= this.personaCount) out.push(this.at(j)!);
    }
    return out;
  }

  /** The legal-person account logs in with its USCC as uid (a simulator choice [SIM]). */
  byUid(uid: string): Enterprise | undefined {
    return this.byUscc(uid);
  }

  /** A person born no later than maxBirthYear, preferring non-persona people. */
  private representative(rnd: Prng, maxBirthYear: number): Person {
    const lo = this.persons.size > this.persons.personaCount ? this.persons.personaCount : 0;
    for (let t = 0; t < 32; t++) {
      const p = this.persons.at(rnd.int(lo, this.persons.size - 1))!;
      if (+p.birthDate.slice(0, 4) <= maxBirthYear) return p;
    }
    return this.persons.at(0)!;
  }

  private generate(j: number): Enterprise {
    const rnd = prngFor(this.seedValue, `enterprise:${j}`);
    const spec: PersonaSpec | undefined = PERSONA_SPECS[j];
    const persona = j < this.personaCount;
    let kind: Kind;
    let gov: number | undefined;
    if (persona) {
      kind = spec.kind;
      gov = spec.gov;
    } else if (j % GOV_STRIDE === GOV_PHASE && Math.floor(j / GOV_STRIDE) < GOV_POOL.length) {
      kind = "government";
      gov = GOV_POOL[Math.floor(j / GOV_STRIDE)];
    } else {
      kind = pickKind(rnd);
    }
    const info = KINDS[kind];
    const body = gov === undefined ? undefined : GOVERNMENT_BODIES[gov];
    // Where the legal person sits. City-level bodies sit in the city centre (龙湖区/金平区); their USCC carries the
    // city code 440500 instead.
    const place =
      body && body.division !== "440500"
        ? districtByCode(body.division)
        : persona
          ? districtByCode(spec.district)
          : body
            ? districtByCode(rnd.next() < 0.5 ? "440507" : "440511")
            : pickBusinessDistrict(rnd);

    // Operator accounts (tyrz pareobj → operator, facts §2.2 [I]): 1–3 persona persons for persona legal persons.
    const operatorIds: string[] = [];
    if (persona && this.operatorPool.length) {
      const want = Math.min(1 + (j % 3), this.operatorPool.length);
      const pool = [...this.operatorPool];
      for (let k = 0; k < want; k++) {
        const idx = pool.splice(rnd.int(0, pool.length - 1), 1)[0];
        operatorIds.push("p" + String(idx).padStart(6, "0"));
      }
    }

    const business = info.subjectType === "enterprise";
    let rep: Person | undefined;
    if (persona && business && j % 2 === 0 && operatorIds.length) {
      const op = this.persons.byId(operatorIds[0])!;
      if (+op.birthDate.slice(0, 4) <= 2002) rep = op;
    }
    rep ??= this.representative(rnd, business ? 2004 : 1990);
    const repBirthYear = +rep.birthDate.slice(0, 4);

    let established: number;
    switch (kind) {
      case "government":
        established = dayIn(rnd, 1983, 2019);
        break;
      case "institution":
        established = dayIn(rnd, 1960, 2020);
        break;
      case "social-group":
      case "private-non-enterprise":
      case "foundation":
        established = dayIn(rnd, 1995, 2023);
        break;
      case "individual":
        established = dayIn(rnd, Math.max(2000, repBirthYear + 19), 2024);
        break;
      // 农民专业合作社 and 有限合伙 exist since the 2007 laws (农民专业合作社法, revised 合伙企业法) [R].
      case "cooperative":
      case "partnership":
        established = dayIn(rnd, Math.max(2007, repBirthYear + 20), 2024);
        break;
      default:
        established = dayIn(rnd, Math.max(1993, repBirthYear + 20), 2024);
    }

    const named = body ? { name: body.name, industry: "机关" } : legalPersonName(kind, place, rnd);

    // USCC (facts §6.2): division of the registering authority, body issued before or after the 2015 reform.
    // Non-business bodies named after a district register there, the others with the city; about one in eight
    // non-persona companies is registered by the city's market regulator.
    const cityRegistered = rnd.next() < 0.12;
    const division = body
      ? body.division
      : !business
        ? named.name.includes(place.name)
          ? place.code
          : "440500"
        : cityRegistered && !persona && !named.name.includes(place.name)
          ? "440500"
          : place.code;
    const style = yearOf(established) >= 2016 ? info.newStyle : "digits";
    const { uscc, orgCode } = UsccCodec.format(info.typeCode, division, this.codes.body(j, style));
    const s = rnd.next();
    const status = persona
      ? (spec.status ?? "存续")
      : business
        ? s < 0.72
          ? "存续"
          : s < 0.88
            ? "在业"
            : s < 0.96
              ? "注销"
              : "吊销"
        : "存续";

    const regFrom = Math.max(dayNumber(2016, 1, 1)!, established);
    const regDay = regFrom < REFERENCE_DAY ? rnd.int(regFrom, REFERENCE_DAY - 1) : REFERENCE_DAY - 1;
    const createtime =
      compactDate(regDay) +
      String(rnd.int(8, 18)).padStart(2, "0") +
      String(rnd.int(0, 59)).padStart(2, "0") +
      String(rnd.int(0, 59)).padStart(2, "0");

    return Object.freeze({
      id: "e" + String(j).padStart(6, "0"),
      uscc,
      name: named.name,
      entityType: info.entityType,
      subjectType: info.subjectType,
      legalRepresentative: Object.freeze({ name: rep.name, idNumber: rep.idNumber }),
      registeredCapital: capital(kind, rnd),
      address: businessAddress(place, rnd),
      districtCode: place.code,
      establishedDate: isoDate(established),
      status,
      operatorIds: Object.freeze(operatorIds) as string[],
      uid: uscc,
      useridcode: hex32(rnd),
      legalRepresentativeId: rep.id,
      orgCode,
      industry: named.industry,
      createtime,
    });
  }
}

type Collection = Seed["enterprises"] & { byUid(uid: string): Enterprise | undefined };
