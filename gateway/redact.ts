// Secrets never reach logs, the journal or error bodies: one place decides what is a secret.
import { withoutUrlPassword } from "../mocks/shared/outbound.js";

const SECRET_KEY = /(secret|password|passwd|token|authorization|cookie|private|credential|paastoken|x-tif-passtoken)/i;
const TOKEN_VALUE = /^(Bearer|Basic)\s+/i;

export const REDACTED = "[REDACTED]";

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Redact a single value seen at a JSON-pointer location. */
export function redactValue(location: string, value: unknown): unknown {
  const last = location.split("/").pop() ?? "";
  if (isSecretKey(last) && value !== undefined && value !== null && value !== "") return REDACTED;
  if (typeof value === "string" && TOKEN_VALUE.test(value)) return REDACTED;
  return typeof value === "string" ? withoutUrlPassword(value) : value;
}

/** A deep copy with secret-looking keys redacted; strings longer than maxString are truncated. */
export function redactDeep(value: unknown, maxString = 2048, depth = 0): unknown {
  if (depth > 12) return "[…]";
  if (typeof value === "string") {
    if (TOKEN_VALUE.test(value)) return REDACTED; // a credential whatever the key it is under
    const v = withoutUrlPassword(value);
    return v.length > maxString ? `${v.slice(0, maxString)}…[${v.length} chars]` : v;
  }
  if (Array.isArray(value)) {
    const out = value.slice(0, 200).map((v) => redactDeep(v, maxString, depth + 1));
    if (value.length > 200) out.push(`…[${value.length} items]`);
    return out;
  }
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value)) return `[binary ${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = isSecretKey(k) && v !== "" && v != null ? REDACTED : redactDeep(v, maxString, depth + 1);
  return out;
}

/** Redact secrets in a URL's query string (e.g. ?access_token=…&client_secret=…). */
export function redactUrl(url: string): string {
  const i = url.indexOf("?");
  if (i === -1) return url;
  const params = new URLSearchParams(url.slice(i + 1));
  let changed = false;
  for (const k of [...params.keys()])
    if (isSecretKey(k) || k === "code") {
      params.set(k, REDACTED);
      changed = true;
    }
  return changed ? `${url.slice(0, i)}?${params.toString()}` : url;
}

/**
 * Whether JSON text may hold something redaction would change: a secret-looking word anywhere (key or value), a
 * string starting Bearer/Basic, a URL with a password, or a \u escape (which could spell any of those). Conservative:
 * false means redactDeep of the parsed text leaves every key and string as it is.
 */
export function mayHoldSecret(jsonText: string): boolean {
  return (
    SECRET_KEY.test(jsonText) ||
    /"(?:bearer|basic)/i.test(jsonText) ||
    /[a-z][a-z0-9+.-]*:\/\/[^/?#@\s"]*:[^/?#@\s"]*@/i.test(jsonText) ||
    jsonText.includes("\\u")
  );
}
