// The licence file API. Its implementations (licence-pdf.ts, licence-ofd.ts) pull in the PDF, font, QR, zip and XML
// libraries, about half a second of module loading, so they are imported on first use rather than at start-up.
import type { Licence } from "./licences.js";
import type * as Pdf from "./licence-pdf.js";
import type * as Ofd from "./licence-ofd.js";

export type {
  LicenceSealer,
  SealVerification,
  RenderOptions,
  Annotation,
  LicenceFile,
  FileVerification,
} from "./licence-pdf.js";
export type { OfdLicenceFile, OfdCheck } from "./licence-ofd.js";

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

let loadingOfd: Promise<typeof Ofd> | undefined;
const ofd = () => (loadingOfd ??= import("./licence-ofd.js"));

/** The two formats a licence file comes in: OFD (GB/T 33190, what the real platforms hand out) and PDF. */
export type FileFormat = "ofd" | "pdf";
export const FILE_FORMATS: readonly FileFormat[] = ["ofd", "pdf"];
/** The format a request asks for: OFD, what the real platforms hand out, unless PDF is named. */
export const fileFormatOf = (v: unknown): FileFormat =>
  FILE_FORMATS.includes(v as FileFormat) ? (v as FileFormat) : "ofd";

/** An OFD package is a zip (GB/T 33190 §5): its local file header signature. */
export const isOfdBytes = (b: Uint8Array): boolean => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3;

export const makeLicenceOfd: typeof Ofd.makeLicenceOfd = async (...a) => (await ofd()).makeLicenceOfd(...a);
export const readLicenceOfdInfo = async (bytes: Uint8Array) => (await ofd()).readLicenceOfdInfo(bytes);
export const verifyOfdLicenceFile: typeof Ofd.verifyOfdLicenceFile = async (...a) =>
  (await ofd()).verifyOfdLicenceFile(...a);
