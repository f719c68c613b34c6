// Licence files sealed through the e-seal platform's in-process API (architecture §3): the original sealed at issuance
// and kept by the issuing tenant, and copies made on demand (watermarked downloads, annotated copies).
import type { LicenceFile } from "./licence-file.js";
import type { EsealApi, EsealApiContext } from "../eseal/eseal-api.js";
import type { Store } from "../shared/store.js";
import type { LicenceType } from "./catalogue.js";
import { licenceFileName, renderLicencePdf, type Annotation } from "./licence-file.js";
import type { Licence } from "./licences.js";

const FILE_KIND = "elicence.file";

/** What e-licence uses of the e-seal platform's API. */
export type EsealPort = Pick<EsealApi, "sealDocument" | "verify" | "listSeals">;

/** A rendered licence PDF with the issuer's seal over it (the same shape as licence-file.ts's LicenceFile). */
export type SealedFile = LicenceFile;

interface StoredFile {
  fileName: string;
  /** base64, so the record stays JSON-serialisable for any Store implementation. */
  pdf: string;
  signature: string;
  sealId: string;
  sealName: string;
  signedAt: number;
}

/** Render and seal; `sealer` is the organisation whose seal goes on it (the issuer, or an annotating department). */
export async function sealLicencePdf(
  eseal: EsealPort,
  ctx: EsealApiContext,
  licence: Licence,
  type: Pick<LicenceType, "name" | "items">,
  opts: { now: number; watermark?: string; annotation?: Annotation; sealer?: { uscc: string; name: string } },
): Promise<SealedFile> {
  const pdf = Buffer.from(
    await renderLicencePdf(licence, type, { now: opts.now, watermark: opts.watermark, annotation: opts.annotation }),
  );
  const fileName = licenceFileName(licence);
  const org = opts.sealer ?? { uscc: licence.issuerCode, name: licence.data.ZZBFJG };
  // orgName lets the e-seal platform make a 法定名称章 for a (synthetic) issuer that is not in the seed.
  const s = await eseal.sealDocument(ctx, org.uscc, pdf, fileName, { orgName: org.name, now: opts.now });
  return { fileName, pdf, signature: s.signature, sealId: s.sealId, sealName: s.sealName, signedAt: opts.now };
}

export async function keepOriginal(store: Store, licenceId: string, f: SealedFile): Promise<void> {
  await store.put<StoredFile>(FILE_KIND, licenceId, {
    fileName: f.fileName,
    pdf: f.pdf.toString("base64"),
    signature: f.signature.toString("base64"),
    sealId: f.sealId,
    sealName: f.sealName,
    signedAt: f.signedAt,
  });
}

export async function originalOf(store: Store, licenceId: string): Promise<SealedFile | undefined> {
  const s = await store.get<StoredFile>(FILE_KIND, licenceId);
  return s && { ...s, pdf: Buffer.from(s.pdf, "base64"), signature: Buffer.from(s.signature, "base64") };
}
