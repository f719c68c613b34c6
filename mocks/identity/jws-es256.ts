// ES256 compact JWS (RFC 7515 §7.1, RFC 7518 §3.4) with node:crypto, signed and verified on libuv's thread pool so the
// event loop keeps serving requests — WebCrypto (through jose) cost the token endpoint a third of its throughput
// (scripts/bench/identity-http.mjs). Tokens stay standard: jose and openid-client verify them in the tests.
import { sign, verify, type KeyObject } from "node:crypto";

const b64json = (o: unknown): string => Buffer.from(JSON.stringify(o), "utf8").toString("base64url");
const B64URL = /^[A-Za-z0-9_-]+$/;

/** `BASE64URL(header).BASE64URL(payload).BASE64URL(r ‖ s)` with alg ES256 (P-256, SHA-256, IEEE P1363 signature). */
export function signEs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): Promise<string> {
  const input = `${b64json({ alg: "ES256", ...header })}.${b64json(payload)}`;
  return new Promise((resolve, reject) =>
    sign("sha256", Buffer.from(input, "ascii"), { key, dsaEncoding: "ieee-p1363" }, (err, sig) =>
      err ? reject(err) : resolve(`${input}.${sig.toString("base64url")}`),
    ),
  );
}

/**
 * Whether the compact JWS carries a valid ES256 signature by `key`. Only the canonical form is accepted: three
 * non-empty base64url parts and a 64-byte signature whose encoding round-trips (no padding, no stray characters that
 * a lenient decoder would skip), so a token cannot be altered without breaking it.
 */
export function verifyEs256(token: string, key: KeyObject): Promise<boolean> {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return Promise.resolve(false);
  const sig = Buffer.from(parts[2], "base64url");
  if (sig.length !== 64 || sig.toString("base64url") !== parts[2]) return Promise.resolve(false);
  const input = Buffer.from(`${parts[0]}.${parts[1]}`, "ascii");
  return new Promise((resolve) =>
    verify("sha256", input, { key, dsaEncoding: "ieee-p1363" }, sig, (err, ok) => resolve(!err && ok)),
  );
}
