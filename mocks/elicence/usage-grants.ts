// 用证授权 (facts §8.4 [SIM]): a holder grants one department (paasid) use of one licence for a stated purpose until an
// expiry; the grant's auth_code is redeemed by that department. Grants live in the grantee's store.
import { randomBytes } from "node:crypto";
import type { Store } from "../shared/store.js";

export const GRANT_KIND = "elicence.grant";

export interface UsageGrant {
  authCode: string;
  certIdentifier: string;
  certName: string;
  /** The grantee department (tenant). */
  paasid: string;
  departmentName: string;
  useCause: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt?: number;
  withdrawnAt?: number;
  /** Identity subject of the holder who granted it, and the holder code it was checked against. */
  holderSub: string;
  holderCode: string;
}

export type GrantState = "active" | "expired" | "withdrawn";

export function grantState(g: UsageGrant, now: number): GrantState {
  if (g.withdrawnAt !== undefined) return "withdrawn";
  return now >= g.expiresAt ? "expired" : "active";
}

const AN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * An auth code shaped like the observed sample `440200106000201180103110507XCV7` (31 chars, facts §4.5): 6-digit
 * division + yyyyMMddHHmmss (CST) + 11 random [0-9A-Z] (≈ 57 bits, the part that cannot be guessed).
 */
export function newAuthCode(division: string, now: number): string {
  const stamp = new Date(now + 8 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14);
  const bytes = randomBytes(11);
  let tail = "";
  for (const b of bytes) tail += AN[b % 36];
  return (/^\d{6}$/.test(division) ? division : "440000") + stamp + tail;
}

export async function saveGrant(store: Store, g: UsageGrant): Promise<void> {
  await store.put(GRANT_KIND, g.authCode, g, { index: { licence: g.certIdentifier, holder: g.holderSub } });
}

export function getGrant(store: Store, authCode: string): Promise<UsageGrant | undefined> {
  return store.get<UsageGrant>(GRANT_KIND, authCode);
}

/** A live, redeemed grant of this licence held by the store's tenant. */
export async function redeemedGrantFor(store: Store, licenceId: string, now: number): Promise<UsageGrant | undefined> {
  const gs = await store.list<UsageGrant>(GRANT_KIND, { index: "licence", value: licenceId });
  return gs.find((g) => g.redeemedAt !== undefined && grantState(g, now) === "active");
}

export function grantsOfHolder(store: Store, sub: string): Promise<UsageGrant[]> {
  return store.list<UsageGrant>(GRANT_KIND, { index: "holder", value: sub });
}

/** The wire view (ISO dates, state). */
export function grantView(g: UsageGrant, now: number): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    authCode: g.authCode,
    certIdentifier: g.certIdentifier,
    certName: g.certName,
    paasid: g.paasid,
    departmentName: g.departmentName,
    useCause: g.useCause,
    createdAt: iso(g.createdAt),
    expiresAt: iso(g.expiresAt),
    ...(g.redeemedAt !== undefined ? { redeemedAt: iso(g.redeemedAt) } : {}),
    ...(g.withdrawnAt !== undefined ? { withdrawnAt: iso(g.withdrawnAt) } : {}),
    state: grantState(g, now),
  };
}
