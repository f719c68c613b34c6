// Every sharing-service result code (facts §4.5, §8.4) reached through the signed gateway and asserted.
import { beforeAll, describe, expect, it } from "vitest";
import { makeLicenceId } from "../../mocks/shared/ids.js";
import { A, B, DAY, SID, drivingLicenceBody, elicenceSim, type ElicenceSim } from "./helpers.js";

const DRIVING = "11100000GT0000088Y001";
const CAUSE = "办理交通违法处理业务";
const q = (body: Record<string, unknown>) => ({ holderTypeCode: "111", useCause: CAUSE, ...body });

describe("sharing-service result codes", () => {
  let h: ElicenceSim;
  let holder: { name: string; idNumber: string };
  const ids: Record<"valid" | "revoked" | "suspended" | "expiring", string> = {
    valid: "",
    revoked: "",
    suspended: "",
    expiring: "",
  };

  beforeAll(async () => {
    h = await elicenceSim();
    const p = h.person();
    holder = { name: p.person.name, idNumber: p.person.idNumber };
    for (const k of Object.keys(ids) as (keyof typeof ids)[]) {
      const r = await h.d(
        SID.createAndIssue,
        drivingLicenceBody(holder, k === "expiring" ? { ZZYXQQSRQ: "2026-03-02", ZZYXQJZRQ: "2026-03-10" } : {}),
      );
      expect(r.json.ack_code, JSON.stringify(r.json)).toBe("SUCCESS");
      ids[k] = r.json.data.ZZBS;
    }
    expect((await h.d(SID.revoke, { ZZBS: ids.revoked, kind: "07", reason: "吊销" })).json.ack_code).toBe("SUCCESS");
    expect(
      (
        await h.ebus("POST", "/ebus/elicence/v1/licences/suspend", {
          ZZBS: ids.suspended,
          action: "suspend",
          reason: "暂扣六个月",
        })
      ).json.ack_code,
    ).toBe("SUCCESS");
    const perm = await h.admin("PUT", `/_gatesim/elicence/tenants/${B}/permissions`, { typeCodes: [DRIVING] });
    expect(perm.json.permissions).toEqual([expect.objectContaining({ typeCode: DRIVING, typeName: "机动车驾驶证" })]);
  });

  const url = (id: string, paasid = B, body: Record<string, unknown> = {}) =>
    h.ebus("POST", "/ebus/elicence/v1/licences/download-url", { certIdentifier: id, useCause: CAUSE, ...body }, paasid);

  it("0 — success: B with a per-type permission lists the holder's driving licences with their status", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, certTypeCode: DRIVING }),
      B,
    );
    expect(r.status).toBe(200);
    expect(r.json.head).toEqual({ status: 0, message: "调用成功 / success" });
    const byId = Object.fromEntries(r.json.data.licences.map((l: any) => [l.certIdentifier, l]));
    expect(byId[ids.valid]).toMatchObject({ status: 0, certState: "01", access: "permission" });
    expect(byId[ids.revoked]).toMatchObject({ status: 21, certState: "07" });
    expect(byId[ids.suspended]).toMatchObject({ status: 23, certState: "02" });
    expect((await url(ids.valid)).json.head.status).toBe(0);
  });

  it("11 — identity check failed: an invalid or expired session token", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, accessToken: "els_not-a-session" }),
      B,
    );
    expect(r.json.head.status).toBe(11);
    const login = await h.d(SID.login, {}, B);
    const tok = login.json.access_token;
    expect(
      (
        await h.ebus(
          "POST",
          "/ebus/elicence/v1/licences/query-by-holder",
          q({ holderCode: holder.idNumber, accessToken: tok }),
          B,
        )
      ).json.head.status,
    ).toBe(0);
    h.sim.tenant(B).clock.advance(7201_000);
    expect(
      (
        await h.ebus(
          "POST",
          "/ebus/elicence/v1/licences/query-by-holder",
          q({ holderCode: holder.idNumber, accessToken: tok }),
          B,
        )
      ).json.head.status,
    ).toBe(11);
    h.sim.tenant(B).clock.advance(-7201_000);
  });

  it("12 — required parameter empty: the contract check (HTTP 400) and a blank useCause (HTTP 200)", async () => {
    const missing = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      { holderCode: holder.idNumber, holderTypeCode: "111" },
      B,
    );
    expect(missing.status).toBe(400);
    expect(missing.json.head.status).toBe(12);
    expect(missing.json._diagnostics[0].location).toBe("/body/useCause");
    const blank = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, useCause: "   " }),
      B,
    );
    expect(blank.status).toBe(200);
    expect(blank.json.head.status).toBe(12);
    const tooLong = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, useCause: "用".repeat(201) }),
      B,
    );
    expect(tooLong.json.head.status).toBe(12);
  });

  it("13 — licence type missing or unpublished", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, certTypeCode: "11100000GT0000088Y999" }),
      B,
    );
    expect(r.json.head.status).toBe(13);
    const reg = await h.ebus(
      "POST",
      "/ebus/elicence/v1/types",
      { name: "汕头市测试许可证", holderType: "111", items: [] },
      A,
    );
    expect(reg.json.data.state).toBe("registered");
    const unpub = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, certTypeCode: reg.json.data.code }),
      B,
    );
    expect(unpub.json.head.status).toBe(13);
    expect(unpub.json.head.message).toContain("未发布");
  });

  it("21 — annulled; 23 — withheld; 22 — expired by the tenant's clock", async () => {
    const rv = await url(ids.revoked);
    expect(rv.json.head.status).toBe(21);
    expect(rv.json.head.message).toContain("吊销");
    expect((await url(ids.suspended)).json.head.status).toBe(23);
    expect((await url(ids.expiring)).json.head.status).toBe(0);
    h.sim.tenant(B).clock.advance(9 * DAY); // 2026-03-11 09:00 CST: past 2026-03-10
    const ex = await url(ids.expiring);
    expect(ex.json.head.status).toBe(22);
    expect(ex.json.head.message).toContain("2026-03-10");
    h.sim.tenant(B).clock.advance(-9 * DAY);
  });

  it("100 — no permission: a department without the type's permission or a grant, with the reason", async () => {
    const r = await url(ids.valid, "stdemo_upper");
    expect(r.json.head.status).toBe(100);
    expect(r.json.head.message).toContain("请先申请");
    expect(r.json._diagnostics[0].hint).toContain("/_gatesim/elicence/tenants/");
    // withdrawing the permission withdraws the access
    await h.admin("DELETE", `/_gatesim/elicence/tenants/${B}/permissions/${DRIVING}`);
    expect((await url(ids.valid)).json.head.status).toBe(100);
    await h.admin("PUT", `/_gatesim/elicence/tenants/${B}/permissions`, { typeCodes: [DRIVING] });
    // both changes are events in the department's journal (the admin's requests themselves are not journalled)
    const events = h.sim
      .tenant(B)
      .journal.entries()
      .filter((e) => e.event?.startsWith("elicence.permission-"))
      .slice(-2);
    expect(events).toMatchObject([
      { event: "elicence.permission-revoked", response: { body: { typeCode: DRIVING } } },
      { event: "elicence.permission-granted", response: { body: { typeCodes: [DRIVING] } } },
    ]);
  });

  it("101 — system error: no licence with a well-formed identifier; an unreadable file", async () => {
    const parts = ids.valid.split(".");
    const ghost = makeLicenceId(parts[5], parts[6], "2026999999", "001");
    expect((await url(ghost)).json.head.status).toBe(101);
    const v = await h.ebus(
      "POST",
      "/ebus/elicence/v1/files/verify",
      { fileData: Buffer.from("not a pdf").toString("base64"), signature: "MAA=" },
      B,
    );
    expect(v.json.head.status).toBe(101);
  });

  it("103 — holder id-type code invalid, or a holder code failing its checksum", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      q({ holderCode: holder.idNumber, holderTypeCode: "999" }),
      B,
    );
    expect(r.json.head.status).toBe(103);
    expect(r.json._diagnostics[0].location).toBe("/body/holderTypeCode");
    const bad = holder.idNumber.slice(0, 17) + (holder.idNumber[17] === "1" ? "2" : "1");
    const r2 = await h.ebus("POST", "/ebus/elicence/v1/licences/query-by-holder", q({ holderCode: bad }), B);
    expect(r2.json.head.status).toBe(103);
    expect(r2.json.head.message).toContain("校验码");
  });
});
