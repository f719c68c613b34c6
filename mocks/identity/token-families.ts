// Token families: everything issued from one grant, so code reuse, refresh-token reuse, revocation and logout can
// revoke it as a whole (RFC 6749 §4.1.2 and §10.5, RFC 9700 §4.14.2, RFC 7009 §2.1).
import { createHash } from "node:crypto";
import type { HandlerContext } from "../shared/types.js";
import { KIND, type Family, type IdentityCore, type RefreshRecord } from "./identity-core.js";
import { randomId } from "./token-service.js";

export const refreshKey = (token: string): string => createHash("sha256").update(token).digest("base64url");

export async function createFamily(
  core: IdentityCore,
  ctx: HandlerContext,
  f: Omit<Family, "id" | "tokens" | "revoked">,
): Promise<Family> {
  const family: Family = { ...f, id: randomId(12), tokens: [], revoked: false };
  await ctx.store.put(KIND.family, family.id, family, {
    ttlMs: core.cfg.refreshTokenTtlSec * 1000,
    index: f.sid ? { sid: f.sid } : undefined,
  });
  return family;
}

export async function saveFamily(core: IdentityCore, ctx: HandlerContext, family: Family): Promise<void> {
  await ctx.store.put(KIND.family, family.id, family, {
    ttlMs: core.cfg.refreshTokenTtlSec * 1000,
    index: family.sid ? { sid: family.sid } : undefined,
  });
}

/** A new refresh token in a family (opaque; only its hash is stored). */
export async function issueRefreshToken(
  core: IdentityCore,
  ctx: HandlerContext,
  family: Family,
  scope: string,
): Promise<string> {
  const token = randomId(32);
  const iat = ctx.clock.nowSeconds();
  const rec: RefreshRecord = {
    familyId: family.id,
    clientId: family.clientId,
    scope,
    iat,
    exp: iat + core.cfg.refreshTokenTtlSec,
  };
  await ctx.store.put(KIND.refresh, refreshKey(token), rec, {
    ttlMs: core.cfg.refreshTokenTtlSec * 1000,
    index: { family: family.id },
  });
  return token;
}

/** Revoke a family: its access tokens join the revocation list, its refresh tokens stop working. */
export async function revokeFamily(
  core: IdentityCore,
  ctx: HandlerContext,
  paasid: string,
  familyId: string,
  reason: string,
): Promise<void> {
  const family = await ctx.store.get<Family>(KIND.family, familyId);
  if (!family) return;
  const now = ctx.clock.now();
  for (const t of family.tokens) core.revocations.revokeToken(paasid, t.jti, t.exp * 1000, now);
  family.revoked = true;
  await saveFamily(core, ctx, family);
  ctx.emit("identity.tokens-revoked", {
    clientId: family.clientId,
    family: family.id,
    revokedJwts: family.tokens.length,
    reason,
  }); // "revokedJwts": the journal redacts keys containing "token"
}
