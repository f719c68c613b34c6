// The authorization endpoint of both faces and the persona page's POST back: checks, SSO session reuse, login_hint
// auto-approve, and the redirect with code and untouched state (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1.2; facts §2.1).
import { createHash } from "node:crypto";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { diag, fail, IDENTITY_ERRORS, type IdentityErrorKey } from "../errors.js";
import {
  KIND,
  type CodeRecord,
  type Face,
  type IdentityCore,
  type Interaction,
  type Session,
} from "../identity-core.js";
import type { IdentityClient, IdentityPersona, IdentityHandlers } from "../types.js";
import { renderLoginPage } from "../login-page.js";
import { levelRank } from "../persona-directory.js";
import { param, repeatedParams, setSsoCookie, ssoCookie } from "../request-params.js";
import { randomId } from "../token-service.js";

/** Store key of a code: its hash, so a store dump never shows usable codes. */
export const codeKey = (code: string): string => createHash("sha256").update(code).digest("base64url");

const PROMPTS = ["none", "login", "consent", "select_account"];

/** RFC 6749 §4.1.2.1: once the redirect URI is trusted, errors go back to it with `error`, `error_description`, `state`. */
function redirectError(redirectUri: string, state: string | undefined, key: IdentityErrorKey, zh: string, en: string) {
  const url = new URL(redirectUri);
  url.searchParams.set("error", IDENTITY_ERRORS[key].oauth);
  url.searchParams.set("error_description", `${zh} / ${en}`);
  if (state !== undefined) url.searchParams.set("state", state);
  return { status: 302 as const, headers: { location: url.toString(), "cache-control": "no-store" } };
}

/** The live SSO session of this tenant named by the browser's cookie, if any. */
async function cookieSession(input: HandlerInput, ctx: HandlerContext): Promise<Session | undefined> {
  const c = ssoCookie(input.headers);
  if (!c || c.paasid !== input.tenant.paasid) return undefined;
  return ctx.store.get<Session>(KIND.session, c.sid);
}

/** Client and redirect URI checks that must pass before anything is sent back to the redirect URI. */
function trustedClient(core: IdentityCore, input: HandlerInput): { client: IdentityClient; redirectUri: string } {
  const rep = repeatedParams(input);
  if (rep.length)
    fail(
      "invalidRequest",
      `参数 ${rep.join(", ")} 出现多次`,
      `parameter ${rep.join(", ")} sent more than once (RFC 6749 §3.1)`,
      rep.map((n) =>
        diag(`/query/${n}`, "oauth.param-once", `${n} repeated`, "每个参数只发送一次 / send each parameter once"),
      ),
    );
  const id = param(input, "client_id");
  if (!id.value)
    fail("invalidRequest", "缺少 client_id", "client_id is missing", [
      diag(
        id.location,
        "oauth.client_id-required",
        "client_id is missing",
        "加上本租户客户端的 client_id / add the client_id of one of your clients",
      ),
    ]);
  const found = core.clients.get(id.value);
  if (!found)
    fail("invalidRequest", `client_id ${id.value} 未注册`, `client_id ${id.value} is not registered`, [
      diag(
        id.location,
        "identity.client-registered",
        `unknown client_id ${id.value}`,
        "在首页或管理接口查看本租户的客户端 / see your tenant's clients on the landing page or admin API",
        id.value,
      ),
    ]);
  if (found.paasid !== input.tenant.paasid)
    fail(
      "invalidRequest",
      `客户端 ${id.value} 属于租户 ${found.paasid}，不属于当前租户 ${input.tenant.paasid}`,
      `client ${id.value} belongs to tenant ${found.paasid}, not to ${input.tenant.paasid}`,
      [
        diag(
          id.location,
          "identity.client-tenant",
          "client of another tenant",
          "使用本租户的客户端 / use a client of your own tenant",
          id.value,
        ),
      ],
    );
  const { client } = found;
  const ru = param(input, "redirect_uri");
  if (!ru.value)
    fail("invalidRequest", "缺少 redirect_uri", "redirect_uri is missing", [
      diag(
        ru.location,
        "oauth.redirect_uri-required",
        "redirect_uri is missing",
        `登记的地址 / registered: ${client.redirectUris.join(" ")}`,
      ),
    ]);
  // Facts §2.1 step 2 and RFC 6749 §3.1.2.3: exact string match, no prefix or pattern matching.
  if (!client.redirectUris.includes(ru.value))
    fail(
      "redirectUriMismatch",
      `redirect_uri 与客户端 ${client.clientId} 登记的地址不完全一致`,
      `redirect_uri does not exactly match any URI registered for ${client.clientId}`,
      [
        diag(
          ru.location,
          "oauth.redirect_uri-exact",
          "redirect_uri not registered (exact match required)",
          `登记的地址 / registered: ${client.redirectUris.join(" ")}（注意大小写、端口、末尾斜杠 / mind case, port, trailing slash）`,
          ru.value,
        ),
      ],
    );
  return { client, redirectUri: ru.value };
}

/** GET …/authorize (tyrz paths, /tif|/pscp static entries, /oidc/authorize). */
/** Scenarios acted out at the authorize step (their ScenarioDef lets the request through to this handler). */
export const FORCED_LOGIN_OUTCOMES: Record<string, { key: IdentityErrorKey; zh: string; en: string }> = {
  "identity.account-locked": {
    key: "accountLocked",
    zh: "账号已被锁定（多次密码错误），请联系管理员解锁",
    en: "the account is locked (too many failed attempts); ask an administrator to unlock it",
  },
  "identity.level-insufficient": {
    key: "levelInsufficient",
    zh: "账号实名等级低于应用要求，请先完成更高等级的实名认证",
    en: "the account's real-name level is below what the application requires; complete a higher verification first",
  },
  "identity.login-cancelled": { key: "loginCancelled", zh: "用户取消了登录", en: "the user cancelled the login" },
};

/** What is wrong with the request's PKCE (RFC 7636, S256 only), or undefined. */
function pkceRefusal(
  client: IdentityClient,
  challenge: string | undefined,
  method: string | undefined,
): { zh: string; en: string } | undefined {
  if (challenge === undefined)
    return client.public
      ? {
          zh: `公开客户端 ${client.clientId} 必须使用 PKCE（code_challenge + code_challenge_method=S256）`,
          en: `public client ${client.clientId} must use PKCE (code_challenge with code_challenge_method=S256)`,
        }
      : undefined;
  // RFC 7636 §4.3: a missing method means "plain", which this platform does not accept (OAuth 2.1 / RFC 9700 §2.1.1).
  if (method !== "S256")
    return {
      zh: `code_challenge_method 必须为 S256，收到 ${method ?? "（空，即 plain）"}`,
      en: `code_challenge_method must be S256, got ${method ?? "(none, meaning plain)"}`,
    };
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return {
      zh: "code_challenge 应为 43 位 base64url（SHA-256 摘要）",
      en: "code_challenge must be 43 base64url characters (a SHA-256 digest)",
    };
  return undefined;
}

export async function authorize(core: IdentityCore, input: HandlerInput, ctx: HandlerContext, face: Face) {
  const { client, redirectUri } = trustedClient(core, input);
  const state = param(input, "state").value;
  const err = (key: IdentityErrorKey, zh: string, en: string) => redirectError(redirectUri, state, key, zh, en);
  // tyrz login-page entries (/pscp/sso/static/) may omit response_type; code is the only flow (facts §2.1 1′).
  const responseType = param(input, "response_type").value ?? (face === "tyrz" ? "code" : undefined);
  if (responseType !== "code")
    return err(
      "unsupportedResponseType",
      `response_type 必须为 code，收到 ${responseType ?? "（空）"}`,
      `response_type must be code, got ${responseType ?? "(none)"}`,
    );
  if (!client.grants.includes("authorization_code"))
    return err(
      "unauthorizedClient",
      `客户端 ${client.clientId} 未获准使用授权码模式`,
      `client ${client.clientId} may not use the authorization code grant`,
    );
  const scope = param(input, "scope").value ?? (face === "tyrz" ? "all" : undefined);
  if (!scope) return err("invalidRequest", "缺少 scope（OIDC 需要 openid）", "scope is missing (OIDC needs openid)");
  const denied = scope.split(" ").filter((s) => s && !client.scopes.includes(s));
  if (denied.length)
    return err(
      "invalidScope",
      `客户端 ${client.clientId} 不能申请 scope ${denied.join(" ")}`,
      `client ${client.clientId} may not request scope ${denied.join(" ")}`,
    );
  // A forced login outcome goes back to the relying party the way a real refusal would: a redirect with the error.
  const forced = input.scenario ? FORCED_LOGIN_OUTCOMES[input.scenario] : undefined;
  if (forced) return err(forced.key, forced.zh, forced.en);
  const challenge = param(input, "code_challenge").value;
  const method = param(input, "code_challenge_method").value;
  const pkce = pkceRefusal(client, challenge, method);
  if (pkce) return err("invalidRequest", pkce.zh, pkce.en);
  const prompt = param(input, "prompt").value;
  if (prompt !== undefined && !prompt.split(" ").every((p) => PROMPTS.includes(p)))
    return err("invalidRequest", `prompt 取值无效：${prompt}`, `invalid prompt value: ${prompt}`);
  const interaction: Interaction = {
    id: randomId(18),
    face,
    clientId: client.clientId,
    redirectUri,
    scope,
    ...(state !== undefined ? { state } : {}),
    ...(param(input, "nonce").value !== undefined ? { nonce: param(input, "nonce").value } : {}),
    ...(challenge !== undefined ? { codeChallenge: challenge } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
  };
  const hint = param(input, "login_hint").value;
  // CI path: login_hint names a persona and the client auto-approves → straight to the redirect.
  if (hint !== undefined && client.autoApprove) {
    const persona = core.personas.get(hint);
    if (!persona)
      return err("invalidRequest", `login_hint 指定的人员 ${hint} 不存在`, `login_hint names no persona: ${hint}`);
    return completeLogin(core, input, ctx, interaction, client, persona, await cookieSession(input, ctx));
  }
  // Single sign-on: a live session of this browser is reused unless the client asks to log in again.
  const session = await cookieSession(input, ctx);
  const forceLogin = prompt?.split(" ").some((p) => p === "login" || p === "select_account");
  if (session && !forceLogin) {
    const persona = core.personas.get(session.personaId);
    if (persona && !persona.locked && levelRank(persona.level) >= levelRank(client.requiredLevel))
      return completeLogin(core, input, ctx, interaction, client, persona, session);
  }
  if (prompt?.split(" ").includes("none"))
    return err(
      "loginRequired",
      "没有可用的登录会话，且 prompt=none 不允许显示登录页",
      "no usable login session and prompt=none forbids showing the login page",
    );
  await ctx.store.put(
    KIND.interaction,
    interaction.id,
    { ...interaction, loginHint: hint },
    { ttlMs: core.cfg.interactionTtlSec * 1000 },
  );
  return loginPage(core, client, { ...interaction, loginHint: hint });
}

function loginPage<S extends 200 | 400 = 200>(
  core: IdentityCore,
  client: IdentityClient,
  interaction: Interaction,
  error?: { zh: string; en: string },
  status?: S,
) {
  return {
    status: (status ?? 200) as S,
    contentType: "text/html; charset=utf-8",
    headers: { "cache-control": "no-store" },
    body: renderLoginPage({ interaction, client, personas: core.personas.list(), error, hint: interaction.loginHint }),
  };
}

/** Finish a login for a persona: level and lock checks, session, one-time code, redirect with untouched state. */
async function completeLogin(
  core: IdentityCore,
  input: HandlerInput,
  ctx: HandlerContext,
  interaction: Interaction,
  client: IdentityClient,
  persona: IdentityPersona,
  existing: Session | undefined,
) {
  const err = (key: IdentityErrorKey, zh: string, en: string) =>
    redirectError(interaction.redirectUri, interaction.state, key, zh, en);
  await ctx.store.delete(KIND.interaction, interaction.id);
  if (persona.locked)
    return err(
      "accountLocked",
      `账号 ${persona.id} 已被锁定，无法登录`,
      `account ${persona.id} is locked and cannot log in`,
    );
  if (levelRank(persona.level) < levelRank(client.requiredLevel))
    return err(
      "levelInsufficient",
      `人员 ${persona.id} 的实名等级 ${persona.level} 低于应用 ${client.clientId} 要求的 ${client.requiredLevel}`,
      `persona ${persona.id} has real-name level ${persona.level}, below the ${client.requiredLevel} that client ${client.clientId} requires`,
    );
  const nowMs = ctx.clock.now();
  const nowSec = Math.floor(nowMs / 1000);
  const session: Session =
    existing && existing.personaId === persona.id
      ? existing
      : { sid: randomId(16), personaId: persona.id, authTime: nowSec, clients: [] };
  if (!session.clients.includes(client.clientId)) session.clients.push(client.clientId);
  await ctx.store.put(KIND.session, session.sid, session, { ttlMs: core.cfg.sessionTtlSec * 1000 });
  const code = randomId(32);
  const record: CodeRecord = {
    face: interaction.face,
    clientId: client.clientId,
    redirectUri: interaction.redirectUri,
    scope: interaction.scope,
    personaId: persona.id,
    sid: session.sid,
    authTime: session.authTime,
    ...(interaction.nonce !== undefined ? { nonce: interaction.nonce } : {}),
    ...(interaction.codeChallenge !== undefined ? { codeChallenge: interaction.codeChallenge } : {}),
    expiresAt: nowMs + core.cfg.codeTtlSec * 1000,
  };
  // Kept an hour past its TTL so a late or repeated use is answered precisely (and a repeat can revoke, item 7).
  await ctx.store.put(KIND.code, codeKey(code), record, { ttlMs: (core.cfg.codeTtlSec + 3600) * 1000 });
  ctx.emit("identity.login", {
    persona: persona.id,
    clientId: client.clientId,
    sid: session.sid,
    face: interaction.face,
    sso: session === existing,
  });
  const url = new URL(interaction.redirectUri);
  url.searchParams.set("code", code);
  if (interaction.state !== undefined) url.searchParams.set("state", interaction.state); // returned untouched
  return {
    status: 302 as const,
    headers: {
      location: url.toString(),
      "cache-control": "no-store",
      "set-cookie": setSsoCookie(input.tenant.paasid, session.sid, core.cfg.sessionTtlSec),
    },
  };
}

/** POST /sso/login — the persona page's form: a persona choice or a cancel. */
export async function submitLogin(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const iid = param(input, "interaction");
  const interaction = iid.value ? await ctx.store.get<Interaction>(KIND.interaction, iid.value) : undefined;
  if (!interaction)
    fail(
      "interactionExpired",
      `登录请求不存在或已超过 ${core.cfg.interactionTtlSec / 60} 分钟`,
      `login request unknown or older than ${core.cfg.interactionTtlSec / 60} minutes`,
      [
        diag(
          iid.location,
          "identity.interaction-live",
          "no pending login request",
          "从应用重新发起登录 / start the login again from the application",
          iid.value,
        ),
      ],
    );
  const found = core.clients.get(interaction.clientId);
  if (!found || found.paasid !== input.tenant.paasid)
    fail(
      "invalidRequest",
      `客户端 ${interaction.clientId} 已不存在`,
      `client ${interaction.clientId} no longer exists`,
    );
  const { client } = found;
  if (param(input, "action").value === "cancel") {
    await ctx.store.delete(KIND.interaction, interaction.id);
    ctx.emit("identity.login-cancelled", { clientId: client.clientId });
    return redirectError(
      interaction.redirectUri,
      interaction.state,
      "loginCancelled",
      "用户取消了登录",
      "the user cancelled the login",
    );
  }
  const pid = param(input, "persona").value;
  if (!pid) return loginPage(core, client, interaction, { zh: "请选择一个人员", en: "choose a persona" }, 400);
  const persona = core.personas.get(pid);
  if (!persona) return loginPage(core, client, interaction, { zh: `人员 ${pid} 不存在`, en: `no persona ${pid}` }, 400);
  return completeLogin(core, input, ctx, interaction, client, persona, await cookieSession(input, ctx));
}

export const authorizeHandlers = {
  identityTyrzAuthorize: (input, ctx, { core }) => authorize(core, input, ctx, "tyrz"),
  identityPscpAuthorize: (input, ctx, { core }) => authorize(core, input, ctx, "tyrz"),
  identityPscpAuthorizeSlash: (input, ctx, { core }) => authorize(core, input, ctx, "tyrz"),
  identityTyrzStatic: (input, ctx, { core }) => authorize(core, input, ctx, "tyrz"),
  identityPscpStatic: (input, ctx, { core }) => authorize(core, input, ctx, "tyrz"),
  identityOidcAuthorize: (input, ctx, { core }) => authorize(core, input, ctx, "oidc"),
  identityLoginSubmit: (input, ctx, { core }) => submitLogin(core, input, ctx),
} satisfies IdentityHandlers;
