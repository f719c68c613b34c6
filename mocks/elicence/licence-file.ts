// The licence file API. Its implementation (licence-pdf.ts) pulls in the PDF, font and QR libraries, about half a
// second of module loading, so it is imported on first use rather than at start-up.
import type { Licence } from "./licences.js";
import type * as Pdf from "./licence-pdf.js";

export type {
  LicenceSealer,
  SealVerification,
  RenderOptions,
  Annotation,
  LicenceFile,
  FileVerification,
} from "./licence-pdf.js";

let loading: Promise<typeof Pdf> | undefined;
const pdf = () => (loading ??= import("./licence-pdf.js"));

/** The file name of a licence file: its identifier, as real OFD licence files are named (facts §4.2). */
export function licenceFileName(l: Licence): string {
  return `${l.id}.pdf`;
}

export const renderLicencePdf: typeof Pdf.renderLicencePdf = async (...a) => (await pdf()).renderLicencePdf(...a);
export const makeLicenceFile: typeof Pdf.makeLicenceFile = async (...a) => (await pdf()).makeLicenceFile(...a);
export const readLicenceFileInfo: typeof Pdf.readLicenceFileInfo = async (...a) =>
  (await pdf()).readLicenceFileInfo(...a);
export const verifyLicenceFile: typeof Pdf.verifyLicenceFile = async (...a) => (await pdf()).verifyLicenceFile(...a);
