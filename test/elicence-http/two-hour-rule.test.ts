// The 2-hour rule (plan 附件2, facts §4.6): what was published to data sharing and when, flagged past the threshold.
import { describe, expect, it } from "vitest";
import { makeSim, tif } from "../helpers.js";
import { createEsealPlatform } from "../../mocks/eseal/platform.js";
import { createElicencePlatform } from "../../mocks/elicence/platform.js";
import { createDatasharePlatform } from "../../mocks/datashare/platform.js";
import { A, SID, T0, drivingLicenceBody, elicenceSim } from "./helpers.js";

const report = async (h: Awaited<ReturnType<typeof elicenceSim>>, retry = false) =>
  (await h.admin(retry ? "POST" : "GET", `/_gatesim/elicence/tenants/${A}/deliveries${retry ? "/retry" : ""}`)).json;

describe("catalogue deliveries (2-hour rule)", () => {
  it("an issuance delivered in-process arrives at once and is on time", async () => {
    const h = await elicenceSim();
    const p = h.person();
    const r = await h.d(SID.createAndIssue, drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber }));
    expect(r.json.data.catalogue_delivery).toEqual({
      status: "delivered",
      produced_at: "2026-03-02T01:00:00.000Z",
      delivered_at: "2026-03-02T01:00:00.000Z",
    });
    const rep = await report(h);
    expect(rep.summary).toEqual({ total: 1, delivered: 1, pending: 0, late: 0, overdue: 0 });
    expect(rep.records[0]).toMatchObject({
      certIdentifier: r.json.data.ZZBS,
      delaySeconds: 0,
      late: false,
      record: { certificate_source_id: r.json.data.ZZBS, certificate_type: "机动车驾驶证" },
    });
  });

  it("while data sharing is down: overdue at 2 h + 1 s and not at 2 h; re-sent, late only past 2 h", async () => {
    const h = await elicenceSim();
    const p = h.person();
    const body = drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber });
    h.ds.down = true;
    const first = (await h.d(SID.createAndIssue, body)).json.data;
    expect(first.catalogue_delivery).toMatchObject({
      status: "pending",
      reason: "数据共享平台不可用 / the data-sharing platform is unavailable",
    });
    h.advanceAll(1000);
    const second = (await h.d(SID.createAndIssue, body)).json.data;
    h.advanceAll(7_199_000); // first: exactly 2 h after production
    let rep = await report(h);
    const of = (id: string) => rep.records.find((x: any) => x.certIdentifier === id);
    expect(of(first.ZZBS)).toMatchObject({ status: "pending", overdue: false });
    h.advanceAll(1000); // first: 2 h + 1 s; second: exactly 2 h
    rep = await report(h);
    expect(of(first.ZZBS)).toMatchObject({ status: "pending", overdue: true, late: false });
    expect(of(second.ZZBS)).toMatchObject({ status: "pending", overdue: false });
    expect(rep.summary).toMatchObject({ pending: 2, overdue: 1 });
    h.ds.down = false;
    rep = await report(h, true);
    expect(of(first.ZZBS)).toMatchObject({ status: "delivered", delaySeconds: 7201, late: true, attempts: 2 });
    expect(of(second.ZZBS)).toMatchObject({ status: "delivered", delaySeconds: 7200, late: false });
    expect(rep.summary).toEqual({ total: 2, delivered: 2, pending: 0, late: 1, overdue: 0 });
    expect(h.ds.published.map((x) => x.record.certificate_source_id)).toEqual([first.ZZBS, second.ZZBS]);
  });

  it("without a data-sharing platform the record stays pending and says why", async () => {
    const h = await elicenceSim({ datashare: false });
    const p = h.person();
    const r = await h.d(SID.createAndIssue, drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber }));
    expect(r.json.data.catalogue_delivery.status).toBe("pending");
    expect((await report(h)).records[0].lastError).toContain("not loaded");
  });
});

describe("with the real data-sharing platform", () => {
  it("the published record arrives in data sharing's own 2-hour ledger for the issuing tenant", async () => {
    const sim = await makeSim({
      platforms: (seed) => [createEsealPlatform(seed), createElicencePlatform(seed), createDatasharePlatform(seed)],
    });
    const t = sim.tenant(A);
    t.clock.freeze(T0);
    const p = sim.runtime.seed.persons.at(3)!;
    const res = await sim.app.inject({
      method: "POST",
      url: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...tif(t, { serviceId: SID.createAndIssue }), "content-type": "application/json" },
      payload: JSON.stringify(drivingLicenceBody({ name: p.name, idNumber: p.idNumber })),
    });
    expect(res.json().data.catalogue_delivery.status, res.body.slice(0, 400)).toBe("delivered");
    const ds = sim.runtime.platforms.get("datashare")!.api as {
      licenceReport(ctx: { store: unknown }): Promise<{ total: number; late: number }>;
    };
    expect(await ds.licenceReport({ store: t.store })).toMatchObject({ total: 1, late: 0 });
  });
});
