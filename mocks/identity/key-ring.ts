// The platform's ES256 signing keys: deterministic from the seed, rotated through the admin API, old keys published
// in JWKS for a grace period so tokens signed before a rotation still verify (facts §8.2).
import { createECDH, createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { PublicJwk } from "./types.js";

/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

export interface RingKey {
  kid: string;
  generation: number;
  publicJwk: PublicJwk;
  /** When it stopped signing (ms), or null while current. */
  retiredAt: number | null;
  /** End of its grace period in JWKS (ms), or null while current. */
  notAfter: number | null;
  /** node:crypto key objects (see jws-es256.ts), created on first use. */
  signKey(): KeyObject;
  verifyKey(): KeyObject;
}

const b64u = (b: Buffer): string => b.toString("base64url");

/** RFC 7638 JWK thumbprint (SHA-256) of an EC public key, used as kid. */
function thumbprint(x: string, y: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ crv: "P-256", kty: "EC", x, y }))
    .digest("base64url");
}

/**
 * Derive generation `g`'s key from the seed: private scalar d = 1 + (SHA-256(seed, purpose, g) mod (n − 1)), so d is
 * always in [1, n−1]; the public point comes from node's ECDH (no extra dependency).
 */
function deriveKey(
  seed: string,
  generation: number,
): { kid: string; publicJwk: PublicJwk; privateJwk: Record<string, string> } {
  const h = createHash("sha256").update(`gatesim\u0000identity-es256\u0000${seed}\u0000${generation}`).digest();
  const d = (BigInt("0x" + h.toString("hex")) % (P256_N - 1n)) + 1n;
  const dBuf = Buffer.from(d.toString(16).padStart(64, "0"), "hex");
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(dBuf);
  const pub = ecdh.getPublicKey(); // 0x04 || X || Y
  const x = b64u(pub.subarray(1, 33));
  const y = b64u(pub.subarray(33, 65));
  const kid = thumbprint(x, y);
  return {
    kid,
    publicJwk: { kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" },
    privateJwk: { kty: "EC", crv: "P-256", x, y, d: b64u(dBuf) },
  };
}

function makeRingKey(seed: string, generation: number): RingKey {
  const { kid, publicJwk, privateJwk } = deriveKey(seed, generation);
  let sign: KeyObject | undefined;
  let verify: KeyObject | undefined;
  return {
    kid,
    generation,
    publicJwk,
    retiredAt: null,
    notAfter: null,
    signKey: () => (sign ??= createPrivateKey({ key: privateJwk, format: "jwk" })),
    verifyKey: () =>
      (verify ??= createPublicKey({ key: { kty: "EC", crv: "P-256", x: publicJwk.x, y: publicJwk.y }, format: "jwk" })),
  };
}

export class KeyRing {
  private keys: RingKey[];

  /** @param graceMs how long a retired key stays in JWKS (default: the access-token lifetime). */
  constructor(
    private readonly seed: string,
    private readonly graceMs: number,
  ) {
    this.keys = [makeRingKey(seed, 0)];
  }

  current(): RingKey {
    return this.keys[this.keys.length - 1];
  }

  /** Retire the current key at `now` and start signing with the next generation. */
  rotate(now: number): { kid: string; retired: string[] } {
    const old = this.current();
    old.retiredAt = now;
    old.notAfter = now + this.graceMs;
    const next = makeRingKey(this.seed, old.generation + 1);
    // Expired keys are remembered (bounded) only to explain "retired key" refusals precisely.
    this.keys = [...this.keys.slice(-15), next];
    return { kid: next.kid, retired: this.keys.filter((k) => k !== next && k.notAfter! > now).map((k) => k.kid) };
  }

  /** The key with this kid if it is current or still in its grace period at `now`. */
  find(kid: string, now: number): RingKey | undefined {
    const k = this.keys.find((x) => x.kid === kid);
    return k && (k.notAfter === null || k.notAfter > now) ? k : undefined;
  }

  /** Was this kid ever ours (to tell "retired" apart from "unknown")? */
  known(kid: string): RingKey | undefined {
    return this.keys.find((x) => x.kid === kid);
  }

  jwks(now: number): { keys: PublicJwk[] } {
    return { keys: this.keys.filter((k) => k.notAfter === null || k.notAfter > now).map((k) => ({ ...k.publicJwk })) };
  }

  list(): RingKey[] {
    return [...this.keys];
  }
}
