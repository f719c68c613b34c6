// The licence as an OFD file (GB/T 33190) sealed by the real e-seal platform (GB/T 38540 SES_Signature over
// Signature.xml): the package's structure by the standard's element names and order, every SM3 reference digest and
// the SES signature recomputed with OpenSSL, and each tampering reported by the check it breaks.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";
import { decodeQrPng } from "../qr.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  makeLicenceOfd,
  OFD_NS,
  SM2_SM3_OID,
  SM3_OID,
  verifyLicenceOfd,
  type OfdLicenceFile,
} from "../../mocks/elicence/licence-ofd.js";
import { parseSignature } from "../../mocks/eseal/ses-parse.js";
import type { Licence } from "../../mocks/elicence/licences.js";
import { makeInput, testTenant } from "../../mocks/shared/test-context.js";
import { requireTool } from "../system-tool.js";
import { DRUG_LICENCE_ISSUER } from "./drug-licence.js";
import { ofdFixture } from "./ofd-fixture.js";

const { seed, eseal, clock, ctx, typeOf, sealAs, verify, issue } = ofdFixture();
const ID = "distid:1234567812345678";
const opensslOk = spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout?.startsWith("OpenSSL 3");
requireTool(!!opensslOk, "OpenSSL 3 CLI", "openssl");

let licence: Licence;
let file: OfdLicenceFile;
const dir = mkdtempSync(join(tmpdir(), "gatesim-ofd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const onDisk = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name.replace(/\//g, "_"));
  writeFileSync(p, data);
  return p;
};

/** Element names in document order, keeping order (preserveOrder) to check the schema's sequences. */
const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "@_" });
function childNames(xml: Uint8Array, ...path: string[]): string[] {
  let nodes: any[] = ordered.parse(strFromU8(xml));
  for (const name of path) nodes = nodes.find((n) => name in n)[name];
  return nodes.map((n) => Object.keys(n).find((k) => k !== ":@")!).filter((k) => k !== "#text");
}
const plain = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });
const parse = (xml: Uint8Array) => plain.parse(strFromU8(xml));
const rezip = (files: Record<string, Uint8Array>) => zipSync(files);

beforeAll(async () => void ({ licence, file } = await issue()));

describe("an OFD licence file", () => {
  it("is named by the licence identifier and holds the standard's files", () => {
    expect(file.fileName).toBe(`${licence.id}.ofd`);
    expect(Object.keys(unzipSync(file.ofd)).sort()).toEqual(
      [
        "OFD.xml",
        "Doc_0/Document.xml",
        "Doc_0/PublicRes.xml",
        "Doc_0/DocumentRes.xml",
        "Doc_0/Res/qr.png",
        "Doc_0/Pages/Page_0/Content.xml",
        "Doc_0/Signs/Signatures.xml",
        "Doc_0/Signs/Sign_0/Signature.xml",
        "Doc_0/Signs/Sign_0/SignedValue.dat",
      ].sort(),
    );
  });

  it("has OFD.xml, Document.xml and Signature.xml in the standard's element order, in its namespace", () => {
    const f = unzipSync(file.ofd);
    expect(parse(f["OFD.xml"])["ofd:OFD"]).toMatchObject({ "@_xmlns:ofd": OFD_NS, "@_DocType": "OFD" });
    expect(childNames(f["OFD.xml"], "ofd:OFD", "ofd:DocBody")).toEqual([
      "ofd:DocInfo",
      "ofd:DocRoot",
      "ofd:Signatures",
    ]);
    expect(childNames(f["OFD.xml"], "ofd:OFD", "ofd:DocBody", "ofd:DocInfo")).toEqual([
      "ofd:DocID",
      "ofd:Title",
      "ofd:Author",
      "ofd:Subject",
      "ofd:CreationDate",
      "ofd:Creator",
      "ofd:CreatorVersion",
      "ofd:CustomDatas",
    ]);
    expect(childNames(f["Doc_0/Document.xml"], "ofd:Document")).toEqual(["ofd:CommonData", "ofd:Pages"]);
    expect(childNames(f["Doc_0/Document.xml"], "ofd:Document", "ofd:CommonData")).toEqual([
      "ofd:MaxUnitID",
      "ofd:PageArea",
      "ofd:PublicRes",
      "ofd:DocumentRes",
    ]);
    const sig = f["Doc_0/Signs/Sign_0/Signature.xml"];
    expect(childNames(sig, "ofd:Signature")).toEqual(["ofd:SignedInfo", "ofd:SignedValue"]);
    expect(childNames(sig, "ofd:Signature", "ofd:SignedInfo")).toEqual([
      "ofd:Provider",
      "ofd:SignatureMethod",
      "ofd:SignatureDateTime",
      "ofd:References",
      "ofd:StampAnnot",
    ]);
    const info = parse(sig)["ofd:Signature"]["ofd:SignedInfo"];
    expect(info["ofd:SignatureMethod"]).toBe(SM2_SM3_OID);
    expect(info["ofd:References"]["@_CheckMethod"]).toBe(SM3_OID);
    expect(info["ofd:StampAnnot"]).toMatchObject({
      "@_PageRef": "1",
      "@_Boundary": expect.stringMatching(/^[\d. ]+$/),
    });
    expect(parse(f["Doc_0/Signs/Signatures.xml"])["ofd:Signatures"]["ofd:Signature"]).toMatchObject({
      "@_Type": "Seal",
      "@_BaseLoc": "/Doc_0/Signs/Sign_0/Signature.xml",
    });
  });

  it("carries the licence's metadata, its text, and the QR code of its identifier", async () => {
    const f = unzipSync(file.ofd);
    const custom = parse(f["OFD.xml"])["ofd:OFD"]["ofd:DocBody"]["ofd:DocInfo"]["ofd:CustomDatas"]["ofd:CustomData"];
    const meta = Object.fromEntries(custom.map((c: any) => [c["@_Name"], c["#text"]]));
    expect(meta).toMatchObject({ ZZBS: licence.id, CZZT: licence.data.CZZT, KZ_JYFW: "中药饮片、中成药" });
    const page = strFromU8(f["Doc_0/Pages/Page_0/Content.xml"]);
    for (const s of [licence.data.CZZT, `证照标识：${licence.id}`, "药品经营许可证", "颁发机构：汕头市市场监督管理局"])
      expect(page).toContain(s);
    // scanned as a phone would: the identifier itself
    expect(decodeQrPng(f["Doc_0/Res/qr.png"])).toBe(licence.id);
  });

  it("references every other file with its SM3 digest, as OpenSSL computes it", () => {
    const f = unzipSync(file.ofd);
    const refs = parse(f["Doc_0/Signs/Sign_0/Signature.xml"])["ofd:Signature"]["ofd:SignedInfo"]["ofd:References"][
      "ofd:Reference"
    ];
    const signedFiles = Object.keys(f).filter((p) => !p.startsWith("Doc_0/Signs/Sign_0/"));
    expect(refs.map((r: any) => r["@_FileRef"]).sort()).toEqual(signedFiles.map((p) => `/${p}`).sort());
    for (const r of refs) {
      const bin = execFileSync("openssl", [
        "dgst",
        "-sm3",
        "-binary",
        onDisk(r["@_FileRef"], f[r["@_FileRef"].slice(1)]),
      ]);
      expect(r["ofd:CheckValue"], r["@_FileRef"]).toBe(bin.toString("base64"));
    }
  });

  it("has a SES_Signature v4 over Signature.xml that OpenSSL verifies (SM2 with SM3, distid 1234567812345678)", () => {
    const f = unzipSync(file.ofd);
    const ses = parseSignature(Buffer.from(f["Doc_0/Signs/Sign_0/SignedValue.dat"]));
    expect(ses).toMatchObject({ version: 4, propertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml" });
    const sigXml = onDisk("Signature.xml", f["Doc_0/Signs/Sign_0/Signature.xml"]);
    expect(ses.dataHash.toString("hex")).toBe(
      execFileSync("openssl", ["dgst", "-sm3", "-binary", sigXml]).toString("hex"),
    );
    const cert = onDisk("signer.der", ses.signerCert);
    const pub = onDisk(
      "signer.pub",
      execFileSync("openssl", ["x509", "-inform", "DER", "-in", cert, "-pubkey", "-noout"]),
    );
    const r = spawnSync(
      "openssl",
      [
        "dgst",
        "-sm3",
        "-verify",
        pub,
        "-sigopt",
        ID,
        "-signature",
        onDisk("tbs.sig", ses.signature),
        onDisk("tbs.der", ses.tbsRaw),
      ],
      { encoding: "utf8" },
    );
    expect(r.stdout).toContain("Verified OK");
  });

  it("verifies: every reference, the package and the signature pass", async () => {
    const v = await verifyLicenceOfd(file.ofd, verify);
    expect(v.result).toBe("PASSED");
    expect(v.info.ZZBS).toBe(licence.id);
    expect(v.checks.filter((c) => c.id.startsWith("reference:"))).toHaveLength(7);
    expect(v.checks.every((c) => c.result === "PASSED")).toBe(true);
  });
});

describe("a tampered OFD licence file fails with the check named", () => {
  const failed = async (files: Record<string, Uint8Array>) =>
    (await verifyLicenceOfd(rezip(files), verify)).checks.filter((c) => c.result !== "PASSED").map((c) => c.id);

  it("a changed page: its reference", async () => {
    const f = unzipSync(file.ofd);
    const page = "Doc_0/Pages/Page_0/Content.xml";
    f[page] = strToU8(strFromU8(f[page]).replace(licence.data.CZZT, "另一家公司"));
    expect(await failed(f)).toEqual([`reference:/${page}`]);
  });

  it("a changed page with its reference digest updated: the signature over Signature.xml", async () => {
    const f = unzipSync(file.ofd);
    const page = "Doc_0/Pages/Page_0/Content.xml";
    const sigPath = "Doc_0/Signs/Sign_0/Signature.xml";
    const before = execFileSync("openssl", ["dgst", "-sm3", "-binary", onDisk("p1", f[page])]).toString("base64");
    f[page] = strToU8(strFromU8(f[page]).replace(licence.data.CZZT, "另一家公司"));
    const after = execFileSync("openssl", ["dgst", "-sm3", "-binary", onDisk("p2", f[page])]).toString("base64");
    f[sigPath] = strToU8(strFromU8(f[sigPath]).replace(before, after));
    const v = await verifyLicenceOfd(rezip(f), verify);
    expect(v.checks.filter((c) => c.result !== "PASSED").map((c) => c.id)).toEqual(["signature"]);
    expect(v.seal?.subIndication).toBe("HASH_MISMATCH");
  });

  it("a swapped seal (another organisation's signature value): the signature", async () => {
    const other = seed.enterprises.at(3)!;
    const forged = await makeLicenceOfd(licence, typeOf(licence), sealAs(other), { now: clock.now() });
    const f = unzipSync(file.ofd);
    f["Doc_0/Signs/Sign_0/SignedValue.dat"] = unzipSync(forged.ofd)["Doc_0/Signs/Sign_0/SignedValue.dat"];
    // a valid SES_Signature over the very same Signature.xml, by a seal that is not the issuer's
    expect(await failed(f)).toEqual(["seal.owner"]);
  });

  it("a file added after signing, or a signed file removed: named", async () => {
    const added = unzipSync(file.ofd);
    added["Doc_0/Res/extra.png"] = new Uint8Array([1, 2, 3]);
    expect(await failed(added)).toEqual(["reference:/Doc_0/Res/extra.png"]);
    const removed = unzipSync(file.ofd);
    delete removed["Doc_0/Res/qr.png"];
    expect(await failed(removed)).toEqual(["reference:/Doc_0/Res/qr.png"]);
  });

  it("a zip bomb (65 MiB of zeros in 66 KB) or more than 1,000 entries: the package, refused before unpacking", async () => {
    const bomb = await verifyLicenceOfd(zipSync({ "OFD.xml": new Uint8Array(65 * 1048576) }, { level: 9 }), verify);
    expect(bomb.checks).toEqual([expect.objectContaining({ id: "package", result: "FAILED" })]);
    expect(bomb.checks[0].zh).toContain("64 MiB");
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, new Uint8Array(1)]));
    expect((await verifyLicenceOfd(zipSync(many), verify)).checks[0].en).toContain("more than 1000 files");
  });

  it("not a zip, or a zip without OFD.xml: the package", async () => {
    expect((await verifyLicenceOfd(Buffer.from("%PDF-1.7"), verify)).checks.map((c) => c.id)).toEqual(["package"]);
    expect(await failed({ "a.txt": strToU8("x") })).toEqual(["package"]);
  });

  it("a revoked seal: the signature, with the seal's reason", async () => {
    const own = await makeLicenceOfd(licence, typeOf(licence), sealAs(DRUG_LICENCE_ISSUER), { now: clock.now() });
    const tenant = { ...testTenant, orgCode: DRUG_LICENCE_ISSUER.uscc };
    clock.advance(60_000);
    const revoke = await eseal.handlers.esealRevokeSeal(
      makeInput({ operationId: "esealRevokeSeal", method: "POST", params: { sealCode: own.sealId }, tenant }),
      ctx,
    );
    expect(revoke.status).toBe(200);
    const v = await verifyLicenceOfd(own.ofd, verify);
    expect(v.result).not.toBe("PASSED");
    const sig = v.checks.find((c) => c.id === "signature")!;
    expect(sig.result).not.toBe("PASSED");
    expect(v.seal?.subIndication).toMatch(/REVOKED/);
  });
});
