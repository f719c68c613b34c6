// Signs access, ID and logout tokens (ES256 compact JWS, jws-es256.ts) and verifies access tokens offline — the shared verifier that every
// simulated platform uses (facts §8.2; RFC 9068 JWT access tokens; RFC 8725 JWT best practices).
import { createHash, randomBytes } from "node:crypto";
import type { Level } from "../shared/seed-types.js";
import type { Diagnostic, Problem } from "../shared/types.js";
import { diag, idpProblem } from "./errors.js";
import type { AccessTokenClaims, VerifyOptions, VerifyResult } from "./types.js";
import { signEs256, verifyEs256 } from "./jws-es256.js";
import type { KeyRing } from "./key-ring.js";
import type { RevocationList } from "./revocation-list.js";

export interface TokenConfig {
  issuer: string;
  audience: string;
  accessTokenTtlSec: number;
  idTokenTtlSec: number;
}

export interface IssueAccessInput {
  nowSec: number;
  paasid: string;
  clientId: string;
  sub: string;
  scope: string;
  persona?: string;
  level?: Level;
  sid?: string;
}

/** Random URL-safe identifier (codes, jti, refresh tokens, session ids). */
export function randomId(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** Header and payload of a compact JWS, decoded without any trust (for routing and for precise refusals). */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !payload || typeof payload !== "object") return undefined;
    return { header, payload };
  } catch {
    return undefined;
  }
}

const iso = (sec: number): string => new Date(sec * 1000).toISOString();

/** One refusal of a token: the rule broken, zh-CN and English, the value seen, how to get past it. */
const refusalOf = (rule: string, zh: string, en: string, seen?: unknown, hint?: string) => ({
  rule,
  zh,
  en,
  seen,
  hint,
});
type TokenRefusal = ReturnType<typeof refusalOf>;

/**
 * What is wrong with a JOSE header before any key is looked up: `alg: none`, an HMAC algorithm (key confusion), any
 * algorithm but ES256, a key embedded in the header, critical extensions.
 */
function headerRefusal(header: Record<string, unknown>): TokenRefusal | undefined {
  const alg = header.alg;
  if (typeof alg !== "string" || alg.toLowerCase() === "none")
    return refusalOf(
      "jwt-alg",
      '令牌使用 alg "none"（无签名），无签名令牌一律拒绝',
      'token uses alg "none" (unsigned); unsigned tokens are always refused',
      alg ?? null,
    );
  if (/^HS/i.test(alg))
    return refusalOf(
      "jwt-alg",
      `令牌使用对称算法 ${alg}；本平台只用 ES256 签名，用公钥当 HMAC 密钥伪造的令牌被拒绝`,
      `token uses the symmetric algorithm ${alg}; this platform signs only with ES256, so an HMAC token (e.g. keyed with the public key) is refused`,
      alg,
    );
  if (alg !== "ES256")
    return refusalOf("jwt-alg", `不接受算法 ${alg}，只接受 ES256`, `algorithm ${alg} is not accepted; only ES256`, alg);
  for (const h of ["jwk", "jku", "x5u", "x5c"]) {
    if (h in header)
      return refusalOf(
        "jwt-embedded-key",
        `令牌头部自带密钥参数 ${h}，不予信任；验签密钥只取自本平台 JWKS`,
        `token header carries its own key (${h}); verification keys come only from this platform's JWKS`,
        h,
      );
  }
  // RFC 7515 §4.1.11: this platform understands no header extensions, so any `crit` (e.g. b64: false) is refused.
  if ("crit" in header)
    return refusalOf(
      "jwt-crit",
      "令牌头部含 crit 扩展，本平台不支持任何扩展",
      "token header lists critical extensions (crit); this platform supports none",
      header.crit,
    );
  return undefined;
}

export class TokenService {
  constructor(
    private readonly ring: KeyRing,
    private readonly revocations: RevocationList,
    readonly cfg: TokenConfig,
  ) {}

  /** RFC 9068 access token with gatesim/tyrz claims (paasid = tenant, persona, level). */
  async issueAccessToken(i: IssueAccessInput): Promise<{ token: string; claims: AccessTokenClaims }> {
    const key = this.ring.current();
    const claims: AccessTokenClaims = {
      iss: this.cfg.issuer,
      aud: this.cfg.audience,
      sub: i.sub,
      client_id: i.clientId,
      scope: i.scope,
      iat: i.nowSec,
      exp: i.nowSec + this.cfg.accessTokenTtlSec,
      jti: randomId(16),
      paasid: i.paasid,
      ...(i.persona ? { persona: i.persona } : {}),
      ...(i.level ? { level: i.level } : {}),
      ...(i.sid ? { sid: i.sid } : {}),
    };
    const token = await signEs256({ kid: key.kid, typ: "at+jwt" }, claims, key.signKey());
    return { token, claims };
  }

  /** OIDC Core §2 ID token; at_hash per §3.1.3.6 (left half of SHA-256 of the access token). */
  async issueIdToken(i: {
    nowSec: number;
    clientId: string;
    sub: string;
    authTime: number;
    nonce?: string;
    sid: string;
    accessToken?: string;
    extra: Record<string, unknown>;
  }): Promise<string> {
    const key = this.ring.current();
    const claims: Record<string, unknown> = {
      ...i.extra,
      iss: this.cfg.issuer,
      sub: i.sub,
      aud: i.clientId,
      iat: i.nowSec,
      exp: i.nowSec + this.cfg.idTokenTtlSec,
      auth_time: i.authTime,
      sid: i.sid,
      ...(i.nonce !== undefined ? { nonce: i.nonce } : {}),
      ...(i.accessToken
        ? { at_hash: createHash("sha256").update(i.accessToken).digest().subarray(0, 16).toString("base64url") }
        : {}),
    };
    return signEs256({ kid: key.kid, typ: "JWT" }, claims, key.signKey());
  }

  /** OIDC Back-Channel Logout 1.0 §2.4 logout token (typ logout+jwt, events claim, no nonce). */
  async issueLogoutToken(i: { nowSec: number; clientId: string; sub: string; sid: string }): Promise<string> {
    const key = this.ring.current();
    return signEs256(
      { kid: key.kid, typ: "logout+jwt" },
      {
        iss: this.cfg.issuer,
        aud: i.clientId,
        iat: i.nowSec,
        exp: i.nowSec + 120,
        jti: randomId(16),
        sub: i.sub,
        sid: i.sid,
        events: { "http://schemas.openid.net/event/backchannel-logout": {} },
      },
      key.signKey(),
    );
  }

  /**
   * Check the JOSE header and signature of a token claimed to be ours. Refuses, each with its own reason:
   * malformed tokens; `alg: none` (RFC 8725 §2.1); HMAC algorithms, which is how a token "signed" with our public key
   * as an HMAC secret would arrive (RFC 8725 §2.1 key confusion); other algorithms; keys embedded in the header
   * (jwk/jku/x5u/x5c); critical header extensions; missing, unknown or retired kid; bad or non-canonical signatures.
   */
  async verifySignature(
    token: string,
    nowMs: number,
    location: string,
  ): Promise<
    { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> } | { ok: false; problem: Problem }
  > {
    const bad = (
      rule: string,
      zh: string,
      en: string,
      seen?: unknown,
      hint = "使用本平台签发的令牌 / use a token issued by this platform",
    ): { ok: false; problem: Problem } => ({
      ok: false,
      problem: idpProblem("invalidToken", zh, en, [diag(location, rule, en, hint, seen)]),
    });
    const decoded = decodeJwt(token);
    if (!decoded)
      return bad(
        "jwt-format",
        "令牌不是紧凑格式的 JWS（应为以点分隔的三段 base64url）",
        "token is not a compact JWS (three base64url parts separated by dots)",
      );
    const { header, payload } = decoded;
    const refused = headerRefusal(header);
    if (refused) return bad(refused.rule, refused.zh, refused.en, refused.seen);
    const kid = header.kid;
    if (typeof kid !== "string" || !kid) return bad("jwt-kid", "令牌头部缺少 kid", "token header has no kid");
    const key = this.ring.find(kid, nowMs);
    if (!key) {
      return this.ring.known(kid)
        ? bad(
            "jwt-kid",
            `签名密钥 ${kid} 已轮换停用且宽限期已过`,
            `signing key ${kid} was rotated out and its grace period is over`,
            kid,
            "重新获取令牌 / obtain a new token",
          )
        : bad(
            "jwt-kid",
            `签名密钥 ${kid} 不在本平台 JWKS 中`,
            `signing key ${kid} is not in this platform's JWKS`,
            kid,
          );
    }
    if (!(await verifyEs256(token, key.verifyKey())))
      return bad(
        "jwt-signature",
        "令牌签名无效（内容被篡改或并非本平台签发）",
        "token signature is invalid (altered, or not issued by this platform)",
      );
    return { ok: true, header, payload };
  }

  /** What is wrong with an access token's type and claims (RFC 9068): typ, iss, aud, exp, iat on the tenant's clock. */
  private claimsRefusal(
    header: Record<string, unknown>,
    c: AccessTokenClaims,
    audienceAsked: string | undefined,
    nowSec: number,
  ): TokenRefusal | undefined {
    if (header.typ !== "at+jwt") {
      const what =
        header.typ === "logout+jwt"
          ? ["注销令牌", "a logout token"]
          : "nonce" in c || "auth_time" in c
            ? ["ID 令牌 (id_token)", "an ID token"]
            : [`类型为 ${String(header.typ)} 的令牌`, `a token of type ${String(header.typ)}`];
      return refusalOf(
        "jwt-typ",
        `这是${what[0]}，不是访问令牌 (typ at+jwt)`,
        `this is ${what[1]}, not an access token (typ at+jwt, RFC 9068)`,
        header.typ ?? null,
        "在 Authorization 头中发送 access_token / send the access_token in the Authorization header",
      );
    }
    if (c.iss !== this.cfg.issuer)
      return refusalOf(
        "jwt-iss",
        `签发者 ${String(c.iss)} 不是本平台 ${this.cfg.issuer}`,
        `issuer ${String(c.iss)} is not this platform (${this.cfg.issuer})`,
        c.iss,
      );
    const audience = audienceAsked ?? this.cfg.audience;
    const auds = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!auds.includes(audience))
      return refusalOf(
        "jwt-aud",
        `令牌受众 ${JSON.stringify(c.aud)} 不包含 ${audience}`,
        `token audience ${JSON.stringify(c.aud)} does not include ${audience}`,
        c.aud,
      );
    if (typeof c.exp !== "number" || c.exp <= nowSec)
      return refusalOf(
        "jwt-exp",
        `令牌已于 ${typeof c.exp === "number" ? iso(c.exp) : "?"} 过期（按租户虚拟时钟，现在是 ${iso(nowSec)}）`,
        `token expired at ${typeof c.exp === "number" ? iso(c.exp) : "?"} (tenant's virtual clock now ${iso(nowSec)})`,
        c.exp,
      );
    if (typeof c.iat === "number" && c.iat > nowSec + 60)
      return refusalOf(
        "jwt-iat",
        `令牌签发时间 ${iso(c.iat)} 晚于现在 ${iso(nowSec)}（租户虚拟时钟被拨回？）`,
        `token issued at ${iso(c.iat)}, after now ${iso(nowSec)} (was the tenant's virtual clock set back?)`,
        c.iat,
      );
    return undefined;
  }

  /** The shared offline verifier (IdentityApi.verifyAccessToken). Every refusal names the check that failed. */
  async verifyAccessToken(token: string, opts: VerifyOptions & { location?: string }): Promise<VerifyResult> {
    const location = opts.location ?? "/headers/authorization";
    const nowMs = opts.clock.now();
    const nowSec = Math.floor(nowMs / 1000);
    const sig = await this.verifySignature(token, nowMs, location);
    if (!sig.ok) return sig;
    const { header } = sig;
    const c = sig.payload as AccessTokenClaims;
    const bad = (
      rule: string,
      zh: string,
      en: string,
      seen?: unknown,
      hint = "重新获取访问令牌 / obtain a new access token",
    ): VerifyResult => ({
      ok: false,
      problem: idpProblem("invalidToken", zh, en, [diag(location, rule, en, hint, seen)] as Diagnostic[]),
    });
    const claimsBad = this.claimsRefusal(header, c, opts.audience, nowSec);
    if (claimsBad) return bad(claimsBad.rule, claimsBad.zh, claimsBad.en, claimsBad.seen, claimsBad.hint);
    if (opts.expectedTenant !== undefined && c.paasid !== opts.expectedTenant)
      return bad(
        "jwt-tenant",
        `令牌属于租户 ${String(c.paasid)} 的客户端 ${String(c.client_id)}，不能用于租户 ${opts.expectedTenant}`,
        `token belongs to client ${String(c.client_id)} of tenant ${String(c.paasid)}, not usable by tenant ${opts.expectedTenant}`,
        c.paasid,
        "使用本租户客户端获取的令牌 / use a token obtained by one of this tenant's clients",
      );
    if (typeof c.sid === "string" && this.revocations.isSessionEnded(c.paasid, c.sid))
      return bad(
        "session-ended",
        "令牌所属的登录会话已注销",
        "the login session this token belongs to has ended (logged out)",
        undefined,
        "重新登录 / log in again",
      );
    if (typeof c.jti === "string" && this.revocations.isTokenRevoked(c.paasid, c.jti))
      return bad("token-revoked", "令牌已被撤销", "token has been revoked", undefined);
    const scopes = typeof c.scope === "string" ? c.scope.split(" ").filter(Boolean) : [];
    const missing = (opts.requiredScopes ?? []).filter((s) => !scopes.includes(s));
    if (missing.length)
      return {
        ok: false,
        problem: idpProblem(
          "insufficientScope",
          `令牌缺少所需的权限范围 ${missing.join(" ")}`,
          `token lacks the required scope ${missing.join(" ")}`,
          [
            diag(
              location,
              "scope",
              `missing scope ${missing.join(" ")}`,
              "申请令牌时请求这些 scope / request these scopes when obtaining the token",
              c.scope,
            ),
          ],
        ),
      };
    return {
      ok: true,
      claims: c,
      principal: { kind: "user", sub: String(c.sub), clientId: String(c.client_id), scope: scopes, claims: c },
    };
  }
}
