// The e-licence scenarios forced with x-gatesim-scenario: expired, revoked, suspended, holder type invalid,
// platform unavailable, download URL already used.
import { beforeAll, describe, expect, it } from "vitest";
import { B, SID, drivingLicenceBody, elicenceSim, type ElicenceSim } from "./helpers.js";

const S = (name: string) => ({ "x-gatesim-scenario": name });

describe("e-licence scenarios", () => {
  let h: ElicenceSim;
  let id: string;
  let holderCode: string;
  beforeAll(async () => {
    h = await elicenceSim();
    const p = h.person();
    holderCode = p.person.idNumber;
    id = (await h.d(SID.createAndIssue, drivingLicenceBody({ name: p.person.name, idNumber: holderCode }))).json.data
      .ZZBS;
    await h.admin("PUT", `/_gatesim/elicence/tenants/${B}/permissions`, { typeCodes: ["*"] });
  });
  const dl = (scenario?: string) =>
    h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: id, useCause: "核验" },
      B,
      scenario ? S(scenario) : {},
    );

  it("licence expired / revoked / suspended answer 22 / 21 / 23 for a valid licence", async () => {
    expect((await dl()).json.head.status).toBe(0);
    for (const [name, code] of [
      ["elicence.licence-expired", 22],
      ["elicence.licence-revoked", 21],
      ["elicence.licence-suspended", 23],
    ] as const) {
      const r = await dl(name);
      expect(r.status).toBe(200);
      expect(r.json.head.status).toBe(code);
      expect(r.json.head.message).toContain("模拟场景");
    }
  });

  it("holder code type invalid answers 103 on a correct query", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      { holderCode, holderTypeCode: "111", useCause: "核验" },
      B,
      S("elicence.holder-type-invalid"),
    );
    expect(r.json.head.status).toBe(103);
  });

  it("platform unavailable: the gateway answers 50201 for issuance and sharing alike", async () => {
    const a = await h.d(
      SID.createAndIssue,
      drivingLicenceBody({ name: "x", idNumber: holderCode }),
      undefined,
      S("elicence.unavailable"),
    );
    expect(a.status).toBe(502);
    expect(a.json.errcode).toBe(50201);
    const b = await dl("elicence.unavailable");
    expect(b.json.errcode).toBe(50201);
  });

  it("download URL already used: 410 with 100 on a fresh URL", async () => {
    const u = (await dl()).json.data.url;
    const r = await h.open(u, S("elicence.download-used"));
    expect(r.status).toBe(410);
    expect(r.json.head.status).toBe(100);
    // the scenario did not consume the real URL
    expect((await h.open(u)).status).toBe(200);
  });

  it("an unknown scenario for this operation is refused with the list of available ones", async () => {
    const r = await dl("elicence.download-used");
    expect(r.status).toBe(400);
    expect(r.json._diagnostics[0].hint).toContain("elicence.licence-expired");
  });
});
