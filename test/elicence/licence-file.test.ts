// The licence file: a PDF that opens, shows the licence, carries a QR code of the identifier, and verifies with its seal.
import { commandWorks, requireTool } from "../system-tool.js";
import { beforeEach, describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { PNG } from "pngjs";
import jsQRModule from "jsqr";
import { MemoryStore } from "../../mocks/shared/store.js";
import { Clock } from "../../mocks/shared/clock.js";
import { BUILTIN_LICENCE_TYPES } from "../../mocks/elicence/catalogue.js";
import {
  createAndIssueLicence,
  modifyLicence,
  revokeLicence,
  suspendLicence,
  type Licence,
  type LicenceEnv,
} from "../../mocks/elicence/licences.js";
import {
  makeLicenceFile,
  readLicenceFileInfo,
  renderLicencePdf,
  verifyLicenceFile,
} from "../../mocks/elicence/licence-file.js";
import { seedLicenceSource } from "../../mocks/elicence/seed-licences.js";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { fakeSealer, type FakeSealer } from "./fake-sealer.js";
import { DRUG_LICENCE_ISSUER, drugLicenceFields } from "./drug-licence.js";

const ISSUER = DRUG_LICENCE_ISSUER;
const typeOf = (l: Licence) => BUILTIN_LICENCE_TYPES.find((t) => t.code === l.typeCode)!;

requireTool(commandWorks("pdftoppm", ["-v"]), "pdftoppm (renders the PDF to decode its QR code)", "poppler-utils");

/** Render page 1 at 150 dpi with poppler and decode the QR code found on it. */
function renderAndDecode(pdf: Uint8Array): { qr: string | undefined; width: number; height: number; png: string } {
  const dir = mkdtempSync(join(tmpdir(), "elicence-"));
  try {
    writeFileSync(join(dir, "l.pdf"), pdf);
    execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", join(dir, "l.pdf"), join(dir, "page")]);
    const buf = readFileSync(join(dir, "page.png"));
    const png = PNG.sync.read(buf);
    const code = jsQR(
      new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
      png.width,
      png.height,
    );
    const keep = join(tmpdir(), `elicence-last-render.png`);
    writeFileSync(keep, buf);
    return { qr: code?.data, width: png.width, height: png.height, png: keep };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The characters of `text` that no font embedded in the PDF (its FontFile2 streams) has a glyph for. */
async function glyphlessChars(pdf: Uint8Array, text: string): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  const fonts = doc.context
    .enumerateIndirectObjects()
    .map(([, o]) => o)
    .filter((o): o is PDFDict => o instanceof PDFDict && o.has(PDFName.of("FontFile2")))
    .map((d) => doc.context.lookup(d.get(PDFName.of("FontFile2"))) as PDFRawStream)
    .map((s) => fontkit.create(Buffer.from(decodePDFRawStream(s).decode())) as unknown as CharMap);
  expect(fonts.length).toBeGreaterThan(0);
  return [...text].filter((ch) => !fonts.some((f) => f.hasGlyphForCodePoint(ch.codePointAt(0)!)));
}
type CharMap = { hasGlyphForCodePoint(c: number): boolean };

// jsqr is CommonJS with an ES-style default export: take whichever shape the loader hands us.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ??
  jsQRModule) as unknown as typeof import("jsqr").default;

const seed = createSeed("elicence-test", { persons: 200, enterprises: 100 });
let clock: Clock;
let env: LicenceEnv;
let sealer: FakeSealer;
let licence: Licence;
beforeEach(async () => {
  clock = new Clock();
  clock.freeze(Date.parse("2024-05-01T10:00:00+08:00"));
  env = { store: new MemoryStore(clock), seedLicences: seedLicenceSource(seed) };
  sealer = fakeSealer();
  ({ licence } = await createAndIssueLicence(
    env,
    drugLicenceFields("中药饮片、中成药、化学药制剂、抗生素制剂、生化药品、生物制品（除疫苗）"),
    { now: clock.now(), issuer: ISSUER },
  ));
});

describe("the PDF", () => {
  test("parses, is one A4 page, small, and carries the GB/T 36903 metadata", async () => {
    const pdf = await renderLicencePdf(licence, typeOf(licence), { now: clock.now() });
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe("药品经营许可证");
    expect(doc.getSubject()).toBe(licence.id);
    expect(pdf.length).toBeLessThan(200_000);
    const info = await readLicenceFileInfo(pdf);
    expect(info).toMatchObject({
      ZZBS: licence.id,
      ZZMC: "药品经营许可证",
      CZZT: "汕头市龙湖区示例贸易有限公司",
      KZ_JYFS: "零售",
      ZZYXQJZRQ: "2029-04-30",
    });
  });

  test("the same licence at the same time renders to the same bytes", async () => {
    const a = await renderLicencePdf(licence, typeOf(licence), { now: clock.now() });
    const b = await renderLicencePdf(licence, typeOf(licence), { now: clock.now() });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test("renders with poppler and its QR code decodes to the identifier", async () => {
    const pdf = await renderLicencePdf(licence, typeOf(licence), { now: clock.now() });
    const r = renderAndDecode(pdf);
    expect(r.height).toBe(1754);
    expect(r.qr).toBe(licence.id);
  });

  test("with a useCause watermark the QR code still decodes", async () => {
    const pdf = await renderLicencePdf(licence, typeOf(licence), {
      now: clock.now(),
      watermark: "办理药品零售企业变更登记核验",
    });
    expect((await readLicenceFileInfo(pdf)).YZSY).toBe("办理药品零售企业变更登记核验");
    expect(renderAndDecode(pdf).qr).toBe(licence.id);
  });

  // The fonts come in two layers (font-subset.ts): a core cut at build time, the full font for anything else.
  test.each([
    ["in the core font (GB 2312)", "汕头市龙湖区示例贸易有限公司"],
    ["outside the core font (珺 is GBK, not GB 2312)", "汕头市珺悦贸易有限公司"],
  ])("a holder name %s prints as text", async (_, name) => {
    const { licence: l } = await createAndIssueLicence(
      env,
      { ...drugLicenceFields(), CZZT: name },
      { now: clock.now(), issuer: ISSUER },
    );
    const pdf = await renderLicencePdf(l, typeOf(l), { now: clock.now() });
    const text = execFileSync("pdftotext", ["-", "-"], { input: pdf }).toString("utf8");
    expect(text.replace(/\s+/g, "")).toContain(name);
    // …and with its own glyphs: the text layer alone would read back even if a glyph were missing (.notdef)
    const missing = await glyphlessChars(pdf, name);
    expect(missing).toEqual([]);
  });

  test("a seeded person's licence renders and decodes too", async () => {
    const src = seedLicenceSource(seed);
    let i = 0;
    while (!src.byHolder("111", seed.persons.at(i)!.idNumber).length) i++;
    const l = src.byHolder("111", seed.persons.at(i)!.idNumber)[0];
    const pdf = await renderLicencePdf(l, typeOf(l), { now: clock.now() });
    expect(renderAndDecode(pdf).qr).toBe(l.id);
  });
});

describe("sealing and verification", () => {
  test("the file is sealed by the issuer's organisation, named after the identifier, and verifies", async () => {
    const file = await makeLicenceFile(licence, typeOf(licence), sealer, { now: clock.now() });
    expect(file.fileName).toBe(`${licence.id}.pdf`);
    expect(sealer.calls).toEqual([{ orgUscc: ISSUER.uscc, propertyInfo: file.fileName }]);
    const v = await verifyLicenceFile(env, file, sealer, { now: clock.now() });
    expect(v).toMatchObject({ result: "PASSED", resultCode: 0, licenceId: licence.id });
  });

  test("revoking the licence turns verification into a failure with the reason (21)", async () => {
    const file = await makeLicenceFile(licence, typeOf(licence), sealer, { now: clock.now() });
    await revokeLicence(env, licence.id, { now: clock.now(), reason: "许可被撤销" });
    const v = await verifyLicenceFile(env, file, sealer, { now: clock.now() });
    expect(v).toMatchObject({ result: "FAILED", resultCode: 21 });
    expect(v.zh).toMatch(/撤销：许可被撤销/);
    expect(v.seal.result).toBe("PASSED");
  });

  test("revoking the seal turns verification into a failure naming the seal check", async () => {
    const file = await makeLicenceFile(licence, typeOf(licence), sealer, { now: clock.now() });
    sealer.revokeSeal(ISSUER.uscc);
    const v = await verifyLicenceFile(env, file, sealer, { now: clock.now() });
    expect(v).toMatchObject({ result: "FAILED", resultCode: 101 });
    expect(v.zh).toMatch(/电子印章验证失败：印章已撤销/);
  });

  test("expired, withheld, superseded and tampered files fail with their own reasons", async () => {
    const file = await makeLicenceFile(licence, typeOf(licence), sealer, { now: clock.now() });
    await suspendLicence(env, licence.id, { now: clock.now() });
    expect((await verifyLicenceFile(env, file, sealer, { now: clock.now() })).resultCode).toBe(23);
    expect(
      (await verifyLicenceFile(env, file, sealer, { now: Date.parse("2029-05-01T00:00:00+08:00") })).resultCode,
    ).toBe(22);

    const tampered = Buffer.from(file.pdf);
    tampered[tampered.length - 200] ^= 1;
    const t = await verifyLicenceFile(env, { pdf: tampered, signature: file.signature }, sealer, { now: clock.now() });
    expect(t.result).toBe("FAILED");
    expect(t.en).toMatch(/digest mismatch/);
  });

  test("a file of a changed licence fails and names the current version", async () => {
    const file = await makeLicenceFile(licence, typeOf(licence), sealer, { now: clock.now() });
    const { licence: v2 } = await modifyLicence(
      env,
      licence.id,
      { KZ_CKDZ: "汕头市金平区新仓库1号" },
      { now: clock.now() },
    );
    const v = await verifyLicenceFile(env, file, sealer, { now: clock.now() });
    expect(v).toMatchObject({ result: "FAILED", resultCode: 21 });
    expect(v.zh).toContain(v2.id);
    const file2 = await makeLicenceFile(v2, typeOf(v2), sealer, { now: clock.now() });
    expect((await verifyLicenceFile(env, file2, sealer, { now: clock.now() })).result).toBe("PASSED");
  });
});
