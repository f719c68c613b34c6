// GatewayMsg queries over HTTP (facts §5.2, §8.5): granted fields only, audit_info, quota and expiry on the virtual
// clock, an audit entry for every call with NDJSON/CSV export, scenarios.
import { beforeEach, describe, expect, it } from "vitest";
import { OTHER_PERSON, PERSON, SID, T0, body, makeDsSim, type DsSim } from "./helpers.js";

let w: DsSim;
beforeEach(async () => {
  w = await makeDsSim();
});

describe("the §5.2 call", () => {
  it("answers {errcode, errmsg, data:{data, metadata}} with the granted fields only", async () => {
    await w.grant("dsa", SID.person, ["XM", "CSRQ"]);
    // asks for XM, ZZ (address, not granted) and SFZH (not granted)
    const r = await w.query(
      "dsa",
      SID.person,
      body("dsa", { SFZH: PERSON.idNumber }, { metadata: { fields: ["XM", "ZZ", "SFZH"] } }),
    );
    expect(r.statusCode).toBe(200);
    const j = r.json();
    expect(j).toMatchObject({ errcode: 0, errmsg: "成功 / OK" });
    expect(j.data.data).toEqual([{ XM: PERSON.name }]);
    expect(j.data.metadata).toMatchObject({
      resource_code: "101001/000001",
      service_id: SID.person,
      fields: ["XM"],
      denied_fields: ["ZZ", "SFZH"],
      total: 1,
      page: 1,
    });
    // without metadata.fields: every granted field, still nothing else
    const all = await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }));
    expect(Object.keys(all.json().data.data[0])).toEqual(["XM", "CSRQ"]);
  });

  it("accepts the JSON body sent as text/plain (as one x-tif client does)", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    const r = await w.query("dsa", SID.person, JSON.stringify(body("dsa", { SFZH: PERSON.idNumber })), {
      "content-type": "text/plain",
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().data.data).toEqual([{ XM: PERSON.name }]);
  });

  it("missing or malformed audit_info is refused with 1001, each problem located", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    const { audit_info: _a, ...noAudit } = body("dsa", { SFZH: PERSON.idNumber });
    const missing = await w.query("dsa", SID.person, noAudit);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      errcode: 1001,
      data: null,
      _diagnostics: [{ location: "/body/audit_info", rule: "required" }],
    });

    const bad = body("dsa", { SFZH: PERSON.idNumber });
    bad.audit_info.query_object_id = PERSON.idNumber.slice(0, 17) + (PERSON.idNumber.endsWith("0") ? "1" : "0");
    bad.audit_info.terminal_info = "operator-pc";
    delete bad.audit_info.operator_name;
    const r = await w.query("dsa", SID.person, bad);
    expect(r.statusCode).toBe(400);
    expect(r.json().errcode).toBe(1001);
    expect(
      r
        .json()
        ._diagnostics.map((d: { location: string; rule: string }) => `${d.location} ${d.rule}`)
        .sort(),
    ).toEqual([
      "/body/audit_info/operator_name required",
      "/body/audit_info/query_object_id gb11643-id",
      "/body/audit_info/terminal_info ip",
    ]);

    const str = await w.query("dsa", SID.person, { ...body("dsa", { SFZH: PERSON.idNumber }), audit_info: "op-7" });
    expect(str.json()).toMatchObject({
      errcode: 1001,
      _diagnostics: [{ location: "/body/audit_info", rule: "type:object" }],
    });
  });

  it("query conditions are checked against the items' types: 1002", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    const r = await w.query("dsa", SID.person, body("dsa", { SFZH: "12345", NOPE: 1 }));
    expect(r.statusCode).toBe(400);
    expect(r.json().errcode).toBe(1002);
    const locs = r.json()._diagnostics.map((d: { location: string }) => d.location);
    expect(locs).toEqual(expect.arrayContaining(["/body/query/SFZH", "/body/query/NOPE"]));
  });
});

describe("quota and expiry on the virtual clock", () => {
  it("the call after the quota is used up gets 1004 (429)", async () => {
    await w.grant("dsa", SID.person, ["XM"], { quota: 2 });
    const b = body("dsa", { SFZH: PERSON.idNumber });
    expect((await w.query("dsa", SID.person, b)).json().data.metadata.quota_remaining).toBe(1);
    expect((await w.query("dsa", SID.person, b)).json().data.metadata.quota_remaining).toBe(0);
    const third = await w.query("dsa", SID.person, b);
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ errcode: 1004, _diagnostics: [{ rule: "quota" }] });
    // refused calls do not use quota: a denied query leaves it as it was
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.items[0]).toMatchObject({
      used: 2,
      remaining: 0,
    });
  });

  it("a grant valid until T is usable at T and refused 1 s later (consumer's clock)", async () => {
    const until = T0 + 3_600_000;
    await w.grant("dsa", SID.person, ["XM"], { validUntil: new Date(until).toISOString() });
    const b = body("dsa", { SFZH: PERSON.idNumber });
    w.t("dsa").clock.set(until);
    expect((await w.query("dsa", SID.person, b)).json().errcode).toBe(0);
    w.t("dsa").clock.advance(1_000);
    const late = await w.query("dsa", SID.person, b);
    expect(late.statusCode).toBe(403);
    expect(late.json()).toMatchObject({ errcode: 1003, _diagnostics: [{ rule: "grant-expired" }] });
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.items[0].expired).toBe(true);
    // another tenant's clock is its own: the provider's clock did not move
    expect(w.t("stpolice").clock.now()).toBe(T0);
  });
});

describe("audit log (facts §5.4)", () => {
  it("records every call, refused or not; the consumer sees what it read, the provider who read its data", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }));
    await w.query("dsa", SID.person, body("dsa", { SFZH: OTHER_PERSON.idNumber }, {}, OTHER_PERSON.idNumber));
    const { audit_info: _x, ...noAudit } = body("dsa", { SFZH: PERSON.idNumber });
    await w.query("dsa", SID.person, noAudit);
    await w.query("dsb", SID.person, body("dsb", { SFZH: PERSON.idNumber }));

    const mine = (await w.call("dsa", "GET", "/ebus/datashare/v1/audit/consumer")).json().data;
    expect(mine.items.map((e: { errcode: number }) => e.errcode)).toEqual([0, 0, 1001]);
    expect(mine.items[0]).toMatchObject({
      consumerPaasid: "dsa",
      serviceId: SID.person,
      resourceCode: "101001/000001",
      provider: "汕头市公安局",
      fieldsReturned: ["XM"],
      rowCount: 1,
      auditInfo: { operator_name: "陈晓华", query_object_id: PERSON.idNumber },
      itemCode: "11440100696927671X3442011817001",
      purpose: "办理户籍迁入时核验申请人身份",
      time: new Date(T0).toISOString(),
    });
    expect(mine.items[0].requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(mine.items[0].requestHash).not.toBe(mine.items[1].requestHash);
    expect(
      (await w.call("dsb", "GET", "/ebus/datashare/v1/audit/consumer"))
        .json()
        .data.items.map((e: { errcode: number }) => e.errcode),
    ).toEqual([1003]);

    const readers = (await w.call("stpolice", "GET", "/ebus/datashare/v1/audit/provider")).json().data.items;
    expect(readers.map((e: { consumerPaasid: string }) => e.consumerPaasid)).toEqual(["dsa", "dsa", "dsa", "dsb"]);
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/audit/provider")).json().data.total).toBe(0);

    const onlyOk = (await w.call("stpolice", "GET", "/ebus/datashare/v1/audit/provider?errcode=0")).json().data.total;
    expect(onlyOk).toBe(2);
  });

  it("exports NDJSON and CSV", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }));
    await w.query("dsa", SID.person, body("dsa", { SFZH: OTHER_PERSON.idNumber }, {}, OTHER_PERSON.idNumber));

    const nd = await w.call("dsa", "GET", "/ebus/datashare/v1/audit/consumer?format=ndjson");
    expect(nd.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = nd.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.auditInfo.query_object_id)).toEqual([PERSON.idNumber, OTHER_PERSON.idNumber]);

    const csv = await w.call("stpolice", "GET", "/ebus/datashare/v1/audit/provider?format=csv");
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers["content-disposition"]).toContain(".csv");
    const rows = csv.body
      .replace(/^\ufeff/, "")
      .trim()
      .split("\r\n");
    expect(rows[0].split(",").slice(0, 3)).toEqual(["seq", "time", "consumer_paasid"]);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(PERSON.idNumber);
  });
});

describe("scenarios", () => {
  it("forces the §8.5 refusals per request and answers the application-denied scenario", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    const b = body("dsa", { SFZH: PERSON.idNumber });
    for (const [name, code] of [
      ["datashare.quota-exhausted", 1004],
      ["datashare.grant-expired", 1003],
      ["datashare.provider-down", 50201],
      ["datashare.provider-timeout", 50401],
      ["datashare.resource-withdrawn", 1005],
    ] as const) {
      const r = await w.query("dsa", SID.person, b, { "x-gatesim-scenario": name });
      expect(r.json().errcode, name).toBe(code);
    }
    const denied = await w.call(
      "dsa",
      "POST",
      "/ebus/datashare/v1/applications",
      {
        serviceId: SID.person,
        fields: ["XM"],
        purpose: "核验",
        legalBasis: "依据",
        itemCode: "11440100696927671X3442011817001",
      },
      { "x-gatesim-scenario": "datashare.application-denied" },
    );
    expect(denied.statusCode).toBe(200);
    expect(denied.json().data.application.status).toBe("denied");
    expect(denied.headers["x-gatesim-contract-violations"]).toBeUndefined();
  });
});
