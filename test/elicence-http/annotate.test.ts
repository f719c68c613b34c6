// Annotated copies (加注件, facts §4.3) as OFD by default: the annotation items in the file's metadata, the calling
// department's seal embedded, verification passing until the copy's own end date and 22 after it; PDF on request.
import { beforeAll, describe, expect, it } from "vitest";
import { readLicenceFileInfo, readLicenceOfdInfo } from "../../mocks/elicence/licence-file.js";
import { B, SID, drivingLicenceBody, elicenceSim, type ElicenceSim } from "./helpers.js";

describe("annotated copies", () => {
  let h: ElicenceSim;
  let id: string;
  const annotate = (extra: Record<string, unknown> = {}) =>
    h.ebus(
      "POST",
      "/ebus/elicence/v1/licences/annotate",
      { certIdentifier: id, useCause: "企业开办材料核验", expiryTime: "2026-03-20", ...extra },
      B,
    );
  const verify = (fileData: string, signature?: string) =>
    h.ebus("POST", "/ebus/elicence/v1/files/verify", { fileData, ...(signature ? { signature } : {}) }, B);

  beforeAll(async () => {
    h = await elicenceSim();
    const p = h.person();
    const r = await h.d(SID.createAndIssue, drivingLicenceBody({ name: p.person.name, idNumber: p.person.idNumber }));
    id = r.json.data.ZZBS;
    await h.admin("PUT", `/_gatesim/elicence/tenants/${B}/permissions`, { typeCodes: ["*"] });
  });

  it("is an OFD with the annotation items, sealed by the annotating department, that verifies", async () => {
    const r = await annotate();
    expect(r.json.head.status, JSON.stringify(r.json)).toBe(0);
    expect(r.json.data).toMatchObject({ fileFormat: "ofd", fileName: `${id}.ofd`, certIdentifier: id });
    const info = await readLicenceOfdInfo(Buffer.from(r.json.data.fileData, "base64"));
    expect(info).toMatchObject({
      ZZBS: id,
      YZSY: "企业开办材料核验",
      JZJZZSY: "企业开办材料核验",
      JZJYXQJZSJ: "2026-03-20",
    });
    expect(info!.JZJZZZ).toBe(r.json.data.annotation.JZJZZZ);
    const v = await verify(r.json.data.fileData);
    expect(v.json.head.status, JSON.stringify(v.json)).toBe(0);
    // the department's seal, not the issuer's: the owner check does not apply to an annotated copy
    expect(v.json.data.checks.map((c: { id: string }) => c.id)).not.toContain("seal.owner");
    expect(r.json.data.sealId).not.toBe((await h.d(SID.archive, { ZZBS: id })).json.data.seal_id);
  });

  it("comes as a PDF with its detached signature when asked (fileFormat: pdf)", async () => {
    const r = await annotate({ fileFormat: "pdf" });
    expect(r.json.data).toMatchObject({ fileFormat: "pdf", fileName: `${id}.pdf` });
    const info = await readLicenceFileInfo(Buffer.from(r.json.data.fileData, "base64"));
    expect(info).toMatchObject({ ZZBS: id, JZJYXQJZSJ: "2026-03-20" });
    expect((await verify(r.json.data.fileData, r.json.data.signature)).json.head.status).toBe(0);
  });

  it("verifies as 22 (expired) after its own end date, in either format", async () => {
    const ofd = (await annotate()).json.data;
    const pdf = (await annotate({ fileFormat: "pdf" })).json.data;
    h.advanceAll(30 * 86_400_000);
    const o = await verify(ofd.fileData);
    expect(o.json.head.status).toBe(22);
    expect(o.json.data.reason).toContain("加注件已过期");
    expect((await verify(pdf.fileData, pdf.signature)).json.head.status).toBe(22);
  });
});
