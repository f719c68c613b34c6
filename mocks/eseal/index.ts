// The e-seal platform core, framework-free: SM2/SM3, test PKI, GB/T 38540 seals and signatures, verification.
export { createSealService } from "./seal-service.js";
export type {
  SealService,
  SealServiceOptions,
  SealServiceState,
  SealRecord,
  SealState,
  MakeSealParams,
  SignParams,
  SignResult,
} from "./seal-service.js";
export { EsealError, type EsealErrorCode } from "./errors.js";
export { DEFAULT_SEAL_TYPES, type SealType } from "./seal-type-codes.js";
export { createTestPki, TestPki, ROOT_CA_NAME, SEAL_MAKER_NAME } from "./test-pki.js";
export type { OrgRef, Credential, PkiState, Revocation, TestPkiOptions } from "./test-pki.js";
export { verifySignature, type SealStatus, type VerifyOptions } from "./verify-signature.js";
export {
  summarise,
  type VerificationReport,
  type CheckResult,
  type CheckId,
  type Indication,
  type SubIndication,
} from "./verification-report.js";
export { parseSeal, parseSignature, SesFormatError, type ParsedSeal, type ParsedSignature } from "./ses-parse.js";
export {
  buildSealInfoV4,
  buildSealV4,
  buildTbsSignV4,
  buildSignatureV4,
  buildSealInfoV1,
  buildSealV1,
  buildSignatureV1,
  sealSignedDataV1,
  type SealInfoParams,
  type SealPicture,
  type TbsSignParams,
  type Deviations,
} from "./ses-build.js";
export { renderSealSvg, type SealPictureOptions } from "./seal-picture.js";
export {
  issueCertificate,
  parseCertificate,
  verifyCertificateSignature,
  toPem,
  fromPem,
  type CertificateInfo,
} from "./certificate.js";
export {
  DEFAULT_SM2_ID,
  deriveSm2KeyPair,
  keyPairFromPrivate,
  sm2Sign,
  sm2Verify,
  sm2Z,
  encodeSm2SignatureDer,
  encodeSm2SignatureRaw,
  decodeSm2Signature,
  type Sm2KeyPair,
  type Sm2Signature,
} from "./sm2.js";
export { sm3, hmacSm3 } from "./sm3.js";
export { OID_SM2, OID_SM3, OID_SM2_WITH_SM3, OID_EC_PUBLIC_KEY } from "./oids.js";
