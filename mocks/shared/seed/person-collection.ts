// The seed's natural persons: generated on demand from their index, with O(1) lookups by id, ID number and uid.
import type { Level, Person, Seed } from "../seed-types.js";
import { RecentRecords } from "./recent-records.js";
import { prngFor, type Prng } from "../prng.js";
import { AffinePermutation } from "./affine-permutation.js";
import { REFERENCE_DAY, compactDate, dayNumber, isoDate } from "./birth-date-space.js";
import { pickPersonName } from "./chaoshan-names.js";
import { ID_CAPACITY, ID_DISTRICT_SLOTS, IdNumberCodec } from "./id-number-codec.js";
import { SUCCESSORS, districtByCode, residentialAddress } from "./shantou-places.js";

/** How many persons the identity login page lists (≥ 50; see PERSONA_LEVELS for their spread). */
export const PERSONA_PERSONS = 56;

/**
 * Personas cycle through these levels and login methods (tyrz creditable_level_of_account and accout_type, facts
 * §2.2–2.3): L2 is the most common, every level and every method occurs, L0 accounts log in by password only.
 * Persona 0 is a plain L2 citizen of 龙湖区 who logs in with the 粤省事 QR code (docs examples use it).
 */
const PERSONA_LEVELS: readonly Level[] = ["L2", "L1", "L2", "L3", "L2", "L0", "L2", "L1", "L3", "L2"];
const PERSONA_METHODS: readonly Person["loginMethod"][] = ["3", "1", "2", "4", "3", "1", "3", "1", "2", "4"];
const PERSONA_REALTYPES = ["PLV", "PLV", "SI", "PLV", "IC", "PLV", "SI"];

/** The real-name level a persona will have, known without generating it (used to choose enterprise operators). */
export function personaLevel(i: number): Level {
  return PERSONA_LEVELS[i % PERSONA_LEVELS.length];
}

/** Mobile number prefixes of the three carriers (13x–19x) [R]. */
const MOBILE_PREFIXES = [
  "134",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "157",
  "158",
  "159",
  "182",
  "183",
  "187",
  "188",
  "178",
  "130",
  "131",
  "132",
  "155",
  "156",
  "166",
  "185",
  "186",
  "176",
  "133",
  "153",
  "173",
  "177",
  "180",
  "181",
  "189",
  "191",
  "199",
];
const MAIL_DOMAINS = ["163.com", "126.com", "sina.com", "139.com", "foxmail.com"];

const ID_PATTERN = /^p(\d{6,})$/;
const UID_PATTERN = /^[a-z]+(\d+)$/;

function weightedLevel(rnd: Prng): Level {
  const x = rnd.next();
  return x < 0.12 ? "L0" : x < 0.32 ? "L1" : x < 0.87 ? "L2" : "L3";
}

const FIRST_REGISTRATION_DAY = dayNumber(2016, 1, 1)!;

/** 32 lower-case hex characters (tyrz useridcode, facts §2.2). */
export function hex32(rnd: Prng): string {
  let s = "";
  for (let k = 0; k < 4; k++) s += rnd.nextU32().toString(16).padStart(8, "0");
  return s;
}

function registrationTime(rnd: Prng, birthDay: number): string {
  // tyrz createtime (yyyyMMddHHmmss, facts §2.2): accounts opened 2016–2024, never before the first birthday.
  const from = Math.max(FIRST_REGISTRATION_DAY, birthDay + 366);
  const to = REFERENCE_DAY - 1;
  const day = from <= to ? rnd.int(from, to) : to;
  const hh = String(rnd.int(7, 22)).padStart(2, "0");
  const mm = String(rnd.int(0, 59)).padStart(2, "0");
  const ss = String(rnd.int(0, 59)).padStart(2, "0");
  return compactDate(day) + hh + mm + ss;
}

export class PersonCollection implements Collection {
  readonly size: number;
  readonly personaCount: number;
  private readonly seedValue: string;
  private readonly recent = new RecentRecords<Person>();
  private readonly ids: IdNumberCodec;
  private readonly uidSuffix: AffinePermutation;
  private readonly uidWidth: number;

  constructor(seedValue: string, size: number) {
    if (!Number.isInteger(size) || size < 1 || size > ID_CAPACITY)
      throw new RangeError(
        `自然人数量应为 1..${ID_CAPACITY} 之间的整数，实际为 ${size} / persons must be an integer in 1..${ID_CAPACITY}, got ${size}`,
      );
    this.seedValue = seedValue;
    this.size = size;
    this.personaCount = Math.min(PERSONA_PERSONS, size);
    const rnd = prngFor(seedValue, "persons");
    this.ids = new IdNumberCodec(rnd);
    // Login names end in a number that is an affine image of the index, so byUid decodes them like ID numbers.
    this.uidWidth = Math.max(6, String(size - 1).length);
    this.uidSuffix = new AffinePermutation(10 ** this.uidWidth, rnd);
  }

  at(i: number): Person | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return undefined;
    return this.recent.get(i, (k) => this.generate(k));
  }

  byId(id: string): Person | undefined {
    const m = ID_PATTERN.exec(id);
    if (!m) return undefined;
    const p = this.at(Number(m[1]));
    return p && p.id === id ? p : undefined;
  }

  /** Lower-case x as the check character is accepted too; anything not generated here gives undefined. */
  byIdNumber(idNumber: string): Person | undefined {
    if (typeof idNumber !== "string") return undefined;
    const v = idNumber.length === 18 && idNumber[17] === "x" ? idNumber.slice(0, 17) + "X" : idNumber;
    const i = this.ids.decode(v);
    if (i === undefined) return undefined;
    const p = this.at(i);
    return p && p.idNumber === v ? p : undefined;
  }

  /** Lookup by tyrz login name (uid). */
  byUid(uid: string): Person | undefined {
    const m = typeof uid === "string" ? UID_PATTERN.exec(uid) : null;
    if (!m || m[1].length !== this.uidWidth) return undefined;
    const p = this.at(this.uidSuffix.invert(Number(m[1])));
    return p && p.uid === uid ? p : undefined;
  }

  private generate(i: number): Person {
    const persona = i < this.personaCount;
    const parts = this.ids.encode(i);
    const rnd = prngFor(this.seedValue, `person:${i}`);
    const sex: 1 | 2 = rnd.next() < 0.5 ? 1 : 2;
    const idNumber = IdNumberCodec.format(parts, sex);
    const birthDate = isoDate(parts.day);
    const { name, pinyin } = pickPersonName(rnd, sex, +birthDate.slice(0, 4));

    // 户籍 is where the ID number was issued (today's district for a historical code); about one in ten
    // non-persona people now lives in another district.
    const successors = SUCCESSORS[parts.code];
    const home = successors ? (persona ? successors[0] : rnd.pick(successors)) : parts.code;
    let residence = home;
    if (!persona && rnd.next() < 0.1) {
      const other = rnd.pick(ID_DISTRICT_SLOTS);
      residence = SUCCESSORS[other]?.[0] ?? other;
    }
    const householdAddress = residentialAddress(districtByCode(home), rnd);
    const address =
      residence === home && rnd.next() < 0.55 ? householdAddress : residentialAddress(districtByCode(residence), rnd);

    const phone = rnd.pick(MOBILE_PREFIXES) + String(rnd.int(0, 99_999_999)).padStart(8, "0");
    const uid = pinyin + String(this.uidSuffix.apply(i)).padStart(this.uidWidth, "0");
    const email = rnd.next() < 0.5 ? `${rnd.int(10_000, 3_999_999_999)}@qq.com` : `${uid}@${rnd.pick(MAIL_DOMAINS)}`;

    // Real-name level, how it was verified, and how the person logs in (facts §2.2–2.3). An unverified (L0)
    // account has no realtype and logs in by password: the other methods imply a verified identity [SIM].
    const level = persona ? personaLevel(i) : weightedLevel(rnd);
    const rt = rnd.next();
    const realtype =
      level === "L0"
        ? ""
        : persona
          ? PERSONA_REALTYPES[i % PERSONA_REALTYPES.length]
          : rt < 0.75
            ? "PLV"
            : rt < 0.92
              ? "SI"
              : "IC";
    const lm = rnd.next();
    const loginMethod: Person["loginMethod"] =
      level === "L0"
        ? "1"
        : persona
          ? PERSONA_METHODS[i % PERSONA_METHODS.length]
          : lm < 0.5
            ? "3"
            : lm < 0.82
              ? "1"
              : lm < 0.92
                ? "4"
                : "2";
    const useridcode = hex32(rnd);
    const createtime = registrationTime(rnd, parts.day);

    return Object.freeze({
      id: "p" + String(i).padStart(6, "0"),
      name,
      idNumber,
      sex,
      birthDate,
      districtCode: residence,
      address,
      householdAddress,
      phone,
      email,
      level,
      realtype,
      loginMethod,
      uid,
      useridcode,
      createtime,
    });
  }
}

type Collection = Seed["persons"] & { byUid(uid: string): Person | undefined };
