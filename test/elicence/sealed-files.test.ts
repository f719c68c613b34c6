// The kept original of an issued licence: only what re-renders it is stored, and what comes back is the sealed file.
import { beforeAll, describe, expect, test } from "vitest";
import { MemoryStore } from "../../mocks/shared/store.js";
import { Clock } from "../../mocks/shared/clock.js";
import { BUILTIN_LICENCE_TYPES } from "../../mocks/elicence/catalogue.js";
import { DRUG_LICENCE_ISSUER, drugLicenceFields } from "./drug-licence.js";
import { createAndIssueLicence, type Licence } from "../../mocks/elicence/licences.js";
import { licenceFileName, renderLicencePdf } from "../../mocks/elicence/licence-file.js";
import { keepOriginal, originalOf, originalOfdOf, type SealedFile } from "../../mocks/elicence/sealed-files.js";
import { makeLicenceOfd } from "../../mocks/elicence/licence-ofd.js";
import { seedLicenceSource } from "../../mocks/elicence/seed-licences.js";
import { createSeed } from "../../mocks/shared/seed/index.js";

const seed = createSeed("sealed-files-test", { persons: 50, enterprises: 20 });
const clock = new Clock();
clock.freeze(Date.parse("2024-05-01T10:00:00+08:00"));
let store: MemoryStore;
let licence: Licence;
let sealed: SealedFile;
const typeOf = (l: Licence) => BUILTIN_LICENCE_TYPES.find((t) => t.code === l.typeCode)!;

beforeAll(async () => {
  store = new MemoryStore(clock);
  ({ licence } = await createAndIssueLicence({ store, seedLicences: seedLicenceSource(seed) }, drugLicenceFields(), {
    now: clock.now(),
    issuer: DRUG_LICENCE_ISSUER,
  }));
  const pdf = Buffer.from(await renderLicencePdf(licence, typeOf(licence), { now: clock.now() }));
  sealed = {
    fileName: licenceFileName(licence),
    pdf,
    signature: Buffer.from("30450221", "hex"),
    sealId: "4405009000001",
    sealName: "汕头市市场监督管理局",
    signedAt: clock.now(),
  };
  await keepOriginal(store, licence, typeOf(licence), sealed);
});

describe("the kept original", () => {
  test("comes back byte for byte as it was sealed, with its signature", async () => {
    const back = await originalOf(store, licence.id);
    expect(back!.pdf.equals(sealed.pdf)).toBe(true);
    expect(back!.signature.equals(sealed.signature)).toBe(true);
    expect(back).toMatchObject({ fileName: sealed.fileName, sealId: sealed.sealId, signedAt: sealed.signedAt });
  });

  test("is stored without the file's bytes (a few KB, not the PDF)", async () => {
    const [record] = await store.list<Record<string, unknown>>("elicence.file");
    expect(JSON.stringify(record).length).toBeLessThan(sealed.pdf.length / 4);
  });

  test("is not changed by later changes to the licence object it was kept from", async () => {
    licence.data.CZZT = "另一家公司";
    const back = await originalOf(store, licence.id);
    expect(back!.pdf.equals(sealed.pdf)).toBe(true);
  });

  test("refuses to hand out a file that would differ from the sealed one", async () => {
    const [record] = await store.list<{ licence: Licence }>("elicence.file");
    record.licence.data.KZ_JYFS = "批发";
    await expect(originalOf(store, licence.id)).rejects.toThrow(/differs from the sealed file/);
  });

  test("is absent for a licence that was never sealed", async () => {
    expect(await originalOf(store, "no-such-licence")).toBeUndefined();
  });
});

describe("the kept OFD original", () => {
  const fakeSeal = async () => ({
    signature: Buffer.from("3046022100ab", "hex"),
    sealId: "4405009000001",
    sealName: "汕头市市场监督管理局",
  });

  test("comes back byte for byte, its SignedValue.dat the kept signature; a changed record is refused", async () => {
    const s = new MemoryStore(clock);
    const { licence: l } = await createAndIssueLicence(
      { store: s, seedLicences: seedLicenceSource(seed) },
      drugLicenceFields(),
      {
        now: clock.now(),
        issuer: DRUG_LICENCE_ISSUER,
      },
    );
    const ofd = await makeLicenceOfd(l, typeOf(l), fakeSeal, { now: clock.now() });
    await keepOriginal(s, l, typeOf(l), { ...sealed, fileName: licenceFileName(l) }, ofd);
    const back = await originalOfdOf(s, l.id);
    expect(back!.ofd.equals(ofd.ofd)).toBe(true);
    expect(back).toMatchObject({ fileName: `${l.id}.ofd`, sealId: "4405009000001", signedAt: clock.now() });
    const [record] = await s.list<{ ofd: { sha256: string } }>("elicence.file");
    await s.put("elicence.file", l.id, { ...record, ofd: { ...record.ofd, sha256: "0".repeat(64) } });
    await expect(originalOfdOf(s, l.id)).rejects.toThrow(/differs from the sealed file/);
  });

  test("is absent from a record kept before OFD files existed", async () => {
    expect(await originalOfdOf(store, licence.id)).toBeUndefined();
  });
});
