import { describe, expect, it } from "vitest";
import { CODES, PERSON, T0, body, sid, world } from "./helpers.js";

const apply = (fields: string[], code: string, extra = {}) => ({
  resourceCode: code,
  fields,
  purpose: "办理户籍迁入核验",
  legalBasis: "《户口登记条例》第十条",
  itemCode: "11440100696927671X3442011817001",
  ...extra,
});

describe("each share type's path through application", () => {
  it("无条件共享 is approved at once with a grant", async () => {
    const { ds, a } = world();
    const r = await ds.applications.apply(a.paasid, apply(["TYSHXYDM", "JGMC"], CODES.entity));
    expect(r.application).toMatchObject({
      status: "approved",
      decidedBy: "auto",
      shareType: "无条件共享",
      decidedAt: T0,
    });
    expect(r.grant).toMatchObject({
      paasid: a.paasid,
      allowedFields: ["TYSHXYDM", "JGMC"],
      maskedFields: [],
      quota: 10_000,
      validUntil: T0 + 365 * 86_400_000,
      status: "active",
    });
    expect(r.grant!.serviceId).toBe(await sid(ds, CODES.entity));
  });

  it("有条件共享 waits for the provider's tenant, which approves with masking and quota", async () => {
    const { ds, a, police } = world();
    const r = await ds.applications.apply(a.paasid, apply(["XM", "SFZH", "CSRQ"], CODES.person));
    expect(r.application.status).toBe("pending");
    expect(r.grant).toBeUndefined();
    const queue = await ds.applications.reviewQueue({ kind: "tenant", paasid: police.paasid });
    expect(queue.map((t) => t.applicationId)).toEqual([r.application.id]);
    expect(queue[0]).toMatchObject({
      consumerPaasid: a.paasid,
      purpose: "办理户籍迁入核验",
      itemCode: "11440100696927671X3442011817001",
    });
    const ok = await ds.applications.approve({ kind: "tenant", paasid: police.paasid }, r.application.id, {
      quota: 5,
      comment: "同意",
    });
    expect(ok.application).toMatchObject({ status: "approved", decidedBy: police.paasid, reason: "同意" });
    // sensitive fields are masked unless the reviewer says otherwise
    expect(ok.grant).toMatchObject({ allowedFields: ["XM", "SFZH", "CSRQ"], maskedFields: ["SFZH"], quota: 5 });
    expect((await ds.applications.getApplication(a.paasid, r.application.id))?.status).toBe("approved");
    expect(await ds.applications.reviewQueue({ kind: "tenant", paasid: police.paasid })).toEqual([]);
  });

  it("有条件共享 can be denied, leaving no grant", async () => {
    const { ds, a, police } = world();
    const r = await ds.applications.apply(a.paasid, apply(["XM"], CODES.household));
    const denied = await ds.applications.deny(
      { kind: "tenant", paasid: police.paasid },
      r.application.id,
      "用途与共享条件不符",
    );
    expect(denied).toMatchObject({ status: "denied", reason: "用途与共享条件不符" });
    expect(await ds.applications.listGrants(a.paasid)).toEqual([]);
    await expect(ds.applications.approve({ kind: "admin" }, r.application.id)).rejects.toMatchObject({
      problem: { code: 1104 },
    });
    const q = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.household),
      body: body(a.paasid, { SFZH: PERSON.idNumber }),
    });
    expect(q.errcode).toBe(1003);
  });

  it("有条件共享 requires a legal basis from the applicant", async () => {
    const { ds, a } = world();
    await expect(
      ds.applications.apply(a.paasid, apply(["XM"], CODES.person, { legalBasis: "" })),
    ).rejects.toMatchObject({
      problem: {
        code: 1102,
        diagnostics: [expect.objectContaining({ location: "/legalBasis", rule: "legal-basis-required" })],
      },
    });
  });

  it("不予共享 is refused with its legal basis", async () => {
    const { ds, a } = world();
    const r = await ds.applications.apply(a.paasid, apply(["TYSHXYDM", "SJJE"], CODES.tax));
    expect(r.application.status).toBe("refused");
    expect(r.application.reason).toContain("《中华人民共和国税收征收管理法》第八条");
    expect(r.grant).toBeUndefined();
    expect(await ds.applications.reviewQueue({ kind: "admin" }, "any")).toEqual([]);
  });

  it("rejects unknown fields and withdrawn resources", async () => {
    const { ds, a } = world();
    await expect(ds.applications.apply(a.paasid, apply(["XM", "NOPE"], CODES.person))).rejects.toMatchObject({
      problem: {
        code: 1102,
        diagnostics: [expect.objectContaining({ location: "/fields/1", rule: "unknown-item", seen: "NOPE" })],
      },
    });
    await ds.withdraw({ kind: "admin" }, CODES.entity, "停止共享");
    await expect(ds.applications.apply(a.paasid, apply(["JGMC"], CODES.entity))).rejects.toMatchObject({
      problem: { code: 1005 },
    });
  });

  it("a grant can be withdrawn by its provider, after which queries get 1003", async () => {
    const { ds, a, police } = world();
    const r = await ds.applications.apply(a.paasid, apply(["XM"], CODES.person));
    await ds.applications.approve({ kind: "admin" }, r.application.id);
    const s = await sid(ds, CODES.person);
    expect(
      (await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) })).errcode,
    ).toBe(0);
    const g = await ds.applications.withdrawGrant(
      { kind: "tenant", paasid: police.paasid },
      a.paasid,
      s,
      "核查发现超范围使用",
    );
    expect(g.status).toBe("withdrawn");
    const q = await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) });
    expect(q.errcode).toBe(1003);
    expect(q.audit.reason).toBe("grant-withdrawn");
  });
});

describe("tenant isolation of applications and grants", () => {
  it("one tenant's grant does not let another query, and each sees only its own applications", async () => {
    const { ds, a, b } = world();
    await ds.applications.apply(a.paasid, apply(["JGMC"], CODES.entity));
    const s = await sid(ds, CODES.entity);
    const ent = ds.libraries.seed.enterprises.at(3)!;
    const qa = await ds.query({
      paasid: a.paasid,
      serviceId: s,
      body: body(a.paasid, { TYSHXYDM: ent.uscc }, ent.uscc, "001"),
    });
    const qb = await ds.query({
      paasid: b.paasid,
      serviceId: s,
      body: body(b.paasid, { TYSHXYDM: ent.uscc }, ent.uscc, "001"),
    });
    expect(qa.errcode).toBe(0);
    expect(qb.errcode).toBe(1003);
    expect(await ds.applications.listApplications(a.paasid)).toHaveLength(1);
    expect(await ds.applications.listApplications(b.paasid)).toEqual([]);
    expect(await ds.applications.listGrants(b.paasid)).toEqual([]);
    expect(await ds.audit.forConsumer(b.paasid)).toHaveLength(1);
    expect((await ds.audit.forConsumer(b.paasid))[0].errcode).toBe(1003);
  });

  it("only the provider's tenant or an admin can review, and a consumer cannot approve itself", async () => {
    const { ds, a, b, police } = world();
    const r = await ds.applications.apply(a.paasid, apply(["XM"], CODES.person));
    for (const who of [a.paasid, b.paasid])
      await expect(ds.applications.approve({ kind: "tenant", paasid: who }, r.application.id)).rejects.toMatchObject({
        problem: { code: 1103 },
      });
    expect(await ds.applications.reviewQueue({ kind: "tenant", paasid: b.paasid })).toEqual([]);
    // the police tenant does not provide the legal-entity library, so it cannot withdraw grants on it
    await ds.applications.apply(b.paasid, apply(["JGMC"], CODES.entity));
    await expect(
      ds.applications.withdrawGrant({ kind: "tenant", paasid: police.paasid }, b.paasid, await sid(ds, CODES.entity)),
    ).rejects.toMatchObject({ problem: { code: 1103 } });
    // a reset of tenant a forgets its review tickets
    await ds.resetTenant(a.paasid);
    expect(await ds.applications.reviewQueue({ kind: "admin" })).toEqual([]);
  });
});
