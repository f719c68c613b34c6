// x-tif signatures: client → gateway (facts §1.3) and gateway → department backend with user context (facts §1.5).
import { hash, timingSafeEqual } from "node:crypto";

/** hex(SHA-256(timestamp + paasToken + nonce + timestamp)), lower case (facts §1.3). */
export function tifSign(timestamp: string, paasToken: string, nonce: string): string {
  // crypto.hash (one-shot, Node ≥ 20.12): half the cost of createHash().update().digest() on every signed call
  return hash("sha256", timestamp + paasToken + nonce + timestamp, "hex");
}

/**
 * Gateway → backend signature (tifgo AuthSign, facts §1.5), UPPER-case hex. With a user id the data is
 * ts + token + nonce + "," + uid + "," + uinfo + "," + ext + ts; without, the client formula.
 */
export function tifSignUser(
  timestamp: string,
  paasToken: string,
  nonce: string,
  uid = "",
  uinfo = "",
  ext = "",
): string {
  const data = uid
    ? `${timestamp}${paasToken}${nonce},${uid},${uinfo},${ext}${timestamp}`
    : timestamp + paasToken + nonce + timestamp;
  return hash("sha256", data, "hex").toUpperCase();
}

/** Headers a gateway sends to a department backend (facts §1.5), ready to merge into a request. */
export function tifBackendHeaders(
  paasToken: string,
  user: { uid?: string; uinfo?: string; ext?: string },
  now: number,
  nonce: string,
): Record<string, string> {
  const ts = String(Math.floor(now / 1000));
  const h: Record<string, string> = {
    "x-tif-timestamp": ts,
    "x-tif-nonce": nonce,
    "x-tif-signature": tifSignUser(ts, paasToken, nonce, user.uid, user.uinfo, user.ext),
  };
  if (user.uid)
    Object.assign(h, { "x-tif-uid": user.uid, "x-tif-uinfo": user.uinfo ?? "", "x-tif-ext": user.ext ?? "" });
  return h;
}

/** Verify a backend-side signature as a department backend would (tifgo: upper-case compare, ±180 s). */
export function verifyTifBackendSignature(
  headers: Record<string, string | undefined>,
  paasToken: string,
  nowSeconds: number,
  windowSeconds = 180,
): boolean {
  const ts = headers["x-tif-timestamp"] ?? "";
  const nonce = headers["x-tif-nonce"] ?? "";
  const sig = headers["x-tif-signature"] ?? "";
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > windowSeconds) return false;
  const want = tifSignUser(
    ts,
    paasToken,
    nonce,
    headers["x-tif-uid"] ?? "",
    headers["x-tif-uinfo"] ?? "",
    headers["x-tif-ext"] ?? "",
  );
  return safeEqual(want, sig);
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a),
    bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The nonce generator most Guangdong clients copy: hex(ms) + "-" + hex(random 24 bits) (facts §1.2). */
export function makeNonce(nowMs: number = Date.now()): string {
  return `${nowMs.toString(16)}-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
}

/** Everything a client puts on a signed call. */
export function signedHeaders(
  paasid: string,
  paasToken: string,
  opts: { now?: number; nonce?: string; serviceId?: string; upper?: boolean } = {},
): Record<string, string> {
  const now = opts.now ?? Date.now();
  const ts = String(Math.floor(now / 1000));
  const nonce = opts.nonce ?? makeNonce(now);
  const sig = tifSign(ts, paasToken, nonce);
  const h: Record<string, string> = {
    "x-tif-paasid": paasid,
    "x-tif-timestamp": ts,
    "x-tif-nonce": nonce,
    "x-tif-signature": opts.upper ? sig.toUpperCase() : sig,
  };
  if (opts.serviceId) h["x-tif-serviceId"] = opts.serviceId;
  return h;
}
