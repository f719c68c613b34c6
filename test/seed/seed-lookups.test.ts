// Lookups by id, ID number, USCC and uid find exactly the generated records and nothing else.
import { describe, expect, it } from "vitest";
import { createSeed, governmentBodiesOf } from "../../mocks/shared/seed/index.js";
import { checkIdNumber, checkUscc, idCheck, orgCheck, usccCheck } from "../../mocks/shared/ids.js";

const seed = createSeed("lookups");
const indices = [0, 1, 2, 55, 56, 63, 64, 65, 127, 128, 999, 4242, 31_337, 64_000, 99_998, 99_999];
const eIndices = [0, 1, 6, 15, 23, 24, 37, 137, 999, 12_345, 19_999];

/** The same person with the other sex: a valid ID number that nobody in the seed has. */
function flipSex(idNumber: string): string {
  const seq = +idNumber.slice(14, 17);
  const body = idNumber.slice(0, 14) + String(seq % 2 ? seq - 1 : seq + 1).padStart(3, "0");
  return body + idCheck(body);
}

function withCheck(b17: string): string {
  return b17 + idCheck(b17);
}

/** The same subject identifier registered under another division: a valid USCC that nobody in the seed has. */
function otherDivision(uscc: string): string {
  const div = uscc.slice(2, 8) === "440511" ? "440507" : "440511";
  const b17 = uscc.slice(0, 2) + div + uscc.slice(8, 17);
  return b17 + usccCheck(b17);
}

describe("persons", () => {
  it("byId, byIdNumber and byUid return the record at() gives", () => {
    for (const i of indices) {
      const p = seed.persons.at(i)!;
      expect(p.id).toBe("p" + String(i).padStart(6, "0"));
      expect(seed.persons.byId(p.id)).toEqual(p);
      expect(seed.persons.byIdNumber(p.idNumber)).toEqual(p);
      expect(seed.persons.byUid!(p.uid)).toEqual(p);
    }
  });

  it("round-trips every one of the first 20,000 ID numbers", () => {
    let misses = 0;
    for (let i = 0; i < 20_000; i++) {
      const p = seed.persons.at(i)!;
      if (seed.persons.byIdNumber(p.idNumber)?.id !== p.id) misses++;
    }
    expect(misses).toBe(0);
  });

  it("accepts a lower-case x check character", () => {
    let found = 0;
    for (let i = 0; i < 2000 && found < 3; i++) {
      const p = seed.persons.at(i)!;
      if (p.idNumber.endsWith("X")) {
        found++;
        expect(seed.persons.byIdNumber(p.idNumber.slice(0, 17) + "x")?.id).toBe(p.id);
      }
    }
    expect(found).toBe(3);
  });

  it("misses valid ID numbers that were not generated", () => {
    const foreign = [
      "11010519491231002X", // GB 11643 reference example (Beijing)
      withCheck("44052319850615001"), // sequence 001 is never generated
      withCheck("44050719300101123"), // born 1930, older than anyone in the seed
      withCheck("44058220100101123"), // historical code 潮阳市 with a birth date after it went out of use
      ...indices.map((i) => flipSex(seed.persons.at(i)!.idNumber)),
    ];
    for (const v of foreign) {
      expect(checkIdNumber(v)).toBeNull();
      expect(seed.persons.byIdNumber(v)).toBeUndefined();
    }
  });

  it("misses ID numbers of people beyond the collection's size and of other seeds", () => {
    const small = createSeed("lookups", { persons: 1000 });
    for (const i of [1000, 5000, 99_999])
      expect(small.persons.byIdNumber(seed.persons.at(i)!.idNumber)).toBeUndefined();
    expect(small.persons.byIdNumber(seed.persons.at(999)!.idNumber)?.name).toBe(seed.persons.at(999)!.name);
    const other = createSeed("another seed");
    let hits = 0;
    for (let i = 0; i < 500; i++) if (seed.persons.byIdNumber(other.persons.at(i)!.idNumber)) hits++;
    expect(hits).toBeLessThan(5);
  });

  it("misses malformed input without throwing", () => {
    const p = seed.persons.at(7)!;
    for (const v of [
      "",
      "p",
      "44050719900101123",
      p.idNumber + "0",
      p.idNumber.slice(0, 17) + "Y",
      " " + p.idNumber,
      "4405071990013212 3",
    ]) {
      expect(seed.persons.byIdNumber(v)).toBeUndefined();
    }
    expect(seed.persons.byIdNumber(p.idNumber.slice(0, 17) + (p.idNumber[17] === "0" ? "1" : "0"))).toBeUndefined();
    for (const v of ["", "p", "p123", "p0000001", "P000001", "x000001", "p-00001", "p100000", "p999999", "p000001 "]) {
      expect(seed.persons.byId(v)).toBeUndefined();
    }
    for (const v of ["", "chen", "123456", p.uid.toUpperCase(), p.uid + "0", "zzz" + p.uid.slice(-6)]) {
      expect(seed.persons.byUid!(v)).toBeUndefined();
    }
  });

  it("at() is defined exactly on 0..size-1", () => {
    expect(seed.persons.at(-1)).toBeUndefined();
    expect(seed.persons.at(seed.persons.size)).toBeUndefined();
    expect(seed.persons.at(1.5)).toBeUndefined();
    expect(seed.persons.at(seed.persons.size - 1)).toBeDefined();
  });
});

describe("legal persons", () => {
  it("byId, byUscc and byUid return the record at() gives", () => {
    for (const j of eIndices) {
      const e = seed.enterprises.at(j)!;
      expect(e.id).toBe("e" + String(j).padStart(6, "0"));
      expect(seed.enterprises.byId(e.id)).toEqual(e);
      expect(seed.enterprises.byUscc(e.uscc)).toEqual(e);
      expect(seed.enterprises.byUid!(e.uid)).toEqual(e);
    }
  });

  it("round-trips every USCC", () => {
    let misses = 0;
    for (let j = 0; j < seed.enterprises.size; j++) {
      const e = seed.enterprises.at(j)!;
      if (seed.enterprises.byUscc(e.uscc)?.id !== e.id) misses++;
    }
    expect(misses).toBe(0);
  });

  it("misses valid USCCs that were not generated", () => {
    const foreign = [
      "91440507192781592B", // facts §6.2 examples
      "11440500553696992R",
      "91440101MA5CHYDD1A",
      "91350100M000100Y43",
      ...eIndices.map((j) => otherDivision(seed.enterprises.at(j)!.uscc)),
    ];
    for (const v of foreign) {
      expect(checkUscc(v)).toBeNull();
      expect(seed.enterprises.byUscc(v)).toBeUndefined();
    }
    const small = createSeed("lookups", { enterprises: 100 });
    expect(small.enterprises.byUscc(seed.enterprises.at(100)!.uscc)).toBeUndefined();
    expect(small.enterprises.byUscc(seed.enterprises.at(99)!.uscc)?.name).toBe(seed.enterprises.at(99)!.name);
  });

  it("misses malformed input without throwing", () => {
    const e = seed.enterprises.at(3)!;
    const b17 = e.uscc.slice(0, 17);
    const wrongCheck = b17 + (usccCheck(b17) === "0" ? "1" : "0");
    for (const v of [
      "",
      e.uscc.toLowerCase(),
      e.uscc.slice(0, 17),
      e.uscc + "0",
      wrongCheck,
      e.uscc.replace(/.$/, "I"),
      orgCheck("MA000000"),
    ]) {
      expect(seed.enterprises.byUscc(v)).toBeUndefined();
    }
    for (const v of ["", "e", "e12", "e0000001", "E000001", "p000001", "e020000"]) {
      expect(seed.enterprises.byId(v)).toBeUndefined();
    }
  });
});

describe("government bodies", () => {
  /** What a reader without the shortcut would do: generate every legal person and keep the 机关法人. */
  const scan = (s: ReturnType<typeof createSeed>) => {
    const out: string[] = [];
    for (let i = 0; i < s.enterprises.size; i++)
      if (s.enterprises.at(i)!.subjectType === "government") out.push(s.enterprises.at(i)!.id);
    return out;
  };

  it.each([20_000, 3_000, 40, 5])(
    "governmentBodies() lists exactly the government bodies a full scan finds (%i legal persons)",
    (n) => {
      const s = createSeed("gov-bodies", { persons: 2_000, enterprises: n });
      const listed = governmentBodiesOf(s);
      expect(listed.map((e) => e.id)).toEqual(scan(createSeed("gov-bodies", { persons: 2_000, enterprises: n })));
      expect(listed.every((e) => e.entityType === "机关法人")).toBe(true);
    },
  );

  it("without the method (another Seed implementation) the helper scans and finds the same bodies", () => {
    const s = createSeed("gov-bodies", { persons: 2_000, enterprises: 1_000 });
    const plain = {
      value: s.value,
      persons: s.persons,
      enterprises: {
        size: s.enterprises.size,
        personaCount: s.enterprises.personaCount,
        at: (i: number) => s.enterprises.at(i),
        byId: (id: string) => s.enterprises.byId(id),
        byUscc: (u: string) => s.enterprises.byUscc(u),
      },
    };
    expect(governmentBodiesOf(plain).map((e) => e.id)).toEqual(governmentBodiesOf(s).map((e) => e.id));
  });
});
