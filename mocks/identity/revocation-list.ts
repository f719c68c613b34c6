// Revoked access tokens (by jti) and ended sessions (by sid), per tenant, kept until the tokens would expire anyway,
// so the offline verifier can refuse them without a store (RFC 7009 §2.1, OIDC Back-Channel Logout §2.7).

interface TenantRevocations {
  jti: Map<string, number>;
  sid: Map<string, number>;
}

/** Entries beyond this many per tenant trigger a sweep of expired ones. */
const SWEEP_AT = 10_000;

export type RevocationKind = keyof TenantRevocations;

export class RevocationList {
  private readonly tenants = new Map<string, TenantRevocations>();
  /** Called after every revocation and tenant clear (durable-state.ts stores them). */
  onRevoke?: (paasid: string, kind: RevocationKind, id: string, untilMs: number) => void;
  onClear?: (paasid: string) => void;

  private of(paasid: string): TenantRevocations {
    let t = this.tenants.get(paasid);
    if (!t) this.tenants.set(paasid, (t = { jti: new Map(), sid: new Map() }));
    return t;
  }

  private add(map: Map<string, number>, id: string, untilMs: number, now: number): void {
    map.set(id, Math.max(untilMs, map.get(id) ?? 0));
    if (map.size > SWEEP_AT) for (const [k, until] of map) if (until <= now) map.delete(k);
  }

  revokeToken(paasid: string, jti: string, untilMs: number, now: number): void {
    this.add(this.of(paasid).jti, jti, untilMs, now);
    this.onRevoke?.(paasid, "jti", jti, untilMs);
  }

  endSession(paasid: string, sid: string, untilMs: number, now: number): void {
    this.add(this.of(paasid).sid, sid, untilMs, now);
    this.onRevoke?.(paasid, "sid", sid, untilMs);
  }

  /** A stored revocation read back (no onRevoke: it is stored). */
  restore(paasid: string, kind: RevocationKind, id: string, untilMs: number, now: number): void {
    this.add(this.of(paasid)[kind], id, untilMs, now);
  }

  isTokenRevoked(paasid: string, jti: string): boolean {
    return this.tenants.get(paasid)?.jti.has(jti) ?? false;
  }

  isSessionEnded(paasid: string, sid: string): boolean {
    return this.tenants.get(paasid)?.sid.has(sid) ?? false;
  }

  /** A stored revocation removed by another process (its tenant was reset there). */
  forget(paasid: string, kind: RevocationKind, id: string): void {
    this.tenants.get(paasid)?.[kind].delete(id);
  }

  clearTenant(paasid: string): void {
    this.tenants.delete(paasid);
    this.onClear?.(paasid);
  }
}
