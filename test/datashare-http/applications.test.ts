// Applications and grants over HTTP: each share type's path, provider review, withdrawal, tenant isolation (§8.5).
import { beforeEach, describe, expect, it } from "vitest";
import { CODES, ITEM_CODE, PERSON, SID, body, makeDsSim, type DsSim } from "./helpers.js";
import { ADMIN as ADMIN_TOKEN } from "../helpers.js";

let w: DsSim;
beforeEach(async () => {
  w = await makeDsSim();
});

const apply = (paasid: string, ref: Record<string, string>, fields: string[], extra: Record<string, unknown> = {}) =>
  w.call(paasid, "POST", "/ebus/datashare/v1/applications", {
    ...ref,
    fields,
    purpose: "办理户籍迁入时核验申请人身份",
    legalBasis: "《中华人民共和国户口登记条例》第十条",
    itemCode: ITEM_CODE,
    ...extra,
  });

describe("each share type's path through application", () => {
  it("无条件共享: approved at once with a grant, and the query works", async () => {
    const r = await apply("dsa", { serviceId: SID.entity }, ["TYSHXYDM", "JGMC"]);
    expect(r.statusCode).toBe(201);
    expect(r.json().data.application).toMatchObject({ status: "approved", decidedBy: "auto", shareType: "无条件共享" });
    expect(r.json().data.grant).toMatchObject({
      paasid: "dsa",
      serviceId: SID.entity,
      allowedFields: ["TYSHXYDM", "JGMC"],
      quota: 10_000,
      used: 0,
      remaining: 10_000,
      status: "active",
      expired: false,
    });
    const uscc = w.seed.enterprises.at(7)!.uscc;
    const q = await w.query("dsa", SID.entity, body("dsa", { TYSHXYDM: uscc }, {}, uscc, "001"));
    expect(q.statusCode).toBe(200);
    expect(Object.keys(q.json().data.data[0])).toEqual(["TYSHXYDM", "JGMC"]);
  });

  it("有条件共享: pending until the provider's tenant approves, with masking and quota", async () => {
    const r = await apply("dsa", { resourceCode: CODES.person }, ["XM", "SFZH", "CSRQ"]);
    const app = r.json().data.application;
    expect(app).toMatchObject({ status: "pending", shareType: "有条件共享" });
    expect(r.json().data.grant).toBeUndefined();
    expect((await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }))).json().errcode).toBe(1003);

    const queue = (await w.call("stpolice", "GET", "/ebus/datashare/v1/reviews")).json().data;
    expect(queue.items.map((t: { applicationId: string }) => t.applicationId)).toEqual([app.id]);
    expect(queue.items[0]).toMatchObject({
      consumerPaasid: "dsa",
      itemCode: ITEM_CODE,
      fields: ["XM", "SFZH", "CSRQ"],
    });
    // not the provider: nothing to review, and may not decide
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/reviews")).json().data.total).toBe(0);
    const foreign = await w.call("dsb", "POST", `/ebus/datashare/v1/applications/${app.id}/approve`, {});
    expect(foreign.json().errcode).toBe(1103);

    const ok = await w.call("stpolice", "POST", `/ebus/datashare/v1/applications/${app.id}/approve`, {
      comment: "同意",
      quota: 5,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.application).toMatchObject({ status: "approved", decidedBy: "stpolice", reason: "同意" });
    expect(ok.json().data.grant).toMatchObject({ maskedFields: ["SFZH"], quota: 5, remaining: 5 });
    const again = await w.call("stpolice", "POST", `/ebus/datashare/v1/applications/${app.id}/approve`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().errcode).toBe(1104);

    const mine = (await w.call("dsa", "GET", `/ebus/datashare/v1/applications/${app.id}`)).json().data;
    expect(mine.status).toBe("approved");
    const q = await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }));
    expect(q.json().data.data[0]).toEqual({
      XM: PERSON.name,
      SFZH: PERSON.idNumber.slice(0, 6) + "********" + PERSON.idNumber.slice(-4),
      CSRQ: expect.any(String),
    });
    const grants = (await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.items;
    expect(grants).toMatchObject([{ serviceId: SID.person, used: 1, remaining: 4 }]);
  });

  it("有条件共享: a denial leaves no grant and the query answers 1003", async () => {
    const app = (await apply("dsa", { resourceCode: CODES.household }, ["XM", "HH"])).json().data.application;
    const d = await w.call("stpolice", "POST", `/ebus/datashare/v1/applications/${app.id}/deny`, {
      reason: "申请用途与共享条件不符",
    });
    expect(d.json().data.application).toMatchObject({
      status: "denied",
      reason: "申请用途与共享条件不符",
      decidedBy: "stpolice",
    });
    // the applicant's journal records the decision; the provider's has it beside its own request
    for (const paasid of ["dsa", "stpolice"])
      expect(
        w
          .t(paasid)
          .journal.entries()
          .filter((e) => e.event === "datashare.application.denied"),
      ).toMatchObject([
        {
          tenant: paasid,
          traceId: d.headers["x-gatesim-trace-id"],
          response: { body: { applicationId: app.id, decidedBy: "stpolice" } },
        },
      ]);
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.total).toBe(0);
    const sid = (await w.call("dsa", "GET", "/ebus/datashare/v1/catalogue/101001-000002")).json().data.serviceId;
    const q = await w.query("dsa", sid, body("dsa", { SFZH: PERSON.idNumber }));
    expect(q.statusCode).toBe(403);
    expect(q.json()).toMatchObject({ errcode: 1003, _diagnostics: [{ rule: "grant" }] });
  });

  it("有条件共享: the admin may decide on the control plane; apps may not use those routes", async () => {
    const adminCall = (method: string, url: string, payload?: unknown, token = ADMIN_TOKEN) =>
      w.sim.app.inject({
        method: method as "GET",
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
      });
    const a1 = (await apply("dsa", { resourceCode: CODES.person }, ["XM", "CSRQ"])).json().data.application;
    const a2 = (await apply("dsb", { resourceCode: CODES.household }, ["XM", "HH"])).json().data.application;

    // the admin's queue holds every pending application, whichever provider reviews it
    const queue = await adminCall("GET", "/_gatesim/datashare/reviews");
    expect(queue.statusCode).toBe(200);
    expect(
      queue
        .json()
        .data.items.map((t: { applicationId: string }) => t.applicationId)
        .sort(),
    ).toEqual([a1.id, a2.id].sort());

    const ok = await adminCall("POST", `/_gatesim/datashare/applications/${a1.id}/approve`, {
      quota: 3,
      comment: "管理员代为审核",
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.application).toMatchObject({
      status: "approved",
      decidedBy: "admin",
      reason: "管理员代为审核",
    });
    expect(ok.json().data.grant).toMatchObject({ paasid: "dsa", quota: 3, remaining: 3 });
    expect((await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }))).json().data.data[0]).toEqual({
      XM: PERSON.name,
      CSRQ: expect.any(String),
    });

    const no = await adminCall("POST", `/_gatesim/datashare/applications/${a2.id}/deny`, { reason: "材料不全" });
    expect(no.json().data.application).toMatchObject({ status: "denied", decidedBy: "admin", reason: "材料不全" });
    // decided twice: refused in the gateway envelope, with the platform's code and why
    const again = await adminCall("POST", `/_gatesim/datashare/applications/${a2.id}/deny`, { reason: "x" });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      errcode: 1104,
      data: null,
      _diagnostics: [expect.objectContaining({ hint: expect.any(String) })],
    });
    expect((await adminCall("POST", "/_gatesim/datashare/applications/DSAnope/approve", {})).statusCode).toBe(404);

    // not the admin: a tenant's paasToken, a wrong token, x-tif headers — all refused, nothing decided
    const a3 = (await apply("dsa", { resourceCode: CODES.household }, ["XM"])).json().data.application;
    expect(
      (await adminCall("POST", `/_gatesim/datashare/applications/${a3.id}/approve`, {}, "wrong-token")).statusCode,
    ).toBe(401);
    const viaTif = await w.call("dsa", "POST", `/_gatesim/datashare/applications/${a3.id}/approve`, {});
    expect(viaTif.statusCode).toBe(401);
    expect((await w.call("dsa", "GET", `/ebus/datashare/v1/applications/${a3.id}`)).json().data.status).toBe("pending");
    // the control plane's requests are not journalled, but each applicant's journal records the decision on its application
    const j = await w.sim.app.inject({
      method: "GET",
      url: "/_gatesim/tenants/dsa/journal",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(j.statusCode).toBe(200);
    expect(JSON.stringify(j.json().entries)).not.toContain("/_gatesim/datashare/");
    expect(
      w
        .t("dsa")
        .journal.entries()
        .filter((e) => e.event?.startsWith("datashare.application.")),
    ).toMatchObject([
      {
        event: "datashare.application.approved",
        tenant: "dsa",
        traceId: ok.headers["x-gatesim-trace-id"],
        response: { body: { applicationId: a1.id, decidedBy: "admin" } },
      },
    ]);
    expect(
      w
        .t("dsb")
        .journal.entries()
        .filter((e) => e.event?.startsWith("datashare.application.")),
    ).toMatchObject([
      {
        event: "datashare.application.denied",
        tenant: "dsb",
        response: { body: { applicationId: a2.id, decidedBy: "admin", reason: "材料不全" } },
      },
    ]);
  });

  it("有条件共享 requires a legal basis", async () => {
    const r = await apply("dsa", { serviceId: SID.person }, ["XM"], { legalBasis: "" });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      errcode: 1102,
      _diagnostics: [{ location: "/legalBasis", rule: "legal-basis-required" }],
    });
  });

  it("不予共享: refused with its legal basis", async () => {
    const r = await apply("dsa", { resourceCode: CODES.tax }, ["TYSHXYDM"]);
    expect(r.statusCode).toBe(201);
    expect(r.json().data.application).toMatchObject({ status: "refused", decidedBy: "catalogue" });
    expect(r.json().data.application.reason).toContain("税收征收管理法");
    expect((await w.call("stpolice", "GET", "/ebus/datashare/v1/reviews?status=any")).json().data.total).toBe(0);
  });

  it("a provider withdraws a consumer's grant; the consumer then gets 1003 (grant-withdrawn)", async () => {
    await w.grant("dsa", SID.person, ["XM"]);
    const wd = await w.call("stpolice", "POST", `/ebus/datashare/v1/grants/${SID.person}/withdraw`, {
      consumerPaasid: "dsa",
      reason: "核查发现超范围使用",
    });
    expect(wd.json().data).toMatchObject({ status: "withdrawn", withdrawnBy: "stpolice: 核查发现超范围使用" });
    const q = await w.query("dsa", SID.person, body("dsa", { SFZH: PERSON.idNumber }));
    expect(q.json()).toMatchObject({ errcode: 1003, _diagnostics: [{ rule: "grant-withdrawn" }] });
    // a stranger may not withdraw it
    await w.grant("dsa", SID.person, ["XM"]);
    expect(
      (
        await w.call("dsb", "POST", `/ebus/datashare/v1/grants/${SID.person}/withdraw`, { consumerPaasid: "dsa" })
      ).json().errcode,
    ).toBe(1103);
  });
});

describe("tenant isolation of applications and grants", () => {
  it("one app neither sees nor uses another's applications and grants", async () => {
    const appA = (await apply("dsa", { serviceId: SID.person }, ["XM"])).json().data.application;
    await w.grant("dsa", SID.entity, ["JGMC"]);

    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/applications")).json().data.total).toBe(0);
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/grants")).json().data.total).toBe(0);
    const peek = await w.call("dsb", "GET", `/ebus/datashare/v1/applications/${appA.id}`);
    expect(peek.statusCode).toBe(404);
    expect(peek.json().errcode).toBe(1110);

    const uscc = w.seed.enterprises.at(7)!.uscc;
    const q = await w.query("dsb", SID.entity, body("dsb", { TYSHXYDM: uscc }, {}, uscc, "001"));
    expect(q.json().errcode).toBe(1003);
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/applications")).json().data.total).toBe(2);
  });

  it("a tenant reset forgets its applications and grants but not another tenant's", async () => {
    await w.grant("dsa", SID.entity, ["JGMC"]);
    await w.grant("dsb", SID.entity, ["JGMC"]);
    await w.sim.runtime.tenants.reset("dsa");
    w.t("dsa").clock.freeze(Date.UTC(2025, 0, 6, 2));
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/grants")).json().data.total).toBe(0);
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/grants")).json().data.total).toBe(1);
  });
});
