// Test fixtures for the data-sharing domain: a seed, a directory of tenants with their own stores and clocks, and
// well-formed GatewayMsg bodies.
import { auditedBody } from "./audited-body.js";
import { Clock } from "../../mocks/shared/clock.js";
import { MemoryStore } from "../../mocks/shared/store.js";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { createDatashare, type Datashare } from "../../mocks/datashare/datashare.js";
import { resolveDepartments } from "../../mocks/datashare/departments.js";
import type { DatashareTenant, TenantDirectory } from "../../mocks/datashare/types.js";
import type { DatashareConfig } from "../../mocks/datashare/datashare.js";
import type { ProviderCaller } from "../../mocks/datashare/provider.js";

export const seed = createSeed("datashare-test", { persons: 5_000, enterprises: 3_000 });
export const T0 = Date.UTC(2025, 0, 6, 2, 0, 0); // 2025-01-06 10:00 CST

/** A valid USCC of the consumer department (a seed enterprise). */
export const DEPT_USCC = seed.enterprises.at(0)!.uscc;
export const VENDOR_USCC = seed.enterprises.at(2)!.uscc;

export function departments() {
  return resolveDepartments(seed);
}

export class TestDirectory implements TenantDirectory {
  readonly clock = new Clock(() => T0);
  readonly platform = new MemoryStore(this.clock);
  private readonly tenants = new Map<string, DatashareTenant>();

  add(paasid: string, orgCode?: string): DatashareTenant {
    const clock = new Clock(() => T0);
    clock.freeze(T0);
    const t: DatashareTenant = { paasid, store: new MemoryStore(clock), clock, ...(orgCode ? { orgCode } : {}) };
    this.tenants.set(paasid, t);
    return t;
  }

  tenant(paasid: string): DatashareTenant | undefined {
    return this.tenants.get(paasid);
  }
}

export interface World {
  dir: TestDirectory;
  ds: Datashare;
  /** consumers */
  a: DatashareTenant;
  b: DatashareTenant;
  /** tenant acting for 汕头市公安局 (provider of the population resources) */
  police: DatashareTenant;
  /** a department that compiles its own entries */
  dept: DatashareTenant;
}

export function world(opts: { callProvider?: ProviderCaller; config?: Partial<DatashareConfig> } = {}): World {
  const dir = new TestDirectory();
  const a = dir.add("C90-44000001");
  const b = dir.add("C90-44000002");
  const police = dir.add("stpolice", departments().get("汕头市公安局")!.code);
  const dept = dir.add("stdept", DEPT_USCC);
  const ds = createDatashare({ seed, directory: dir, ...opts });
  return { dir, ds, a, b, police, dept };
}

export const PERSON = seed.persons.at(42)!;
export const ENTERPRISE = seed.enterprises.at(7)!;

/** A complete, valid §5.2 body for paasid querying `query`. */
export function body(
  paasid: string,
  query: Record<string, unknown>,
  objectId = PERSON.idNumber,
  type = "01",
): Record<string, any> {
  return auditedBody({
    paasid,
    query,
    vender: VENDOR_USCC,
    department: DEPT_USCC,
    objectId,
    objectIdType: type,
    extra: { metadata: {} },
  });
}

export const CODES = {
  person: "101001/000001",
  household: "101001/000002",
  entity: "102001/000001",
  parcel: "103002/000001",
  penalties: "104001/000001",
  licences: "104001/000002",
  redblack: "104002/000001",
  pension: "305001/000001",
  food: "302001/000001",
  centres: "306001/000001",
  tax: "307001/000001",
  exitEntry: "301002/000001",
} as const;

export async function sid(ds: Datashare, code: string): Promise<string> {
  return (await ds.catalogue.require({ resourceCode: code })).serviceId;
}

/** Apply and, for conditional resources, have an admin approve; returns the grant. */
export async function grantFor(ds: Datashare, paasid: string, code: string, fields: string[], decision = {}) {
  const r = await ds.applications.apply(paasid, {
    resourceCode: code,
    fields,
    purpose: "办理业务核验",
    legalBasis: "《广东省政务数据资源共享管理办法》",
    itemCode: "11440100696927671X3442011817001",
  });
  if (r.grant) return r.grant;
  return (await ds.applications.approve({ kind: "admin" }, r.application.id, decision)).grant;
}
