// SM3 hash (GB/T 32905-2016) and HMAC-SM3 through Node's built-in OpenSSL, which ships SM3.
import { createHash, createHmac } from "node:crypto";

/** SM3 digest (32 bytes) of the concatenation of the given parts. */
export function sm3(...parts: Uint8Array[]): Buffer {
  const h = createHash("sm3");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** HMAC-SM3 (RFC 2104 over SM3); used to derive keys and deterministic nonces from the seed. */
export function hmacSm3(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac("sm3", key);
  for (const p of parts) h.update(p);
  return h.digest();
}
