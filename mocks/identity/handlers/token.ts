// The token endpoint of both faces: authorization_code (single use, PKCE), refresh_token (rotation with reuse
// detection) and client_credentials (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.6; RFC 9700 §4.14; facts §2.1 step 3).
import { createHash } from "node:crypto";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { codeKey } from "./authorize.js";
import { authenticateClient, refuseClient } from "../client-registry.js";
import { diag, fail } from "../errors.js";
import {
  KIND,
  type CodeRecord,
  type Face,
  type Family,
  type IdentityCore,
  type RefreshRecord,
} from "../identity-core.js";
import type { GrantType, IdentityClient, IdentityHandlers, IdentitySchemas } from "../types.js";
import { param, repeatedParams } from "../request-params.js";
import { createFamily, issueRefreshToken, refreshKey, revokeFamily, saveFamily } from "../token-families.js";
import { oidcClaims, subjectOf } from "../tyrz-user-object.js";

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" }; // RFC 6749 §5.1
const iso = (ms: number): string => new Date(ms).toISOString();

/** POST /oidc/token, GET|POST …/oauth2/access_token. */
export async function tokenEndpoint(core: IdentityCore, input: HandlerInput, ctx: HandlerContext, face: Face) {
  const rep = repeatedParams(input);
  if (rep.length)
    fail(
      "invalidRequest",
      `参数 ${rep.join(", ")} 出现多次`,
      `parameter ${rep.join(", ")} sent more than once (RFC 6749 §3.2)`,
      rep.map((n) =>
        diag(`/body/${n}`, "oauth.param-once", `${n} repeated`, "每个参数只发送一次 / send each parameter once"),
      ),
    );
  const auth = authenticateClient(input, core.clients);
  if (!auth.ok) refuseClient(input, auth.problem);
  const { client } = auth;
  const gt = param(input, "grant_type");
  if (!gt.value)
    fail("invalidRequest", "缺少 grant_type", "grant_type is missing", [
      diag(
        gt.location,
        "oauth.grant_type-required",
        "grant_type is missing",
        "authorization_code、refresh_token 或 client_credentials",
      ),
    ]);
  // Facts §2.1: a tyrz test controller sends grant_type=code; the tyrz face accepts it as authorization_code.
  const grant = (face === "tyrz" && gt.value === "code" ? "authorization_code" : gt.value) as GrantType;
  if (!["authorization_code", "refresh_token", "client_credentials"].includes(grant))
    fail("unsupportedGrantType", `不支持的 grant_type：${gt.value}`, `unsupported grant_type: ${gt.value}`, [
      diag(
        gt.location,
        "oauth.grant_type-supported",
        `grant_type ${gt.value}`,
        "authorization_code、refresh_token 或 client_credentials",
        gt.value,
      ),
    ]);
  if (!client.grants.includes(grant))
    fail(
      "unauthorizedClient",
      `客户端 ${client.clientId} 未获准使用 ${grant}`,
      `client ${client.clientId} may not use the ${grant} grant`,
      [
        diag(
          gt.location,
          "identity.client-grants",
          `${grant} not allowed`,
          `允许的授权类型 / allowed: ${client.grants.join(", ")}`,
          gt.value,
        ),
      ],
    );
  const body =
    grant === "authorization_code"
      ? await codeGrant(core, input, ctx, client, face)
      : grant === "refresh_token"
        ? await refreshGrant(core, input, ctx, client, face)
        : await clientCredentialsGrant(core, input, ctx, client);
  return { status: 200 as const, headers: NO_STORE, body };
}

/** What both faces' token answers hold (the tyrz one has no id_token; contracts/identity.yaml). */
type TokenBody = IdentitySchemas["TyrzTokenResponse"] & IdentitySchemas["OidcTokenResponse"];

/** Access (+ refresh, + ID) tokens for a persona in a family. */
async function issueUserTokens(
  core: IdentityCore,
  input: HandlerInput,
  ctx: HandlerContext,
  client: IdentityClient,
  family: Family,
  scope: string,
  face: Face,
  nonce?: string,
): Promise<TokenBody> {
  const persona = core.personas.get(family.personaId!);
  if (!persona)
    fail("invalidGrant", `人员 ${family.personaId} 已不存在`, `persona ${family.personaId} no longer exists`);
  const nowSec = ctx.clock.nowSeconds();
  const { token, claims } = await core.tokens.issueAccessToken({
    nowSec,
    paasid: input.tenant.paasid,
    clientId: client.clientId,
    sub: subjectOf(core.seed.value, persona),
    scope,
    persona: persona.id,
    level: persona.level,
    sid: family.sid,
  });
  family.tokens.push({ jti: claims.jti, exp: claims.exp });
  if (family.tokens.length > 200) family.tokens.splice(0, family.tokens.length - 200);
  await saveFamily(core, ctx, family);
  // tyrz names token_type in lower case in its DTO samples; OIDC clients expect "Bearer" (RFC 6750 §4, case-insensitive).
  const out: TokenBody = {
    access_token: token,
    token_type: face === "tyrz" ? "bearer" : "Bearer",
    expires_in: core.cfg.accessTokenTtlSec,
    scope,
  };
  if (client.grants.includes("refresh_token")) out.refresh_token = await issueRefreshToken(core, ctx, family, scope);
  const scopes = scope.split(" ");
  if (face === "oidc" && scopes.includes("openid"))
    out.id_token = await core.tokens.issueIdToken({
      nowSec,
      clientId: client.clientId,
      sub: claims.sub,
      authTime: family.authTime ?? nowSec,
      nonce,
      sid: family.sid!,
      accessToken: token,
      extra: { ...oidcClaims(core.seed.value, persona, scopes), acr: persona.level },
    });
  return out;
}

/** RFC 6749 §4.1.3: redirect_uri equals the authorization request's exactly. */
function checkRedirectUri(ru: ReturnType<typeof param>, expected: string): void {
  if (ru.value !== expected)
    fail(
      "invalidGrant",
      ru.value ? "redirect_uri 与授权请求中的不一致" : "缺少 redirect_uri（授权请求中带了它）",
      ru.value
        ? "redirect_uri differs from the one in the authorization request"
        : "redirect_uri is missing (the authorization request had one)",
      [
        diag(
          ru.location,
          "oauth.redirect_uri-same",
          "redirect_uri must equal the authorization request's",
          `应为 / expected ${expected}`,
          ru.value,
        ),
      ],
    );
}

/** RFC 7636 §4.6: the verifier matches the authorization request's S256 challenge; none without a challenge. */
function checkVerifier(verifier: ReturnType<typeof param>, codeChallenge: string | undefined): void {
  if (codeChallenge !== undefined) {
    if (!verifier.value)
      fail(
        "invalidGrant",
        "缺少 code_verifier（授权请求使用了 PKCE）",
        "code_verifier is missing (the authorization request used PKCE)",
        [
          diag(
            verifier.location,
            "pkce.verifier-required",
            "code_verifier missing",
            "发送生成 code_challenge 时的 code_verifier / send the code_verifier the challenge was made from",
          ),
        ],
      );
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier.value))
      fail(
        "invalidGrant",
        "code_verifier 格式错误（43–128 位 A-Z a-z 0-9 - . _ ~）",
        "code_verifier is malformed (43–128 chars of A-Z a-z 0-9 - . _ ~, RFC 7636 §4.1)",
        [
          diag(
            verifier.location,
            "pkce.verifier-format",
            "malformed code_verifier",
            "按 RFC 7636 §4.1 生成 / generate per RFC 7636 §4.1",
          ),
        ],
      );
    const s256 = createHash("sha256").update(verifier.value).digest("base64url");
    if (s256 !== codeChallenge)
      fail(
        "invalidGrant",
        "code_verifier 与 code_challenge 不匹配（BASE64URL(SHA256(verifier)) ≠ challenge）",
        "code_verifier does not match code_challenge (BASE64URL(SHA256(verifier)) ≠ challenge)",
        [
          diag(
            verifier.location,
            "pkce.s256",
            "PKCE check failed",
            "使用生成该 challenge 的 verifier / use the verifier the challenge was made from",
          ),
        ],
      );
  } else if (verifier.value !== undefined) {
    fail(
      "invalidGrant",
      "授权请求没有 code_challenge，却收到 code_verifier",
      "code_verifier sent but the authorization request had no code_challenge",
      [
        diag(
          verifier.location,
          "pkce.no-challenge",
          "unexpected code_verifier",
          "授权请求中加上 code_challenge，或去掉 code_verifier / add code_challenge to the authorization request or drop code_verifier",
        ),
      ],
    );
  }
}

/**
 * authorization_code (RFC 6749 §4.1.3):
 * - the code exists, is not past its 300 s TTL and was issued to this client;
 * - a second use fails AND revokes every token issued with the first (RFC 6749 §4.1.2);
 * - redirect_uri equals the one of the authorization request exactly;
 * - PKCE: code_verifier matches the S256 challenge (RFC 7636 §4.6); a verifier without a challenge is refused.
 */
async function codeGrant(
  core: IdentityCore,
  input: HandlerInput,
  ctx: HandlerContext,
  client: IdentityClient,
  face: Face,
): Promise<TokenBody> {
  const c = param(input, "code");
  if (!c.value)
    fail("invalidRequest", "缺少 code", "code is missing", [
      diag(
        c.location,
        "oauth.code-required",
        "code is missing",
        "传入回调收到的 code / pass the code from the callback",
      ),
    ]);
  const key = codeKey(c.value);
  const rec = await ctx.store.get<CodeRecord>(KIND.code, key);
  const now = ctx.clock.now();
  const bad = (zh: string, en: string, rule: string, hint: string) =>
    fail("invalidGrant", zh, en, [diag(c.location, rule, en, hint)]);
  if (!rec)
    return bad(
      "授权码无效或早已过期",
      "authorization code is unknown or long expired",
      "identity.code-known",
      "重新发起授权 / restart the authorization",
    );
  if (rec.clientId !== client.clientId)
    return bad(
      `授权码是签发给客户端 ${rec.clientId} 的，不是 ${client.clientId}`,
      `authorization code was issued to client ${rec.clientId}, not ${client.clientId}`,
      "identity.code-client",
      "用获得授权码的客户端兑换 / redeem with the client that obtained it",
    );
  if (rec.usedAt !== undefined) {
    if (rec.familyId) await revokeFamily(core, ctx, input.tenant.paasid, rec.familyId, "authorization code reused");
    return bad(
      `授权码已于 ${iso(rec.usedAt)} 使用过，只能使用一次；第一次兑换签发的令牌已全部撤销`,
      `authorization code was already used at ${iso(rec.usedAt)} and is single-use; the tokens issued on its first use are now revoked`,
      "identity.code-single-use",
      "每个授权码只兑换一次 / redeem each code once",
    );
  }
  if (rec.expiresAt <= now)
    return bad(
      `授权码已于 ${iso(rec.expiresAt)} 过期（有效期 ${core.cfg.codeTtlSec} 秒，按租户虚拟时钟）`,
      `authorization code expired at ${iso(rec.expiresAt)} (TTL ${core.cfg.codeTtlSec} s, tenant's virtual clock)`,
      "identity.code-ttl",
      "在回调后立即兑换 / redeem right after the callback",
    );
  checkRedirectUri(param(input, "redirect_uri"), rec.redirectUri);
  checkVerifier(param(input, "code_verifier"), rec.codeChallenge);
  const family = await createFamily(core, ctx, {
    clientId: client.clientId,
    sid: rec.sid,
    personaId: rec.personaId,
    scope: rec.scope,
    authTime: rec.authTime,
  });
  rec.usedAt = now;
  rec.familyId = family.id;
  await ctx.store.put(KIND.code, key, rec, { ttlMs: Math.max(1, rec.expiresAt + 3600_000 - now) });
  return issueUserTokens(core, input, ctx, client, family, rec.scope, face, rec.nonce);
}

/**
 * refresh_token (RFC 6749 §6) with rotation: every use returns a new refresh token; presenting an already rotated one
 * is reuse and revokes the whole family (RFC 9700 §4.14.2). A narrower scope may be asked; a wider one is refused.
 */
async function refreshGrant(
  core: IdentityCore,
  input: HandlerInput,
  ctx: HandlerContext,
  client: IdentityClient,
  face: Face,
): Promise<TokenBody> {
  const r = param(input, "refresh_token");
  if (!r.value)
    fail("invalidRequest", "缺少 refresh_token", "refresh_token is missing", [
      diag(
        r.location,
        "oauth.refresh_token-required",
        "refresh_token is missing",
        "传入上次获得的 refresh_token / pass the last refresh_token",
      ),
    ]);
  const key = refreshKey(r.value);
  const rec = await ctx.store.get<RefreshRecord>(KIND.refresh, key);
  const bad = (zh: string, en: string, rule: string) =>
    fail("invalidGrant", zh, en, [diag(r.location, rule, en, "重新登录获取新令牌 / log in again for new tokens")]);
  if (!rec) return bad("refresh_token 无效或已过期", "refresh_token is unknown or expired", "identity.refresh-known");
  if (rec.clientId !== client.clientId)
    return bad(
      `refresh_token 是签发给客户端 ${rec.clientId} 的`,
      `refresh_token was issued to client ${rec.clientId}`,
      "identity.refresh-client",
    );
  const family = await ctx.store.get<Family>(KIND.family, rec.familyId);
  if (!family || family.revoked)
    return bad(
      "refresh_token 所属的令牌族已被撤销",
      "the token family of this refresh_token has been revoked",
      "identity.refresh-family",
    );
  if (rec.rotatedAt !== undefined) {
    await revokeFamily(core, ctx, input.tenant.paasid, family.id, "refresh token reused");
    return bad(
      `refresh_token 已于 ${iso(rec.rotatedAt * 1000)} 使用过（轮换后旧令牌作废）；判定为重放，该令牌族已全部撤销`,
      `refresh_token was already used at ${iso(rec.rotatedAt * 1000)} (rotated); reuse detected, the whole token family is revoked`,
      "identity.refresh-rotation",
    );
  }
  if (family.sid && core.revocations.isSessionEnded(input.tenant.paasid, family.sid))
    return bad("登录会话已注销", "the login session has ended (logged out)", "identity.session-live");
  const asked = param(input, "scope").value;
  let scope = rec.scope;
  if (asked !== undefined) {
    const wider = asked.split(" ").filter((s) => s && !rec.scope.split(" ").includes(s));
    if (wider.length)
      fail(
        "invalidScope",
        `不能超出原授权范围：${wider.join(" ")}`,
        `scope exceeds the original grant: ${wider.join(" ")}`,
        [diag("/body/scope", "oauth.refresh-scope", "wider scope", `原范围 / original: ${rec.scope}`, asked)],
      );
    scope = asked;
  }
  const nowSec = ctx.clock.nowSeconds();
  rec.rotatedAt = nowSec;
  await ctx.store.put(KIND.refresh, key, rec, {
    ttlMs: Math.max(1, (rec.exp - nowSec) * 1000),
    index: { family: family.id },
  });
  return issueUserTokens(core, input, ctx, client, family, scope, face);
}

/** client_credentials (RFC 6749 §4.4): a token for the client itself; no user, so no openid and no refresh token. */
async function clientCredentialsGrant(
  core: IdentityCore,
  input: HandlerInput,
  ctx: HandlerContext,
  client: IdentityClient,
): Promise<TokenBody> {
  const s = param(input, "scope");
  const scope = s.value ?? "all";
  const asked = scope.split(" ").filter(Boolean);
  const userScopes = asked.filter((x) => ["openid", "offline_access", "profile", "email", "phone"].includes(x));
  if (userScopes.length)
    fail(
      "invalidScope",
      `client_credentials 没有用户，不能申请 ${userScopes.join(" ")}`,
      `client_credentials has no user and cannot request ${userScopes.join(" ")}`,
      [
        diag(
          s.location,
          "oauth.cc-scope",
          "user scope in client_credentials",
          "去掉这些 scope / drop these scopes",
          s.value,
        ),
      ],
    );
  const denied = asked.filter((x) => !client.scopes.includes(x));
  if (denied.length)
    fail(
      "invalidScope",
      `客户端 ${client.clientId} 不能申请 scope ${denied.join(" ")}`,
      `client ${client.clientId} may not request scope ${denied.join(" ")}`,
      [
        diag(
          s.location,
          "identity.client-scopes",
          "scope not allowed",
          `允许 / allowed: ${client.scopes.join(" ")}`,
          s.value,
        ),
      ],
    );
  const { token } = await core.tokens.issueAccessToken({
    nowSec: ctx.clock.nowSeconds(),
    paasid: input.tenant.paasid,
    clientId: client.clientId,
    sub: client.clientId,
    scope,
  });
  return { access_token: token, token_type: "Bearer", expires_in: core.cfg.accessTokenTtlSec, scope };
}

export const tokenHandlers = {
  identityTyrzAccessToken: (input, ctx, { core }) => tokenEndpoint(core, input, ctx, "tyrz"),
  identityTyrzAccessTokenPost: (input, ctx, { core }) => tokenEndpoint(core, input, ctx, "tyrz"),
  identityPscpAccessToken: (input, ctx, { core }) => tokenEndpoint(core, input, ctx, "tyrz"),
  identityPscpAccessTokenPost: (input, ctx, { core }) => tokenEndpoint(core, input, ctx, "tyrz"),
  identityOidcToken: (input, ctx, { core }) => tokenEndpoint(core, input, ctx, "oidc"),
} satisfies IdentityHandlers;
