// Per-tenant access state of the sharing services: sessions (login), per-type permissions, one-time download tickets
// (facts §4.5: temporary, one-time URLs) — all in the tenant's own store, timed by its virtual clock.
import { randomBytes } from "node:crypto";
import type { Store } from "../shared/store.js";

const SESSION_KIND = "elicence.session";
const PERMISSION_KIND = "elicence.permission";
const TICKET_KIND = "elicence.ticket";

// ---------------------------------------------------------------------------------------------------------------
// Sessions (D1593589959893 登录, facts §4.5: the login answers an access_token).

export interface Session {
  token: string;
  paasid: string;
  createdAt: number;
  expiresAt: number;
}

export async function openSession(store: Store, paasid: string, now: number, ttlSeconds: number): Promise<Session> {
  const s: Session = {
    token: "els_" + randomBytes(16).toString("hex"),
    paasid,
    createdAt: now,
    expiresAt: now + ttlSeconds * 1000,
  };
  await store.put(SESSION_KIND, s.token, s, { ttlMs: ttlSeconds * 1000 });
  return s;
}

/** Whether a session token is live in this tenant (expired or another tenant's tokens are not). */
export async function sessionValid(store: Store, token: string): Promise<boolean> {
  return (await store.get<Session>(SESSION_KIND, token)) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Per-type permissions (facts §4.5: the caller must hold a permission per licence type).

export interface TypePermission {
  /** A licence type code, or "*" for every type. */
  typeCode: string;
  grantedAt: number;
  expiresAt?: number;
}

export async function grantPermissions(
  store: Store,
  typeCodes: string[],
  now: number,
  expiresAt?: number,
): Promise<void> {
  for (const typeCode of typeCodes)
    await store.put<TypePermission>(PERMISSION_KIND, typeCode, {
      typeCode,
      grantedAt: now,
      ...(expiresAt ? { expiresAt } : {}),
    });
}

export function revokePermission(store: Store, typeCode: string): Promise<boolean> {
  return store.delete(PERMISSION_KIND, typeCode);
}

export function listPermissions(store: Store): Promise<TypePermission[]> {
  return store.list<TypePermission>(PERMISSION_KIND);
}

/** A live permission for this type (or "*") at `now`. */
export async function permissionFor(store: Store, typeCode: string, now: number): Promise<TypePermission | undefined> {
  for (const key of [typeCode, "*"]) {
    const p = await store.get<TypePermission>(PERMISSION_KIND, key);
    if (p && (!p.expiresAt || p.expiresAt > now)) return p;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// One-time download tickets. The token names its tenant (base64url paasid) so the open download route finds the
// right store whatever tenant the request was attributed to; the random part is the capability.

export interface DownloadTicket {
  token: string;
  paasid: string;
  licenceId: string;
  useCause: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
}

/** How long a used or expired ticket is remembered, so its answer can say "already used" rather than "unknown". */
const REMEMBER_MS = 24 * 3600_000;

export async function issueTicket(
  store: Store,
  paasid: string,
  licenceId: string,
  useCause: string,
  now: number,
  ttlSeconds: number,
): Promise<DownloadTicket> {
  const token = `${Buffer.from(paasid).toString("base64url")}.${randomBytes(16).toString("hex")}`;
  const t: DownloadTicket = { token, paasid, licenceId, useCause, createdAt: now, expiresAt: now + ttlSeconds * 1000 };
  await store.put(TICKET_KIND, token, t, { ttlMs: ttlSeconds * 1000 + REMEMBER_MS });
  return t;
}

/** The paasid a ticket token names, or undefined when it is not one of ours. */
export function ticketTenant(token: unknown): string | undefined {
  if (typeof token !== "string") return undefined;
  const m = /^([A-Za-z0-9_-]{2,100})\.[0-9a-f]{32}$/.exec(token);
  if (!m) return undefined;
  const paasid = Buffer.from(m[1], "base64url").toString("utf8");
  return /^[A-Za-z0-9_-]{2,64}$/.test(paasid) ? paasid : undefined;
}

export type TicketState =
  | { kind: "ok"; ticket: DownloadTicket }
  | { kind: "unknown" }
  | { kind: "used"; ticket: DownloadTicket }
  | { kind: "expired"; ticket: DownloadTicket };

/** Take a ticket: the first call with a live ticket gets it (and uses it up); later calls learn why not. */
export async function takeTicket(store: Store, token: string, now: number): Promise<TicketState> {
  const t = await store.get<DownloadTicket>(TICKET_KIND, token);
  if (!t) return { kind: "unknown" };
  if (t.usedAt !== undefined) return { kind: "used", ticket: t };
  if (now >= t.expiresAt) return { kind: "expired", ticket: t };
  const used = { ...t, usedAt: now };
  await store.put(TICKET_KIND, token, used, { ttlMs: Math.max(1, t.expiresAt + REMEMBER_MS - now) });
  return { kind: "ok", ticket: used };
}
