// Object identifiers used by the e-seal structures and the test PKI (facts §3.4; GM/T 0006).

/** SM2 curve / algorithm (GM/T 0006), used as the EC named curve in SubjectPublicKeyInfo. */
export const OID_SM2 = "1.2.156.10197.1.301";
/** SM3 hash. */
export const OID_SM3 = "1.2.156.10197.1.401";
/** SM2 signature with SM3 (SM2-with-SM3), the signature algorithm of certificates, seals and signatures. */
export const OID_SM2_WITH_SM3 = "1.2.156.10197.1.501";
/** id-ecPublicKey (RFC 5480); OpenSSL expects SM2 keys as EC keys on the SM2 curve. */
export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
