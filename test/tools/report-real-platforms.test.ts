// The readiness report over the real data-sharing platform (not stand-ins): a real GatewayMsg query counts as a data
// query, incomplete audit_info fails the plan rule, and the gateway's probe service is not mistaken for a resource.
import { describe, expect, it } from "vitest";
import { body, makeDsSim, SID } from "../datashare-http/helpers.js";
import { admin } from "../helpers.js";

describe("report over the real data-sharing platform", () => {
  it("counts real queries and flags incomplete audit_info, with the refusal as evidence", async () => {
    const w = await makeDsSim();
    await w.grant("dsa", SID.person, ["XM", "CSRQ"]);
    expect(
      (await w.query("dsa", SID.person, body("dsa", { SFZH: w.seed.persons.at(42)!.idNumber }))).json().errcode,
    ).toBe(0);
    const incomplete = body("dsa", { SFZH: w.seed.persons.at(42)!.idNumber });
    delete incomplete.audit_info.operator_name;
    expect((await w.query("dsa", SID.person, incomplete)).json().errcode).toBe(1001);
    const res = await w.sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/dsa/report?format=json&profile=data-consumer",
      headers: admin,
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    const byId = Object.fromEntries(report.requirements.map((r: { id: string; status: string }) => [r.id, r]));
    expect(byId["datashare.query"].status).toBe("pass");
    expect(byId["plan.audit-info"].status).toBe("fail");
    expect(byId["plan.audit-info"].message).toContain("operator_name");
    expect(report.verdict).toBe("fail");
  });
});
