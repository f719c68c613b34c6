// What can be asked about a token: tyrz tokeninfo (facts §2.2), OIDC userinfo (OIDC Core §5.3), introspection
// (RFC 7662) and revocation (RFC 7009).
import { ProblemError } from "../../shared/problem.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { authenticateClient, refuseClient } from "../client-registry.js";
import { diag, fail, IDENTITY_ERRORS, idpProblem, refusal } from "../errors.js";
import { KIND, type Family, type IdentityCore, type RefreshRecord } from "../identity-core.js";
import type { VerifyResult, IdentityHandlers } from "../types.js";
import { bearerToken, param } from "../request-params.js";
import { refreshKey, revokeFamily } from "../token-families.js";
import { decodeJwt } from "../token-service.js";
import { buildTokeninfo, oidcClaims } from "../tyrz-user-object.js";

const looksLikeJwt = (t: string): boolean => t.split(".").length === 3;

/** GET …/oauth2/tokeninfo?access_token= → {signdata, userobj, pareobj, user_creditable_level}; failures carry errcode. */
export async function tokeninfo(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const t = param(input, "access_token");
  if (!t.value)
    fail("invalidRequest", "缺少 access_token", "access_token is missing", [
      diag(
        t.location,
        "tyrz.access_token-required",
        "access_token is missing",
        "传入 access_token 接口返回的令牌 / pass the token from access_token",
      ),
    ]);
  const v = await core.tokens.verifyAccessToken(t.value, {
    clock: ctx.clock,
    expectedTenant: input.tenant.paasid,
    location: t.location,
  });
  if (!v.ok) throw new ProblemError(v.problem);
  const persona = v.claims.persona ? core.personas.get(v.claims.persona) : undefined;
  if (!persona)
    fail(
      "invalidToken",
      "该令牌没有用户（client_credentials 令牌）",
      "this token has no user (a client_credentials token)",
      [
        diag(
          t.location,
          "tyrz.user-token",
          "no persona in token",
          "使用授权码流程获得的令牌 / use a token from the code flow",
        ),
      ],
    );
  return {
    status: 200 as const,
    headers: { "cache-control": "no-store" },
    body: buildTokeninfo(core.seed.value, persona, v.claims.jti),
  };
}

/** RFC 6750 §3: a refused bearer token gets WWW-Authenticate (ASCII only, so the English half). */
function bearerRefusal(input: HandlerInput, v: Extract<VerifyResult, { ok: false }>) {
  const code =
    v.problem.code === IDENTITY_ERRORS.insufficientScope.code
      ? IDENTITY_ERRORS.insufficientScope.oauth
      : "invalid_token";
  return refusal(v.problem, {
    "www-authenticate": `Bearer error="${code}", error_description="${v.problem.en.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?")}"`,
  });
}

/** GET|POST /oidc/userinfo with the access token as a bearer token (header, or form body per RFC 6750 §2.2). */
export async function userinfo(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const token =
    bearerToken(input.headers) ?? (input.method === "POST" ? param(input, "access_token").value : undefined);
  if (!token)
    throw refusal(
      idpProblem(
        "invalidToken",
        "缺少访问令牌（Authorization: Bearer …）",
        "access token missing (Authorization: Bearer …)",
        [
          diag(
            "/headers/authorization",
            "oauth.bearer-required",
            "no bearer token",
            "加上 Authorization: Bearer <access_token> / add the header",
          ),
        ],
      ),
      { "www-authenticate": 'Bearer realm="gatesim"' },
    );
  const v = await core.tokens.verifyAccessToken(token, {
    clock: ctx.clock,
    expectedTenant: input.tenant.paasid,
    requiredScopes: ["openid"],
  });
  if (!v.ok) throw bearerRefusal(input, v);
  const persona = v.claims.persona ? core.personas.get(v.claims.persona) : undefined;
  if (!persona)
    throw bearerRefusal(input, {
      ok: false,
      problem: idpProblem(
        "invalidToken",
        "该令牌没有用户（client_credentials 令牌）",
        "this token has no user (a client_credentials token)",
      ),
    });
  return {
    status: 200 as const,
    headers: { "cache-control": "no-store" },
    body: oidcClaims(core.seed.value, persona, v.principal.scope),
  };
}

/** POST /oidc/introspect (RFC 7662): confidential clients ask whether a token is active and what it carries. */
export async function introspect(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const auth = authenticateClient(input, core.clients, { requireConfidential: true });
  if (!auth.ok) refuseClient(input, auth.problem);
  const t = param(input, "token");
  if (!t.value)
    fail("invalidRequest", "缺少 token", "token is missing", [
      diag(t.location, "rfc7662.token-required", "token is missing", "传入要检查的令牌 / pass the token to inspect"),
    ]);
  const hint = param(input, "token_type_hint").value;
  const inactive = { status: 200 as const, headers: { "cache-control": "no-store" }, body: { active: false } };
  if (looksLikeJwt(t.value) && hint !== "refresh_token") {
    const v = await core.tokens.verifyAccessToken(t.value, {
      clock: ctx.clock,
      expectedTenant: input.tenant.paasid,
      location: t.location,
    });
    if (!v.ok) return inactive; // RFC 7662 §2.2: no reason is given for an inactive token
    const c = v.claims;
    return {
      status: 200 as const,
      headers: { "cache-control": "no-store" },
      body: {
        active: true,
        scope: c.scope,
        client_id: c.client_id,
        token_type: "Bearer",
        exp: c.exp,
        iat: c.iat,
        sub: c.sub,
        aud: c.aud,
        iss: c.iss,
        jti: c.jti,
        paasid: c.paasid,
        ...(c.persona
          ? { persona: c.persona, level: c.level, username: core.personas.get(c.persona)?.person.uid }
          : {}),
        ...(c.sid ? { sid: c.sid } : {}),
      },
    };
  }
  const rec = await ctx.store.get<RefreshRecord>(KIND.refresh, refreshKey(t.value));
  if (!rec || rec.rotatedAt !== undefined) return inactive;
  const family = await ctx.store.get<Family>(KIND.family, rec.familyId);
  if (!family || family.revoked || (family.sid && core.revocations.isSessionEnded(input.tenant.paasid, family.sid)))
    return inactive;
  return {
    status: 200 as const,
    headers: { "cache-control": "no-store" },
    body: {
      active: true,
      scope: rec.scope,
      client_id: rec.clientId,
      token_type: "refresh_token",
      exp: rec.exp,
      iat: rec.iat,
      iss: core.cfg.issuer,
      paasid: input.tenant.paasid,
      ...(family.personaId ? { persona: family.personaId } : {}),
    },
  };
}

/**
 * POST /oidc/revoke (RFC 7009): access tokens join the revocation list; a refresh token revokes its whole family,
 * access tokens included (§2.1). Unknown or invalid tokens get 200 (§2.2); another client's token is refused.
 */
export async function revoke(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const auth = authenticateClient(input, core.clients);
  if (!auth.ok) refuseClient(input, auth.problem);
  const t = param(input, "token");
  if (!t.value)
    fail("invalidRequest", "缺少 token", "token is missing", [
      diag(t.location, "rfc7009.token-required", "token is missing", "传入要撤销的令牌 / pass the token to revoke"),
    ]);
  const hint = param(input, "token_type_hint");
  if (hint.value !== undefined && hint.value !== "access_token" && hint.value !== "refresh_token")
    fail(
      "unsupportedTokenType",
      `不支持的 token_type_hint：${hint.value}`,
      `unsupported token_type_hint: ${hint.value}`,
      [diag(hint.location, "rfc7009.hint", "unknown hint", "access_token 或 refresh_token", hint.value)],
    );
  const done = { status: 200 as const, headers: { "cache-control": "no-store" } };
  const notYours = (owner: string) =>
    fail(
      "unauthorizedClient",
      `该令牌签发给客户端 ${owner}，客户端 ${auth.client.clientId} 不能撤销`,
      `the token was issued to client ${owner}; client ${auth.client.clientId} cannot revoke it`,
      [
        diag(
          t.location,
          "rfc7009.owner",
          "token of another client",
          "由令牌所属的客户端撤销 / revoke with the client that owns it",
        ),
      ],
    );
  if (looksLikeJwt(t.value)) {
    const sig = await core.tokens.verifySignature(t.value, ctx.clock.now(), t.location);
    if (!sig.ok) return done;
    const c = decodeJwt(t.value)!.payload;
    if (c.paasid !== input.tenant.paasid) return done;
    if (c.client_id !== auth.client.clientId) notYours(String(c.client_id));
    core.revocations.revokeToken(input.tenant.paasid, String(c.jti), Number(c.exp) * 1000, ctx.clock.now());
    ctx.emit("identity.token-revoked", { clientId: auth.client.clientId, jti: c.jti, type: "access_token" });
    return done;
  }
  const rec = await ctx.store.get<RefreshRecord>(KIND.refresh, refreshKey(t.value));
  if (!rec) return done;
  if (rec.clientId !== auth.client.clientId) notYours(rec.clientId);
  await revokeFamily(core, ctx, input.tenant.paasid, rec.familyId, "refresh token revoked (RFC 7009)");
  return done;
}

export const inspectionHandlers = {
  identityTyrzTokeninfo: (input, ctx, { core }) => tokeninfo(core, input, ctx),
  identityPscpTokeninfo: (input, ctx, { core }) => tokeninfo(core, input, ctx),
  identityOidcUserinfo: (input, ctx, { core }) => userinfo(core, input, ctx),
  identityOidcUserinfoPost: (input, ctx, { core }) => userinfo(core, input, ctx),
  identityOidcIntrospect: (input, ctx, { core }) => introspect(core, input, ctx),
  identityOidcRevoke: (input, ctx, { core }) => revoke(core, input, ctx),
} satisfies IdentityHandlers;
