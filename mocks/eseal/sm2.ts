// SM2 digital signatures (GB/T 32918.2-2016, GM/T 0009-2012) on @noble/curves' Weierstrass arithmetic, with SM3.
// Node's crypto.sign() on an SM2-curve key computes ECDSA, not SM2, so the SM2 equations are applied here.
import { weierstrassN, type WeierstrassPoint } from "@noble/curves/abstract/weierstrass";
import { bytesToNumberBE, createHmacDrbg, numberToBytesBE } from "@noble/curves/utils";
import * as asn1js from "asn1js";
import { hmacSm3, sm3 } from "./sm3.js";

/** Recommended SM2 curve parameters (GB/T 32918.5-2017). */
const CURVE: { p: bigint; a: bigint; b: bigint; n: bigint; h: bigint; Gx: bigint; Gy: bigint } = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

export const Sm2Point = weierstrassN(CURVE);
type Point = WeierstrassPoint<bigint>;
const N = CURVE.n;
const G = Sm2Point.BASE;
G.precompute(8);

/** GM/T 0009-2012 §10: default signer identity when none is agreed. */
export const DEFAULT_SM2_ID = "1234567812345678";

/** Plain-data key pair: private key as 64 hex digits, public key as uncompressed point hex ("04" + x + y). */
export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

const mod = (a: bigint): bigint => ((a % N) + N) % N;
const hex32 = (v: bigint): string => v.toString(16).padStart(64, "0");

function invN(a: bigint): bigint {
  // Extended Euclid; n is prime so every non-zero a has an inverse.
  let [r0, r1, s0, s1] = [mod(a), N, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/**
 * Key pair derived deterministically from a label (seed + purpose): d = HMAC-SM3 stream reduced into [1, n-2]
 * (n-1 is excluded because signing needs (1+d)^-1, GB/T 32918.2 §6.1).
 */
export function deriveSm2KeyPair(label: string): Sm2KeyPair {
  const key = Buffer.from(label, "utf8");
  for (let ctr = 0; ; ctr++) {
    const c = Buffer.from([ctr >>> 24, ctr >>> 16, ctr >>> 8, ctr].map((x) => x & 0xff));
    const d =
      bytesToNumberBE(Buffer.concat([hmacSm3(key, c, Buffer.from([0])), hmacSm3(key, c, Buffer.from([1]))])) % N;
    if (d >= 1n && d <= N - 2n) return keyPairFromPrivate(hex32(d));
  }
}

export function keyPairFromPrivate(privateKeyHex: string): Sm2KeyPair {
  const d = BigInt("0x" + privateKeyHex);
  return { privateKey: hex32(d), publicKey: G.multiply(d).toHex(false) };
}

// Public points are decoded (and for hot keys precomputed) once; a small bounded cache keeps verification fast.
const pointCache = new Map<string, { point: Point; uses: number }>();
const POINT_CACHE_MAX = 512;

function publicPoint(publicKeyHex: string): Point {
  const hit = pointCache.get(publicKeyHex);
  if (hit) {
    // A key seen repeatedly (root CA, seal maker, a busy organisation) earns a precomputed window table.
    if (++hit.uses === 3) hit.point.precompute(4);
    return hit.point;
  }
  const point = Sm2Point.fromHex(publicKeyHex);
  point.assertValidity();
  if (pointCache.size >= POINT_CACHE_MAX) pointCache.delete(pointCache.keys().next().value as string);
  pointCache.set(publicKeyHex, { point, uses: 1 });
  return point;
}

/** Whether a hex string is a valid uncompressed/compressed SM2 public point. */
export function isValidPublicKey(publicKeyHex: string): boolean {
  try {
    publicPoint(publicKeyHex);
    return true;
  } catch {
    return false;
  }
}

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) — GB/T 32918.2 §5.5. */
export function sm2Z(publicKeyHex: string, userId: string = DEFAULT_SM2_ID): Buffer {
  const id = Buffer.from(userId, "utf8");
  const entl = id.length * 8;
  const P = publicPoint(publicKeyHex).toAffine();
  return sm3(
    Buffer.from([(entl >>> 8) & 0xff, entl & 0xff]),
    id,
    numberToBytesBE(CURVE.a, 32),
    numberToBytesBE(CURVE.b, 32),
    numberToBytesBE(CURVE.Gx, 32),
    numberToBytesBE(CURVE.Gy, 32),
    numberToBytesBE(P.x, 32),
    numberToBytesBE(P.y, 32),
  );
}

/** e = SM3(Z_A ‖ M), the value SM2 actually signs. */
export function sm2Digest(message: Uint8Array, publicKeyHex: string, userId?: string): Buffer {
  return sm3(sm2Z(publicKeyHex, userId), message);
}

export interface Sm2Signature {
  r: bigint;
  s: bigint;
}

// RFC 6979-style HMAC-DRBG over HMAC-SM3 gives a deterministic k, so the same seed yields byte-identical certificates.
const drbg = createHmacDrbg<Sm2Signature>(32, 32, (key, ...msgs) => hmacSm3(key, ...msgs));

/** SM2 signature over message M (hashed with Z_A inside), GB/T 32918.2 §6.1. */
export function sm2Sign(message: Uint8Array, keys: Sm2KeyPair, userId?: string): Sm2Signature {
  const d = BigInt("0x" + keys.privateKey);
  const e = bytesToNumberBE(sm2Digest(message, keys.publicKey, userId));
  const dInv = invN(1n + d);
  const seed = Buffer.concat([numberToBytesBE(d, 32), numberToBytesBE(mod(e), 32)]);
  return drbg(seed, (kBytes) => {
    const k = bytesToNumberBE(kBytes);
    if (k < 1n || k >= N) return undefined;
    const x1 = G.multiply(k).toAffine().x;
    const r = mod(e + x1);
    if (r === 0n || r + k === N) return undefined;
    const s = mod(dInv * (k - r * d));
    if (s === 0n) return undefined;
    return { r, s };
  });
}

/** SM2 verification, GB/T 32918.2 §7.1. Never throws: malformed keys or values give false. */
export function sm2Verify(message: Uint8Array, sig: Sm2Signature, publicKeyHex: string, userId?: string): boolean {
  try {
    const { r, s } = sig;
    if (r < 1n || r >= N || s < 1n || s >= N) return false;
    const t = mod(r + s);
    if (t === 0n) return false;
    const P = publicPoint(publicKeyHex);
    const e = bytesToNumberBE(sm2Digest(message, publicKeyHex, userId));
    const X = G.multiplyUnsafe(s).add(P.multiplyUnsafe(t));
    if (X.is0()) return false;
    return mod(e + X.toAffine().x) === r;
  } catch {
    return false;
  }
}

/** GM/T 0009 §7.3 signature encoding: DER SEQUENCE { r INTEGER, s INTEGER }. */
export function encodeSm2SignatureDer(sig: Sm2Signature): Buffer {
  const seq = new asn1js.Sequence({ value: [asn1js.Integer.fromBigInt(sig.r), asn1js.Integer.fromBigInt(sig.s)] });
  return Buffer.from(seq.toBER(false));
}

/** Raw 64-byte r ‖ s encoding (seen in the wild; facts §3.4). */
export function encodeSm2SignatureRaw(sig: Sm2Signature): Buffer {
  return Buffer.concat([numberToBytesBE(sig.r, 32), numberToBytesBE(sig.s, 32)]);
}

/**
 * Decodes either encoding (facts §8.3: the verifier accepts DER SEQUENCE{r,s} and raw r‖s). Returns the form seen,
 * or null when the bytes are neither.
 */
export function decodeSm2Signature(bytes: Uint8Array): (Sm2Signature & { form: "der" | "raw" }) | null {
  if (bytes.length > 0 && bytes[0] === 0x30) {
    const parsed = asn1js.fromBER(bytes, { parseEmbedded: false });
    const seq = parsed.result;
    if (parsed.offset === bytes.length && seq instanceof asn1js.Sequence && seq.valueBlock.value.length === 2) {
      const [r, s] = seq.valueBlock.value;
      if (r instanceof asn1js.Integer && s instanceof asn1js.Integer) {
        return { r: r.toBigInt(), s: s.toBigInt(), form: "der" };
      }
    }
  }
  if (bytes.length === 64) {
    return { r: bytesToNumberBE(bytes.subarray(0, 32)), s: bytesToNumberBE(bytes.subarray(32)), form: "raw" };
  }
  return null;
}
