// Tenant isolation as a property: random tenants make seals and issue licences, then random tenants read and act on
// random ones of them through every e-seal seal operation and every e-licence operation that names a licence. A
// tenant other than the owner is always refused, never shown the owner's record, and the owner's stored record is the
// same after the attempt as before it. The owner itself may act (so the check cannot pass by refusing everyone).
import { describe, expect, it } from "vitest";
import { Prng } from "../../mocks/shared/prng.js";
import { admin, makeSim, tif } from "../helpers.js";
import { drivingLicenceBody, SID } from "../elicence-http/helpers.js";

const INVOKE = "/GatewayMsg/http/api/proxy/invoke";

interface Seal {
  owner: string;
  code: string;
}
interface Licence {
  owner: string;
  code: string;
  id: string;
}

describe("no tenant reads or changes another tenant's seals or licences", () => {
  it("holds over 300 random operations by three tenants (seeded)", async () => {
    const sim = await makeSim();
    // a third tenant registered at run time, acting for yet another organisation
    const taken = new Set(sim.runtime.tenants.list().map((t) => t.tenant.orgCode));
    const orgCode = sim.runtime.seed.enterprises.governmentBodies!().find(
      (e) => !taken.has(e.uscc) && (e.status === "存续" || e.status === "在业"),
    )!.uscc;
    const c = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants",
      headers: { ...admin, "content-type": "application/json" },
      payload: { paasid: "C90-44050999", name: "第三部门 / third department", orgCode },
    });
    expect(c.statusCode).toBe(201);
    const tenants = ["C90-44050001", "C90-44050002", "C90-44050999"];
    const rnd = new Prng("tenant-isolation-1");
    const seals: Seal[] = [];
    const licences: Licence[] = [];
    const persons = Array.from({ length: 50 }, (_, i) => sim.runtime.seed.persons.at(i)!);

    const call = async (paasid: string, method: "GET" | "POST", url: string, body?: unknown, serviceId?: string) => {
      const res = await sim.app.inject({
        method,
        url,
        headers: {
          ...tif(sim.tenant(paasid), serviceId ? { serviceId } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.statusCode,
        text: res.body,
        json: res.headers["content-type"]?.toString().includes("json") ? res.json() : undefined,
      };
    };
    const sealState = async (s: Seal) =>
      JSON.stringify(
        (await sim.tenant(s.owner).store.get<{ seals: Record<string, unknown> }>("eseal", "state"))?.seals[s.code],
      );
    const licenceState = async (l: Licence) =>
      JSON.stringify(await sim.tenant(l.owner).store.get("elicence.licence", l.id));

    let refused = 0,
      allowedOwn = 0;
    for (let step = 0; step < 300; step++) {
      const actor = rnd.pick(tenants);
      const roll = rnd.next();
      if (roll < 0.15 || seals.length === 0) {
        const r = await call(actor, "POST", "/ebus/eseal/v1/seals", {
          orgUscc: sim.tenant(actor).tenant.orgCode,
          type: "04",
        });
        expect(r.status, r.text).toBe(201);
        expect(
          seals.some((s) => s.code === r.json.data.sealCode),
          "seal codes are unique across tenants",
        ).toBe(false);
        seals.push({ owner: actor, code: r.json.data.sealCode });
      } else if (roll < 0.3 || licences.length === 0) {
        const p = rnd.pick(persons);
        const r = await call(
          actor,
          "POST",
          INVOKE,
          drivingLicenceBody({ name: p.name, idNumber: p.idNumber, sex: p.sex, birthDate: p.birthDate }),
          SID.createAndIssue,
        );
        expect(r.json?.ack_code, r.text).toBe("SUCCESS");
        expect(
          licences.some((l) => l.code === r.json.data.license_code || l.id === r.json.data.ZZBS),
          "licence codes are unique across tenants",
        ).toBe(false);
        licences.push({ owner: actor, code: r.json.data.license_code, id: r.json.data.ZZBS });
      } else if (roll < 0.65) {
        const s = rnd.pick(seals);
        const op = rnd.pick(["get", "picture", "status", "suspend", "resume", "revoke"] as const);
        const before = await sealState(s);
        const url = `/ebus/eseal/v1/seals/${s.code}${op === "get" ? "" : `/${op}`}`;
        const r = await call(
          actor,
          op === "get" || op === "picture" || op === "status" ? "GET" : "POST",
          url,
          op === "get" || op === "picture" || op === "status" ? undefined : {},
        );
        if (actor === s.owner) {
          if (r.status < 300) allowedOwn++;
          if (op === "revoke" && r.status < 300) seals.splice(seals.indexOf(s), 1);
          continue;
        }
        expect(r.status, `${actor} ${op} ${s.code} of ${s.owner}: ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.text).not.toContain(sim.tenant(s.owner).tenant.orgCode!);
        expect(await sealState(s)).toBe(before);
        refused++;
      } else {
        const l = rnd.pick(licences);
        const op = rnd.pick(["modify", "archive", "revoke", "issue", "delete"] as const);
        const ref = rnd.next() < 0.5 ? { license_code: l.code } : { ZZBS: l.id };
        const body =
          op === "modify"
            ? { ...ref, KZ_ZZ: "广东省汕头市金平区另一地址 2 号", reason: "isolation" }
            : op === "revoke"
              ? { ...ref, reason: "isolation" }
              : ref;
        const before = await licenceState(l);
        const r = await call(actor, "POST", INVOKE, body, SID[op]);
        if (actor === l.owner) {
          if (r.json?.ack_code === "SUCCESS") {
            allowedOwn++;
            if (op !== "archive" && op !== "issue") licences.splice(licences.indexOf(l), 1); // changed, superseded or gone
          }
          continue;
        }
        expect(r.json?.ack_code, `${actor} ${op} ${JSON.stringify(ref)} of ${l.owner}: ${r.text.slice(0, 300)}`).toBe(
          "FAILURE",
        );
        expect(r.status).toBeLessThan(500);
        expect(r.text).not.toContain("file_data");
        expect(await licenceState(l)).toBe(before);
        refused++;
      }
    }
    // the run exercised both sides of the property
    expect(refused).toBeGreaterThan(100);
    expect(allowedOwn).toBeGreaterThan(10);
    await sim.app.close();
  }, 120_000);
});
