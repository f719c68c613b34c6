// Issue → query by holder → authorise → redeem → download → verify, across identity, e-seal and e-licence; then
// revocation of the licence and of the seal each turn verification into a failure with its reason.
import { commandWorks, requireTool } from "../system-tool.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, test } from "vitest";
import { decodeQrPng } from "../qr.js";
import { checkLicenceId } from "../../mocks/shared/ids.js";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { readLicenceFileInfo, readLicenceOfdInfo } from "../../mocks/elicence/licence-file.js";
import { A, B, SID, drivingLicenceBody, elicenceSim, type ElicenceSim } from "./helpers.js";

requireTool(
  commandWorks("pdftoppm", ["-v"]),
  "pdftoppm (renders the downloaded PDF to decode its QR code)",
  "poppler-utils",
);

function qrOf(pdf: Buffer): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "elicence-http-"));
  try {
    writeFileSync(join(dir, "l.pdf"), pdf);
    execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", join(dir, "l.pdf"), join(dir, "page")]);
    return decodeQrPng(readFileSync(join(dir, "page.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CAUSE = "申请公共租赁住房资格审核";

describe("e-licence end to end", () => {
  let h: ElicenceSim;
  let holder: { id: string; name: string; idNumber: string };
  let licenceId: string;
  let issued: any;
  let token: string;
  let authCode: string;
  let file: { fileData: string; signature: string; fileName: string; fileFormat: string };
  let pdfFile: { fileData: string; signature: string };
  const downloadUrl = async () =>
    (await h.ebus("POST", "/ebus/elicence/v1/licences/download-url", { certIdentifier: licenceId, useCause: CAUSE }, B))
      .json.data.url as string;

  beforeAll(async () => {
    h = await elicenceSim();
    const p = h.person();
    holder = { id: p.id, name: p.person.name, idNumber: p.person.idNumber };
    token = await h.login(p.id, A);
  });

  it("issues a licence through D1597131569652: valid GB/T 36904 identifier, sealed PDF, catalogue record delivered", async () => {
    const r = await h.d(SID.createAndIssue, drivingLicenceBody({ name: holder.name, idNumber: holder.idNumber }));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    issued = r.json;
    expect(issued).toMatchObject({
      ack_code: "SUCCESS",
      errors: [],
      sign_method: expect.stringContaining("SM2"),
      data: { stage: "issued", cert_state: "01", version: "001", catalogue_delivery: { status: "delivered" } },
    });
    expect(issued.timestamp).toMatch(/^2026-03-02 09:00:00\.000$/);
    licenceId = issued.data.ZZBS;
    expect(checkLicenceId(licenceId)).toBeNull();
    expect(licenceId.split(".")[6]).toBe(h.org(A));
    expect(issued.data.license_code).toMatch(/^\d{18}$/);
    expect(issued.data.auth_code).toMatch(/^\d{20}[0-9A-Z]{11}$/);
    expect(Buffer.from(issued.sign, "base64")[0]).toBe(0x30); // DER SEQUENCE
    expect(h.ds.published).toHaveLength(1);
    expect(h.ds.published[0].record).toMatchObject({
      certificate_source_id: licenceId,
      certificate_holder_code: holder.idNumber,
      certificate_holder_type: "111",
      issue_dept_code: h.org(A),
    });
  });

  it("another department is refused (100) without a permission or a grant, and told why", async () => {
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      { holderCode: holder.idNumber, holderTypeCode: "111", useCause: CAUSE },
      B,
    );
    expect(r.status).toBe(200);
    expect(r.json.head.status).toBe(100);
    expect(r.json.head.message).toContain("无访问该证的权限");
    expect(r.json.head.message).toContain("11100000GT0000088Y001");
    // the issuer itself sees it
    const own = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      { holderCode: holder.idNumber, holderTypeCode: "111", certTypeCode: "11100000GT0000088Y001", useCause: CAUSE },
      A,
    );
    expect(own.json.head.status).toBe(0);
    expect(own.json.data.licences.map((l: any) => [l.certIdentifier, l.access])).toContainEqual([licenceId, "issuer"]);
  });

  it("the holder, logged in through identity, grants department B use of the licence; B redeems the auth code", async () => {
    const g = await h.user("POST", "/ebus/elicence/v1/authorizations", token, {
      certIdentifier: licenceId,
      paasid: B,
      useCause: CAUSE,
      expiresAt: "2026-03-31",
    });
    expect(g.json.head.status, JSON.stringify(g.json)).toBe(0);
    expect(g.json.data).toMatchObject({
      certIdentifier: licenceId,
      paasid: B,
      state: "active",
      expiresAt: "2026-03-31T15:59:59.999Z",
    });
    authCode = g.json.data.authCode;
    // granted but not redeemed yet: still no access
    const before = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: licenceId, useCause: CAUSE },
      B,
    );
    expect(before.json.head.status).toBe(100);
    const red = await h.ebus("POST", "/ebus/elicence/v1/authorizations/redeem", { authCode }, B);
    expect(red.json.head.status, JSON.stringify(red.json)).toBe(0);
    expect(red.json.data.licence).toMatchObject({ certIdentifier: licenceId, access: "grant", status: 0 });
    expect(red.json.data.url).toMatch(/^\/ebus\/elicence\/v1\/download\?token=/);
    const q = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/query-by-holder",
      { holderCode: holder.idNumber, holderTypeCode: "111", useCause: CAUSE },
      B,
    );
    expect(q.json.head.status).toBe(0);
    expect(q.json.data.licences).toEqual([
      expect.objectContaining({ certIdentifier: licenceId, access: "grant", certState: "01", holderName: holder.name }),
    ]);
    // the holder sees the grant as redeemed
    const list = await h.user("GET", "/ebus/elicence/v1/authorizations", token);
    expect(list.json.data.grants).toEqual([
      expect.objectContaining({ authCode, state: "active", redeemedAt: expect.any(String) }),
    ]);
  });

  it("B downloads the licence once, watermarked with its purpose; the URL cannot be used twice", async () => {
    const u = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: licenceId, useCause: CAUSE },
      B,
    );
    expect(u.json.head.status).toBe(0);
    const dl = await h.open(u.json.data.url);
    expect(dl.status).toBe(200);
    expect(dl.json.head.status).toBe(0);
    file = dl.json.data;
    // an OFD by default, named by the identifier, as real licence files are
    expect(file).toMatchObject({ fileFormat: "ofd", fileName: `${licenceId}.ofd` });
    const info = await readLicenceOfdInfo(Buffer.from(file.fileData, "base64"));
    expect(info).toMatchObject({ ZZBS: licenceId, YZSY: CAUSE, CZZT: holder.name, CZZTDM: holder.idNumber });
    const pdf = await h.open(`${await downloadUrl()}&fileFormat=pdf`);
    pdfFile = pdf.json.data;
    expect(pdf.json.data).toMatchObject({ fileFormat: "pdf", fileName: `${licenceId}.pdf` });
    expect(await readLicenceFileInfo(Buffer.from(pdfFile.fileData, "base64"))).toMatchObject({ ZZBS: licenceId });
    const again = await h.open(u.json.data.url);
    expect(again.status).toBe(410);
    expect(again.json.head.status).toBe(100);
    expect(again.json.head.message).toContain("只能使用一次");
  });

  it("format=ofd hands out the OFD itself, named by the identifier; it verifies as the JSON one does", async () => {
    const raw = await h.open(`${await downloadUrl()}&format=ofd`);
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toBe("application/ofd");
    expect(raw.headers["content-disposition"]).toBe(`attachment; filename="${licenceId}.ofd"`);
    expect(Object.keys(unzipSync(raw.raw))).toContain("Doc_0/Signs/Sign_0/SignedValue.dat");
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", { fileData: raw.raw.toString("base64") }, B);
    expect(v.json.head.status).toBe(0);
  });

  // Skipped without pdftoppm (Debian poppler-utils, which .ci/run installs): rendering needs a real PDF engine.
  test("the downloaded PDF renders (pdftoppm) and its QR code decodes to the identifier", () => {
    expect(qrOf(Buffer.from(pdfFile.fileData, "base64"))).toBe(licenceId);
  });

  it("B verifies the OFD (its seal embedded): every check passes; a page edited after signing → 101 naming it", async () => {
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", { fileData: file.fileData }, B);
    expect(v.json.head.status, JSON.stringify(v.json)).toBe(0);
    expect(v.json.data).toMatchObject({ result: "PASSED", certIdentifier: licenceId, fileFormat: "ofd" });
    const checks = v.json.data.checks.map((c: { id: string; result: string }) => [c.id, c.result]);
    expect(checks).toEqual(
      expect.arrayContaining([
        ["package", "PASSED"],
        ["signature", "PASSED"],
        ["seal.owner", "PASSED"],
      ]),
    );
    expect(checks.every(([, r]: string[]) => r === "PASSED")).toBe(true);
    const parts = unzipSync(Buffer.from(file.fileData, "base64"));
    const page = "Doc_0/Pages/Page_0/Content.xml";
    parts[page] = strToU8(strFromU8(parts[page]).replace(holder.name, "张冒名"));
    const bad = await h.ebus(
      "POST",
      "/ebus/elicence/v1/files/verify",
      { fileData: Buffer.from(zipSync(parts)).toString("base64") },
      B,
    );
    expect(bad.json.head.status).toBe(101);
    expect(bad.json.data.result).toBe("FAILED");
    expect(
      bad.json.data.checks.filter((c: { result: string }) => c.result !== "PASSED").map((c: { id: string }) => c.id),
    ).toEqual([`reference:/${page}`]);
    expect(bad.json.data.reason).toContain(page);
  });

  it("B verifies the PDF with its detached signature: 0 PASSED; a tampered file → 101; no signature → 12", async () => {
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", pdfFile, B);
    expect(v.json.head.status, JSON.stringify(v.json)).toBe(0);
    expect(v.json.data).toMatchObject({
      result: "PASSED",
      certIdentifier: licenceId,
      certState: "01",
      fileFormat: "pdf",
      seal: { result: "PASSED" },
    });
    const none = await h.ebus("POST", "/ebus/elicence/v1/files/verify", { fileData: pdfFile.fileData }, B);
    expect(none.json.head.status).toBe(12);
    const file = pdfFile;
    const pdf = Buffer.from(file.fileData, "base64");
    pdf[pdf.length - 10] ^= 1;
    const bad = await h.ebus(
      "POST",
      "/ebus/elicence/v1/files/verify",
      { ...file, fileData: pdf.toString("base64") },
      B,
    );
    expect(bad.json.head.status).toBe(101);
    expect(bad.json.data.result).toBe("FAILED");
  });

  it("verifying information compares fields without revealing the platform's values", async () => {
    const ok = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/verify-info",
      { certIdentifier: licenceId, fields: { CZZT: holder.name, KZ_ZJCX: "C1" } },
      B,
    );
    expect(ok.json).toMatchObject({ head: { status: 0 }, data: { match: true } });
    const no = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/verify-info",
      { certIdentifier: licenceId, fields: { CZZT: "张三", KZ_ZJCX: "C1" } },
      B,
    );
    expect(no.json.data).toEqual({
      match: false,
      certIdentifier: licenceId,
      certState: "01",
      fields: [
        { key: "CZZT", match: false, reason: expect.any(String) },
        { key: "KZ_ZJCX", match: true },
      ],
    });
    expect(JSON.stringify(no.json)).not.toContain(holder.name);
  });

  it("the holder withdraws the grant: B is refused again (100)", async () => {
    const w = await h.user("DELETE", `/ebus/elicence/v1/authorizations/${authCode}`, token);
    expect(w.json).toMatchObject({ head: { status: 0 }, data: { state: "withdrawn" } });
    const r = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: licenceId, useCause: CAUSE },
      B,
    );
    expect(r.json.head.status).toBe(100);
    const again = await h.ebus("POST", "/ebus/elicence/v1/authorizations/redeem", { authCode }, B);
    expect(again.json.head.status).toBe(100);
    expect(again.json.head.message).toContain("撤回");
  });

  it("revoking the licence (D1597135080112) turns verification of the same file into 21 FAILED", async () => {
    const rv = await h.d(SID.revoke, { ZZBS: licenceId, kind: "03", reason: "以欺骗手段取得" });
    expect(rv.json).toMatchObject({ ack_code: "SUCCESS", data: { cert_state: "03" } });
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", file, B);
    expect(v.json.head.status).toBe(21);
    expect(v.json.data.result).toBe("FAILED");
    expect(v.json.data.reason).toContain("撤销");
    expect(v.json.data.seal.result).toBe("PASSED");
  });
});

describe("revoking the issuer's seal", () => {
  it("turns verification of a file sealed before into a failure naming the revocation, and stops issuance", async () => {
    const h = await elicenceSim();
    const p = h.person();
    const r = await h.d(SID.createAndIssue, drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber }));
    expect(r.json.ack_code).toBe("SUCCESS");
    const arch = await h.d(SID.archive, { ZZBS: r.json.data.ZZBS });
    expect(arch.json.data.sign).toBe(r.json.sign);
    const file = { fileData: arch.json.data.file_data, signature: arch.json.data.sign };
    expect((await h.ebus("POST", "/ebus/elicence/v1/files/verify", file, A)).json.head.status).toBe(0);
    const url = await h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/download-url",
      { certIdentifier: r.json.data.ZZBS, useCause: "核验" },
      A,
    );
    const ofd = { fileData: (await h.open(url.json.data.url)).json.data.fileData };
    expect((await h.ebus("POST", "/ebus/elicence/v1/files/verify", ofd, A)).json.head.status).toBe(0);
    // the e-seal platform verifies the OFD too: its package and every Reference, then the signature
    const sealCheck = () => h.ebus("POST", "/ebus/eseal/v1/verifications", { ofd: ofd.fileData }, A);
    const before = (await sealCheck()).json.data;
    expect(before.result, JSON.stringify(before)).toBe("PASSED");
    const ids = before.checks.map((c: { id: string }) => c.id);
    expect(ids.slice(0, 2)).toEqual(["ofd-package", expect.stringMatching(/^ofd-reference:\//)]);
    expect(ids).toEqual(
      expect.arrayContaining(["ofd-reference:/Doc_0/Pages/Page_0/Content.xml", "seal-status", "data-hash"]),
    );
    const parts = unzipSync(Buffer.from(ofd.fileData, "base64"));
    parts["Doc_0/Res/qr.png"] = new Uint8Array([0x89, 0x50]);
    const edited = await h.ebus(
      "POST",
      "/ebus/eseal/v1/verifications",
      { ofd: Buffer.from(zipSync(parts)).toString("base64") },
      A,
    );
    expect(edited.json.data).toMatchObject({ result: "FAILED", subIndication: "HASH_MISMATCH" });
    expect(edited.json.data.checks.find((c: { id: string }) => c.id === "ofd-reference:/Doc_0/Res/qr.png").result).toBe(
      "FAILED",
    );

    h.advanceAll(60_000);
    const rev = await h.ebus("POST", `/ebus/eseal/v1/seals/${r.json.data.seal_id}/revoke`, { reason: "印章遗失" }, A);
    expect(rev.status, JSON.stringify(rev.json)).toBe(200);
    const v = await h.ebus("POST", "/ebus/elicence/v1/files/verify", file, B);
    expect(v.json.head.status).toBe(101);
    expect(v.json.data.result).not.toBe("PASSED");
    expect(v.json.data.seal.subIndication).toBe("SEAL_REVOKED_AFTER_SIGNING");
    expect(v.json.data.reason).toContain("SEAL_REVOKED_AFTER_SIGNING");
    expect((await sealCheck()).json.data.subIndication).toBe("SEAL_REVOKED_AFTER_SIGNING");
    // the OFD, its seal embedded, fails the same way as the PDF: its signature check names the revocation
    const o = await h.ebus("POST", "/ebus/elicence/v1/files/verify", ofd, B);
    expect(o.json.head.status).toBe(101);
    expect(o.json.data).toMatchObject({
      result: v.json.data.result,
      fileFormat: "ofd",
      seal: { subIndication: "SEAL_REVOKED_AFTER_SIGNING" },
    });
    expect(o.json.data.reason).toContain("SEAL_REVOKED_AFTER_SIGNING");
    expect(o.json.data.checks.find((c: { id: string }) => c.id === "signature").result).not.toBe("PASSED");

    const next = await h.d(
      SID.createAndIssue,
      drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber }),
    );
    expect(next.status).toBe(409);
    expect(next.json).toMatchObject({
      ack_code: "FAILURE",
      errors: [{ code: "ESEAL_NO_USABLE_SEAL" }],
      result_code: 101,
    });
  });
});
