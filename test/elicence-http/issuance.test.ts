// The GatewayMsg issuance services (facts §4.5 serviceIds, §8.4 bodies): lifecycle, versions, refusals, catalogue.
import { beforeAll, describe, expect, it } from "vitest";
import { checkLicenceId, mod37_36 } from "../../mocks/shared/ids.js";
import { readLicenceFileInfo, readLicenceOfdInfo } from "../../mocks/elicence/licence-file.js";
import { A, B, SID, drivingLicenceBody, elicenceSim, type ElicenceSim } from "./helpers.js";

describe("issuance services", () => {
  let h: ElicenceSim;
  let holder: { name: string; idNumber: string };
  beforeAll(async () => {
    h = await elicenceSim();
    const p = h.person();
    holder = { name: p.person.name, idNumber: p.person.idNumber };
  });

  it("identifiers follow GB/T 36904: the foundation's validator and the MOD 37,36 worked example agree", async () => {
    expect(mod37_36("11100000000013338W01111440507MB2C00001R2024000123001")).toBe("6"); // facts §4.2 worked example
    const r = await h.d(SID.createAndIssue, { ...drivingLicenceBody(holder), serial: "2024000123" });
    const id: string = r.json.data.ZZBS;
    const [type, issuer, serial, version, check] = id.slice("1.2.156.3005.2.".length).split(".");
    expect([type, issuer, serial, version]).toEqual(["11100000GT0000088Y001", h.org(A), "2024000123", "001"]);
    expect(check).toBe(mod37_36(type + issuer + serial + version));
    expect(checkLicenceId(id)).toBeNull();
  });

  it("create → issue → issue again is refused; the issued file is archived with its seal", async () => {
    const c = await h.d(SID.create, drivingLicenceBody(holder));
    expect(c.json).toMatchObject({ ack_code: "SUCCESS", data: { stage: "created" } });
    expect(c.json.correlation_id).toMatch(/^[0-9a-f]{32}$/);
    const code = c.json.data.license_code;
    const i = await h.d(SID.issue, { license_code: code });
    expect(i.json).toMatchObject({
      ack_code: "SUCCESS",
      data: { stage: "issued", cert_state: "01", license_code: code, ZZBFRQ: "2026-03-02", ZZYXQJZRQ: "2032-03-01" },
    });
    const again = await h.d(SID.issue, { license_code: code });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ ack_code: "FAILURE", errors: [{ code: "ILLEGAL_TRANSITION" }] });
    // the OFD sealed at issuance by default, byte for byte the same each time it is archived; the PDF beside it
    const a = await h.d(SID.archive, { license_code: code });
    expect(a.json.data).toMatchObject({ file_name: `${i.json.data.ZZBS}.ofd`, file_format: "ofd", sign: i.json.sign });
    const want = { ZZBS: i.json.data.ZZBS, ZZBFJGDM: h.org(A), ZZLXDM: "11100000GT0000088Y001" };
    expect(await readLicenceOfdInfo(Buffer.from(a.json.data.file_data, "base64"))).toMatchObject(want);
    expect((await h.d(SID.archive, { license_code: code })).json.data.file_data).toBe(a.json.data.file_data);
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", { fileData: a.json.data.file_data }, A);
    expect(v.json.head.status).toBe(0);
    const p = await h.d(SID.archive, { license_code: code, file_format: "pdf" });
    expect(p.json.data).toMatchObject({ file_name: `${i.json.data.ZZBS}.pdf`, file_format: "pdf" });
    expect(await readLicenceFileInfo(Buffer.from(p.json.data.file_data, "base64"))).toMatchObject(want);
  });

  it("modifying an issued licence issues version 002 linked to 001; the old version answers 21", async () => {
    const first = (await h.d(SID.createAndIssue, drivingLicenceBody(holder))).json.data;
    const published = h.ds.published.length;
    const m = await h.d(SID.modify, { ZZBS: first.ZZBS, KZ_ZZ: "广东省汕头市金平区新址 1 号", reason: "住址变更" });
    expect(m.json, JSON.stringify(m.json)).toMatchObject({
      ack_code: "SUCCESS",
      data: { version: "002", previous_ZZBS: first.ZZBS, stage: "issued" },
    });
    expect(m.json.data.ZZBS).toBe(first.ZZBS.replace(/\.001\.[0-9A-Z]$/, `.002.${m.json.data.ZZBS.slice(-1)}`));
    expect(checkLicenceId(m.json.data.ZZBS)).toBeNull();
    expect(h.ds.published.length).toBe(published + 1);
    await h.admin("PUT", `/_gatesim/elicence/tenants/${B}/permissions`, { typeCodes: ["*"] });
    const old = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: first.ZZBS, useCause: "核验" },
      B,
    );
    expect(old.json.head.status).toBe(21);
    expect(old.json.head.message).toContain(m.json.data.ZZBS);
  });

  it("deletes only unissued data; annuls issued licences", async () => {
    const c = (await h.d(SID.create, drivingLicenceBody(holder))).json.data;
    const del = await h.d(SID.delete, { license_code: c.license_code });
    expect(del.json).toMatchObject({ ack_code: "SUCCESS", data: { deleted: true } });
    expect((await h.d(SID.issue, { license_code: c.license_code })).status).toBe(404);
    const issued = (await h.d(SID.createAndIssue, drivingLicenceBody(holder))).json.data;
    const del2 = await h.d(SID.delete, { ZZBS: issued.ZZBS });
    expect(del2.status).toBe(409);
    expect(del2.json.errors[0].message).toContain("废止");
  });

  it("only the issuing organisation's app may act on a licence or issue in its name", async () => {
    const issued = (await h.d(SID.createAndIssue, drivingLicenceBody(holder))).json.data;
    const r = await h.d(SID.revoke, { ZZBS: issued.ZZBS }, B);
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ ack_code: "FAILURE", errors: [{ code: "NOT_ISSUER" }], result_code: 100 });
    const other = await h.d(SID.createAndIssue, { ...drivingLicenceBody(holder), ZZBFJGDM: h.org(B) });
    expect(other.status).toBe(403);
    expect(other.json.errors[0]).toMatchObject({ code: "NOT_ISSUER", location: "/body/ZZBFJGDM" });
  });

  it("refuses bad bodies with where and why: contract (40005 → 12), holder type (103), unknown extension item", async () => {
    const { CZZT: _drop, ...noHolder } = drivingLicenceBody(holder);
    const a = await h.d(SID.createAndIssue, noHolder);
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ ack_code: "FAILURE", errors: [{ code: "40005" }], result_code: 12 });
    const b = await h.d(SID.createAndIssue, { ...drivingLicenceBody(holder), CZZTDMLXDM: "999" });
    expect(b.json).toMatchObject({
      errors: [{ code: "INVALID_HOLDER_TYPE", location: "/body/CZZTDMLXDM" }],
      result_code: 103,
    });
    const c = await h.d(SID.createAndIssue, { ...drivingLicenceBody(holder), KZ_NOPE: "x" });
    expect(c.json.errors[0]).toMatchObject({ code: "UNKNOWN_FIELD" });
    expect(c.json.errors[0].message).toContain("KZ_ZJCX");
  });

  it("sessions: login gives an access_token; a wrong one is refused; requireSession makes it mandatory", async () => {
    const login = await h.d(SID.login, {});
    expect(login.json).toMatchObject({
      ack_code: "SUCCESS",
      expires_in: 7200,
      access_token: expect.stringMatching(/^els_/),
    });
    expect(
      (await h.d(SID.create, { ...drivingLicenceBody(holder), access_token: login.json.access_token })).json.ack_code,
    ).toBe("SUCCESS");
    const bad = await h.d(SID.create, { ...drivingLicenceBody(holder), access_token: "els_x" });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ errors: [{ code: "SESSION_INVALID" }], result_code: 11 });
    const strict = await elicenceSim({ elicence: { requireSession: true } });
    expect((await strict.d(SID.create, drivingLicenceBody(holder))).status).toBe(401);
  });

  it("a department registers and publishes its own licence type, then issues licences of it (目录编制和注册)", async () => {
    const reg = await h.ebus("POST", "/ebus/elicence/v1/types", {
      name: "汕头市犬只登记证",
      holderType: "111",
      validityYears: 1,
      items: [{ key: "KZ_QZPZ", zh: "犬只品种", type: "string", required: true }],
    });
    expect(reg.json.data).toMatchObject({ state: "registered", source: "department", definer: { uscc: h.org(A) } });
    const code = reg.json.data.code;
    const early = await h.d(SID.createAndIssue, {
      ZZLXDM: code,
      CZZT: holder.name,
      CZZTDM: holder.idNumber,
      CZZTDMLXDM: "111",
      KZ_QZPZ: "中华田园犬",
    });
    expect(early.json.errors[0].code).toBe("TYPE_NOT_PUBLISHED");
    expect((await h.ebus("POST", "/ebus/elicence/v1/types/publish", { code }, B)).status).toBe(403);
    expect((await h.ebus("POST", "/ebus/elicence/v1/types/publish", { code })).json.data.state).toBe("published");
    const ok = await h.d(SID.createAndIssue, {
      ZZLXDM: code,
      CZZT: holder.name,
      CZZTDM: holder.idNumber,
      CZZTDMLXDM: "111",
      KZ_QZPZ: "中华田园犬",
    });
    expect(ok.json).toMatchObject({ ack_code: "SUCCESS", data: { ZZYXQJZRQ: "2027-03-01" } });
    const list = await h.ebus("GET", "/ebus/elicence/v1/types");
    expect(list.json.data.length).toBeGreaterThanOrEqual(11);
    expect(list.json.data.map((t: any) => t.name)).toEqual(
      expect.arrayContaining(["营业执照", "机动车驾驶证", "汕头市犬只登记证"]),
    );
  });
});
