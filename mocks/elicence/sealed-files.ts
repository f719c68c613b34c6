// Licence files sealed through the e-seal platform's in-process API (architecture §3): the original sealed at issuance
// and kept by the issuing tenant, and copies made on demand (watermarked downloads, annotated copies).
import { createHash } from "node:crypto";
import type { LicenceFile } from "./licence-file.js";
import type { EsealApi, EsealApiContext } from "../eseal/eseal-api.js";
import type { Store } from "../shared/store.js";
import type { LicenceType } from "./catalogue.js";
import {
  licenceFileName,
  makeLicenceOfd,
  renderLicencePdf,
  type Annotation,
  type FileFormat,
  type OfdLicenceFile,
} from "./licence-file.js";
import type { Licence } from "./licences.js";

const FILE_KIND = "elicence.file";

/** What e-licence uses of the e-seal platform's API. */
export type EsealPort = Pick<EsealApi, "sealDocument" | "verify" | "listSeals">;

/** A rendered licence PDF with the issuer's seal over it (the same shape as licence-file.ts's LicenceFile). */
export type SealedFile = LicenceFile;

/**
 * The kept original, without its bytes: the licence and type as they were rendered, the PDF's SHA-256 and the seal's
 * signature. Rendering is deterministic (RenderOptions.now), so the PDF is rendered again when it is asked for, and
 * the digest proves it is the very file that was sealed. Storing the PDF instead cost ≈ 61 KB of base64 per licence,
 * the largest part of a long-running sandbox's memory (scripts/bench/soak.mjs); this is ≈ 2 KB.
 */
interface StoredFile {
  fileName: string;
  licence: Licence;
  type: Pick<LicenceType, "name" | "items">;
  sha256: string;
  /** base64, so the record stays JSON-serialisable for any Store implementation. */
  signature: string;
  sealId: string;
  sealName: string;
  signedAt: number;
  /** The OFD sealed beside it (absent in records kept before OFD files existed): its SHA-256 and SignedValue.dat. */
  ofd?: { sha256: string; signature: string; sealId: string; sealName: string };
}

/** When, with what printed over it, and by whom (default the issuer) a licence file is sealed. */
export interface SealOptions {
  now: number;
  watermark?: string;
  annotation?: Annotation;
  sealer?: { uscc: string; name: string };
}

/** The organisation whose seal goes on the file: the one asked for, else the licence's issuer. */
const sealerOf = (licence: Licence, opts: SealOptions) =>
  opts.sealer ?? { uscc: licence.issuerCode, name: licence.data.ZZBFJG };

/** Render and seal; `sealer` is the organisation whose seal goes on it (the issuer, or an annotating department). */
export async function sealLicencePdf(
  eseal: EsealPort,
  ctx: EsealApiContext,
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  opts: SealOptions,
): Promise<SealedFile> {
  const pdf = Buffer.from(
    await renderLicencePdf(licence, type, { now: opts.now, watermark: opts.watermark, annotation: opts.annotation }),
  );
  const fileName = licenceFileName(licence);
  const org = sealerOf(licence, opts);
  // orgName lets the e-seal platform make a 法定名称章 for a (synthetic) issuer that is not in the seed.
  const s = await eseal.sealDocument(ctx, org.uscc, pdf, fileName, { orgName: org.name, now: opts.now });
  return { fileName, pdf, signature: s.signature, sealId: s.sealId, sealName: s.sealName, signedAt: opts.now };
}

/** The OFD form of sealLicencePdf: the same layout, watermark and annotation, the seal's SES over Signature.xml. */
export async function sealLicenceOfd(
  eseal: EsealPort,
  ctx: EsealApiContext,
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  opts: SealOptions,
): Promise<OfdLicenceFile> {
  const org = sealerOf(licence, opts);
  return makeLicenceOfd(
    licence,
    type,
    (original, propertyInfo) =>
      eseal.sealDocument(ctx, org.uscc, original, propertyInfo, { orgName: org.name, now: opts.now }),
    opts,
  );
}

/** A licence file in either format, as the sharing services hand it out. */
export interface HandedFile {
  fileFormat: FileFormat;
  fileName: string;
  bytes: Buffer;
  contentType: string;
  /** The SES_Signature: over the PDF's bytes, or over an OFD's Signature.xml (its SignedValue.dat). */
  signature: Buffer;
  sealId: string;
}

const handed = (fileFormat: FileFormat, bytes: Buffer, f: SealedFile | OfdLicenceFile): HandedFile => ({
  fileFormat,
  fileName: f.fileName,
  bytes,
  contentType: `application/${fileFormat}`,
  signature: f.signature,
  sealId: f.sealId,
});
export const handedPdf = (f: SealedFile): HandedFile => handed("pdf", f.pdf, f);
export const handedOfd = (f: OfdLicenceFile): HandedFile => handed("ofd", f.ofd, f);

/** Seal the licence as `format` (OFD unless PDF is asked for). */
export async function sealLicenceFile(
  format: FileFormat,
  ...args: Parameters<typeof sealLicenceOfd>
): Promise<HandedFile> {
  return format === "pdf" ? handedPdf(await sealLicencePdf(...args)) : handedOfd(await sealLicenceOfd(...args));
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Keep what re-renders the originals: `licence` and `type` exactly as `f` (and `ofd`) were rendered from them. */
export async function keepOriginal(
  store: Store,
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  f: SealedFile,
  ofd?: OfdLicenceFile,
): Promise<void> {
  await store.put<StoredFile>(FILE_KIND, licence.id, {
    ...(ofd ? { ofd: ofdRecord(ofd) } : {}),
    fileName: f.fileName,
    licence: structuredClone(licence),
    type: { name: type.name, items: structuredClone(type.items) },
    sha256: sha256(f.pdf),
    signature: f.signature.toString("base64"),
    sealId: f.sealId,
    sealName: f.sealName,
    signedAt: f.signedAt,
  });
}

const ofdRecord = (f: OfdLicenceFile): NonNullable<StoredFile["ofd"]> => ({
  sha256: sha256(f.ofd),
  signature: f.signature.toString("base64"),
  sealId: f.sealId,
  sealName: f.sealName,
});

/** Seal the licence as issued, in both formats at the same instant, and keep both originals. */
export async function sealOriginals(
  eseal: EsealPort,
  ctx: EsealApiContext,
  store: Store,
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  now: number,
): Promise<{ pdf: SealedFile; ofd: OfdLicenceFile }> {
  const [pdf, ofd] = await Promise.all([
    sealLicencePdf(eseal, ctx, licence, type, { now }),
    sealLicenceOfd(eseal, ctx, licence, type, { now }),
  ]);
  await keepOriginal(store, licence, type, pdf, ofd);
  return { pdf, ofd };
}

/**
 * The OFD original, built again from what was kept (its SignedValue.dat is the kept signature; the package is
 * deterministic for the licence and time); undefined when none was kept. Throws when the bytes would differ.
 */
export async function originalOfdOf(store: Store, licenceId: string): Promise<OfdLicenceFile | undefined> {
  const s = await store.get<StoredFile>(FILE_KIND, licenceId);
  if (!s?.ofd) return undefined;
  const kept = s.ofd;
  const signature = Buffer.from(kept.signature, "base64");
  const f = await makeLicenceOfd(
    s.licence,
    s.type,
    async () => ({ signature, sealId: kept.sealId, sealName: kept.sealName }),
    { now: s.signedAt },
  );
  if (sha256(f.ofd) !== kept.sha256)
    throw new Error(`rebuilt OFD original of ${licenceId} differs from the sealed file`);
  return f;
}

/** Add the OFD original to a record kept before OFD files existed (sealed now, from the kept licence). */
export async function keepOfdOriginal(
  eseal: EsealPort,
  ctx: EsealApiContext,
  store: Store,
  licenceId: string,
): Promise<OfdLicenceFile | undefined> {
  const s = await store.get<StoredFile>(FILE_KIND, licenceId);
  if (!s) return undefined;
  const ofd = await sealLicenceOfd(eseal, ctx, s.licence, s.type, { now: s.signedAt });
  await store.put<StoredFile>(FILE_KIND, licenceId, { ...s, ofd: ofdRecord(ofd) });
  return ofd;
}

/** The sealed original, rendered again from what was kept; throws when the bytes would differ from the sealed ones. */
export async function originalOf(store: Store, licenceId: string): Promise<SealedFile | undefined> {
  const s = await store.get<StoredFile>(FILE_KIND, licenceId);
  if (!s) return undefined;
  const pdf = Buffer.from(await renderLicencePdf(s.licence, s.type, { now: s.signedAt }));
  if (sha256(pdf) !== s.sha256) throw new Error(`re-rendered original of ${licenceId} differs from the sealed file`);
  return {
    fileName: s.fileName,
    pdf,
    signature: Buffer.from(s.signature, "base64"),
    sealId: s.sealId,
    sealName: s.sealName,
    signedAt: s.signedAt,
  };
}
