import { describe, expect, it } from "vitest";
import { makeLicenceId } from "../../mocks/shared/ids.js";
import type { LicenceCatalogueRecord } from "../../mocks/datashare/licence-catalogue.js";
import { DEPT_USCC, PERSON, T0, world } from "./helpers.js";

const record = (n: number): LicenceCatalogueRecord => ({
  certificate_area_code: "440507",
  certificate_holder: PERSON.name,
  certificate_holder_code: PERSON.idNumber,
  certificate_holder_type: "111",
  certificate_name: "食品经营许可证",
  certificate_number: `JY14405070000${n}`,
  certificate_source_id: makeLicenceId(DEPT_USCC + "001", DEPT_USCC, `2025${String(n).padStart(6, "0")}`, "001"),
  certificate_type: "食品经营许可证",
  certificate_type_code: DEPT_USCC + "001",
  issue_date: "2025-01-06",
  issue_dept: "汕头市龙湖区市场监督管理局",
  issue_dept_code: DEPT_USCC,
});

const H2 = 7_200_000;

describe("licence catalogue submission and the 2-hour rule", () => {
  it("exactly 2 h after production is on time; 2 h + 1 s is late", async () => {
    const { ds, dept } = world();
    const out = await ds.licences.submit(dept.store, dept.clock, dept.paasid, [
      { ...record(1), produced_at: T0 - H2 },
      { ...record(2), produced_at: T0 - H2 - 1_000 },
      { ...record(3), produced_at: "2025-01-06 09:59:59" }, // CST wall time, 1 s before arrival
    ]);
    expect(out.map((s) => [s.delaySeconds, s.late])).toEqual([
      [7_200, false],
      [7_201, true],
      [1, false],
    ]);
    expect(out[0]).toMatchObject({
      arrivedAt: T0,
      producedAt: T0 - H2,
      thresholdSeconds: 7_200,
      source: "api",
      submitter: dept.paasid,
    });
    expect((await ds.licences.list(dept.store, { lateOnly: true })).map((s) => s.record.certificate_number)).toEqual([
      record(2).certificate_number,
    ]);
    expect(await ds.licences.report(dept.store)).toEqual({
      total: 3,
      late: 1,
      onTime: 2,
      maxDelaySeconds: 7_201,
      thresholdSeconds: 7_200,
    });
  });

  it("uses the submitter's virtual clock and a configurable threshold", async () => {
    const { ds, dept } = world({ config: { licenceDeadlineSeconds: 600 } });
    dept.clock.advance(601_000);
    const [s] = await ds.licences.submit(dept.store, dept.clock, dept.paasid, [{ ...record(4), produced_at: T0 }]);
    expect(s).toMatchObject({ delaySeconds: 601, late: true, thresholdSeconds: 600 });
  });

  it("the e-licence platform publishes in-process at issuance", async () => {
    const { ds, dept } = world();
    const s = await ds.licences.publishOnIssuance(dept.store, dept.clock, dept.paasid, record(5), T0 - 60_000);
    expect(s).toMatchObject({ source: "elicence", late: false, delaySeconds: 60 });
    expect(await ds.licences.get(dept.store, record(5).certificate_source_id)).toEqual(s);
  });

  it("refuses malformed records with per-field diagnostics (1108)", async () => {
    const { ds, dept } = world();
    const bad = {
      ...record(6),
      issue_dept_code: "123",
      certificate_holder_code: "440507199001011230",
      certificate_area_code: "999999",
      produced_at: T0 + 1,
    } as Record<string, unknown>;
    delete bad.certificate_name;
    const err = await ds.licences.submit(dept.store, dept.clock, dept.paasid, [bad]).catch((e) => e);
    expect(err.problem.code).toBe(1108);
    expect(err.problem.diagnostics.map((d: { location: string; rule: string }) => `${d.location} ${d.rule}`)).toEqual([
      "/records/0/certificate_name required",
      "/records/0/certificate_area_code gb2260-division",
      "/records/0/issue_dept_code gb32100-uscc",
      "/records/0/certificate_holder_code gb11643-id",
      "/records/0/produced_at not-future",
    ]);
    expect(await ds.licences.list(dept.store)).toEqual([]);
  });
});
