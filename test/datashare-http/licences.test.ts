// Licence catalogue submissions and the 2-hour rule (facts §4.6): over HTTP and through the in-process API e-licence uses.
import { beforeEach, describe, expect, it } from "vitest";
import { MARKET, T0, makeDsSim, type DsSim } from "./helpers.js";
import type { DatashareApi } from "../../mocks/datashare/platform.js";

let w: DsSim;
beforeEach(async () => {
  w = await makeDsSim();
});

const record = (n: number, producedAt: number | string) => ({
  certificate_area_code: "440507",
  certificate_holder: w.seed.enterprises.at(3)!.name,
  certificate_holder_code: w.seed.enterprises.at(3)!.uscc,
  certificate_holder_type: "001",
  certificate_name: "食品经营许可证",
  certificate_number: `JY1440507001234${n}`,
  certificate_source_id: `SRC-2025-${n}`,
  certificate_type: "食品经营许可证",
  certificate_type_code: "11100000000013338W011",
  issue_date: "2025-01-06",
  issue_dept: "汕头市市场监督管理局",
  issue_dept_code: MARKET,
  produced_at: producedAt,
});

describe("the 2-hour rule", () => {
  it("over HTTP: produced exactly 2 h before arrival is on time, 2 h + 1 s is late", async () => {
    const r = await w.call("stmarket", "POST", "/ebus/datashare/v1/licence-catalogue", {
      records: [
        record(1, T0 - 7_200_000),
        record(2, new Date(T0 - 7_201_000).toISOString()),
        record(3, "2025-01-06 09:30:00"),
      ],
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().data).toMatchObject({ accepted: 3, late: 1 });
    expect(r.json().data.items.map((s: { delaySeconds: number; late: boolean }) => [s.delaySeconds, s.late])).toEqual([
      [7200, false],
      [7201, true],
      [1800, false],
    ]);

    const lateOnly = (await w.call("stmarket", "GET", "/ebus/datashare/v1/licence-catalogue?late=true")).json().data
      .items;
    expect(lateOnly.map((s: { record: { certificate_source_id: string } }) => s.record.certificate_source_id)).toEqual([
      "SRC-2025-2",
    ]);
    expect((await w.call("stmarket", "GET", "/ebus/datashare/v1/licence-catalogue/report")).json().data).toEqual({
      total: 3,
      late: 1,
      onTime: 2,
      maxDelaySeconds: 7201,
      thresholdSeconds: 7200,
    });
    // submissions are the submitter's own
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/licence-catalogue/report")).json().data.total).toBe(0);
  });

  it("refuses an invalid batch as a whole, with every problem located", async () => {
    const bad = { ...record(1, T0 + 60_000), issue_dept_code: "123" };
    const r = await w.call("stmarket", "POST", "/ebus/datashare/v1/licence-catalogue", {
      records: [record(2, T0), bad],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errcode).toBe(1108);
    expect(r.json()._diagnostics.map((d: { location: string }) => d.location)).toEqual([
      "/records/1/issue_dept_code",
      "/records/1/produced_at",
    ]);
    expect((await w.call("stmarket", "GET", "/ebus/datashare/v1/licence-catalogue")).json().data.total).toBe(0);
  });

  it("through the in-process API (e-licence): the issuing tenant's clock decides", async () => {
    const api = w.sim.runtime.platforms.get("datashare")!.api as DatashareApi;
    const t = w.t("stmarket");
    const { produced_at: _p, ...rec } = record(7, 0);
    const onTime = await api.publishLicenceRecord(
      { store: t.store, clock: t.clock },
      { ...rec, produced_at: T0 - 7_200_000 },
    );
    expect(onTime).toMatchObject({ late: false, delaySeconds: 7200, source: "elicence" });
    const now = await api.publishLicenceRecord(
      { store: t.store, clock: t.clock },
      { ...rec, certificate_source_id: "SRC-NOW" },
    );
    expect(now).toMatchObject({ late: false, delaySeconds: 0 });
    t.clock.advance(7_201_000);
    const late = await api.publishLicenceRecord(
      { store: t.store, clock: t.clock },
      { ...rec, certificate_source_id: "SRC-LATE", produced_at: T0 },
    );
    expect(late).toMatchObject({ late: true, delaySeconds: 7201 });
    expect(await api.licenceReport({ store: t.store })).toMatchObject({ total: 3, late: 1 });
  });
});
