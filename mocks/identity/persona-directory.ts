// Login personas: natural persons and enterprise operator accounts taken from the shared seed, plus
// personas added through the admin API. The people and enterprises themselves live in the seed, not here.
import { createHash } from "node:crypto";
import { divisionName } from "../shared/divisions.js";
import { checkIdNumber, checkUscc } from "../shared/ids.js";
import type { Enterprise, Level, Person, Seed } from "../shared/seed-types.js";
import { IdentityInputError, diag, idpProblem } from "./errors.js";
import type { AddPersonaInput, IdentityPersona } from "./types.js";

export const LEVELS: readonly Level[] = ["L0", "L1", "L2", "L3"];
export const levelRank = (l: Level): number => LEVELS.indexOf(l);

/** 32 lower-case hex chars (tyrz useridcode shape), deterministic from its inputs. */
export function hex32(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

function refuse(key: "invalidRequest" | "conflict", zh: string, en: string, location: string): never {
  throw new IdentityInputError(
    idpProblem(key, zh, en, [diag(location, "persona", en, "修正人员信息 / fix the persona data")]),
  );
}

export class PersonaDirectory {
  private seeded?: IdentityPersona[];
  private readonly byId = new Map<string, IdentityPersona>();
  private readonly added: IdentityPersona[] = [];

  /** Called after an admin add (durable-state.ts stores the input: a persona is derived from it and the seed). */
  onAdd?: (input: AddPersonaInput, persona: IdentityPersona) => void;

  constructor(private readonly seed: Seed) {}

  /** Seed personas are built on first use: the seed's collections are lazy and most requests never need the list. */
  private ensure(): IdentityPersona[] {
    if (this.seeded) return this.seeded;
    const out: IdentityPersona[] = [];
    const { persons, enterprises } = this.seed;
    for (let i = 0; i < persons.personaCount; i++) {
      const p = persons.at(i);
      if (p) out.push({ id: p.id, kind: "person", person: p, level: p.level, locked: false, source: "seed" });
    }
    for (let i = 0; i < enterprises.personaCount; i++) {
      const e = enterprises.at(i);
      if (!e) continue;
      const operators = e.operatorIds.map((id) => persons.byId(id)).filter((p): p is Person => !!p);
      // Facts §2.2: pareobj is the parent legal-person account of an operator account. An enterprise without
      // operators in the seed is operated by its legal representative.
      if (operators.length === 0) operators.push(this.personFromRepresentative(e));
      for (const p of operators)
        out.push({
          id: `${p.id}@${e.id}`,
          kind: "operator",
          person: p,
          enterprise: e,
          level: p.level,
          locked: false,
          source: "seed",
        });
    }
    for (const p of out) this.byId.set(p.id, p);
    return (this.seeded = out);
  }

  private personFromRepresentative(e: Enterprise): Person {
    const known = this.seed.persons.byIdNumber(e.legalRepresentative.idNumber);
    return (
      known ??
      this.synthesise({
        id: `legal-${e.id}`,
        name: e.legalRepresentative.name,
        idNumber: e.legalRepresentative.idNumber,
        level: "L2",
      })
    );
  }

  list(): IdentityPersona[] {
    return [...this.ensure(), ...this.added];
  }

  get(id: string): IdentityPersona | undefined {
    this.ensure();
    return this.byId.get(id);
  }

  /** Admin API: a new persona, validated against the foundation's identifier rules (GB 11643, GB 32100). */
  add(input: AddPersonaInput): IdentityPersona {
    this.ensure();
    if (!input || typeof input.name !== "string" || !input.name.trim())
      refuse("invalidRequest", "缺少姓名 name", "name is missing", "/body/name");
    if (!LEVELS.includes(input.level))
      refuse(
        "invalidRequest",
        `实名等级 ${String(input.level)} 应为 L0–L3`,
        `level ${String(input.level)} must be L0–L3`,
        "/body/level",
      );
    const bad = checkIdNumber(String(input.idNumber ?? ""));
    if (bad) refuse("invalidRequest", `身份证号无效：${bad}`, `invalid ID number: ${bad}`, "/body/idNumber");
    const kind = input.kind ?? (input.enterpriseUscc || input.enterprise ? "operator" : "person");
    let enterprise: Enterprise | undefined;
    if (kind === "operator") {
      if (input.enterpriseUscc) {
        enterprise = this.seed.enterprises.byUscc(input.enterpriseUscc);
        if (!enterprise)
          refuse(
            "invalidRequest",
            `种子数据中没有统一社会信用代码为 ${input.enterpriseUscc} 的法人`,
            `no legal person with USCC ${input.enterpriseUscc} in the seed`,
            "/body/enterpriseUscc",
          );
      } else if (input.enterprise) {
        const u = checkUscc(String(input.enterprise.uscc ?? ""));
        if (u) refuse("invalidRequest", `统一社会信用代码无效：${u}`, `invalid USCC: ${u}`, "/body/enterprise/uscc");
        enterprise = this.enterpriseFrom(input);
      } else {
        refuse(
          "invalidRequest",
          "经办人账号需要 enterpriseUscc 或 enterprise",
          "an operator persona needs enterpriseUscc or enterprise",
          "/body/enterprise",
        );
      }
    }
    const person = this.synthesise(input);
    const id = input.id ?? (enterprise ? `${person.id}@${enterprise.id}` : person.id);
    if (this.byId.has(id)) refuse("conflict", `人员 ${id} 已存在`, `persona ${id} already exists`, "/body/id");
    const persona: IdentityPersona = {
      id,
      kind,
      person,
      enterprise,
      level: input.level,
      locked: !!input.locked,
      source: "admin",
    };
    this.added.push(persona);
    this.byId.set(id, persona);
    this.onAdd?.(input, persona);
    return persona;
  }

  /** A Person for admin-added personas: sex, birth date and district come from the ID number (GB 11643). */
  private synthesise(input: AddPersonaInput): Person {
    const n = input.idNumber;
    const id = input.id?.split("@")[0] ?? `x${hex32(this.seed.value, "persona", n).slice(0, 8)}`;
    const uid = input.uid ?? `u_${id}`;
    const digits = BigInt("0x" + hex32(this.seed.value, "phone", n))
      .toString()
      .slice(0, 8);
    const districtCode = n.slice(0, 6);
    return {
      id,
      name: input.name,
      idNumber: n,
      sex: (Number(n[16]) % 2 === 1 ? 1 : 2) as 1 | 2,
      birthDate: `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`,
      districtCode,
      address: `广东省${divisionName(districtCode.slice(0, 4) + "00") ?? ""}${divisionName(districtCode) ?? ""}`,
      householdAddress: `广东省${divisionName(districtCode) ?? ""}`,
      phone: input.phone ?? `138${digits}`,
      email: input.email ?? `${uid}@example.com`,
      level: input.level,
      realtype: input.realtype ?? (input.level === "L0" ? "" : "PLV"),
      loginMethod: input.loginMethod ?? "1",
      uid,
      useridcode: hex32(this.seed.value, "useridcode", n),
    };
  }

  private enterpriseFrom(input: AddPersonaInput): Enterprise {
    const e = input.enterprise!;
    const districtCode = e.uscc.slice(2, 8);
    return {
      id: `x-${e.uscc}`,
      uscc: e.uscc,
      name: e.name,
      entityType: "有限责任公司",
      subjectType: "enterprise",
      legalRepresentative: e.legalRepresentative ?? { name: input.name, idNumber: input.idNumber },
      registeredCapital: 0,
      address: e.address ?? `广东省${divisionName(districtCode) ?? ""}`,
      districtCode,
      establishedDate: "2020-01-01",
      status: "存续",
      operatorIds: [],
      uid: `org_${e.uscc.slice(-8).toLowerCase()}`,
      useridcode: hex32(this.seed.value, "useridcode", e.uscc),
    };
  }
}
