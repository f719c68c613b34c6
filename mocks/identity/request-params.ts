// Reading OAuth parameters from a handler input: query and (form or JSON) body, HTTP Basic client credentials,
// bearer tokens and the SSO cookie. Repeated parameters are refused (RFC 6749 §3.1, §3.2).
import type { HandlerInput } from "../shared/types.js";

export interface Param {
  value: string | undefined;
  /** JSON pointer of where it was read, for diagnostics. */
  location: string;
}

function bodyObject(input: HandlerInput): Record<string, unknown> {
  return input.body && typeof input.body === "object" && !Buffer.isBuffer(input.body)
    ? (input.body as Record<string, unknown>)
    : {};
}

/** A parameter from the body (preferred, for POST) or the query. Non-string scalars are stringified. */
export function param(input: HandlerInput, name: string): Param {
  const body = bodyObject(input);
  if (body[name] !== undefined) return { value: scalar(body[name]), location: `/body/${name}` };
  if (input.query[name] !== undefined) return { value: scalar(input.query[name]), location: `/query/${name}` };
  return { value: undefined, location: input.method === "GET" ? `/query/${name}` : `/body/${name}` };
}

function scalar(v: unknown): string | undefined {
  if (Array.isArray(v)) return undefined; // reported by repeatedParams()
  if (v === null || v === undefined) return undefined;
  return typeof v === "string" ? v : String(v);
}

/** Names of parameters sent more than once (forbidden by RFC 6749 §3.1). */
export function repeatedParams(input: HandlerInput): string[] {
  const out: string[] = [];
  for (const src of [input.query, bodyObject(input)])
    for (const [k, v] of Object.entries(src)) if (Array.isArray(v)) out.push(k);
  return out;
}

export function header(input: HandlerInput, name: string): string | undefined {
  const v = input.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** HTTP Basic client credentials (RFC 6749 §2.3.1: id and secret are form-urlencoded before base64). */
export function basicCredentials(
  headers: HandlerInput["headers"],
): { clientId: string; secret: string } | "malformed" | undefined {
  const raw = headers.authorization;
  const h = Array.isArray(raw) ? raw[0] : raw;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 1) return "malformed";
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { clientId: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

/** RFC 6750 §2.1 bearer token from the Authorization header. */
export function bearerToken(headers: HandlerInput["headers"]): string | undefined {
  const raw = headers.authorization;
  const h = Array.isArray(raw) ? raw[0] : raw;
  const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1] : undefined;
}

export const SSO_COOKIE = "gatesim_sso";

/** The SSO session cookie value `<paasid>.<sid>` (the tenant is in it so the logout page knows whose session). */
export function ssoCookie(headers: HandlerInput["headers"]): { paasid: string; sid: string } | undefined {
  const raw = headers.cookie;
  const h = Array.isArray(raw) ? raw.join("; ") : raw;
  if (!h) return undefined;
  for (const part of h.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k !== SSO_COOKIE) continue;
    const v = decodeURIComponent(rest.join("="));
    const dot = v.lastIndexOf(".");
    if (dot > 0) return { paasid: v.slice(0, dot), sid: v.slice(dot + 1) };
  }
  return undefined;
}

export function setSsoCookie(paasid: string, sid: string, maxAgeSec: number): string {
  return `${SSO_COOKIE}=${encodeURIComponent(`${paasid}.${sid}`)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}`;
}

export function clearSsoCookie(): string {
  return `${SSO_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
