// Single sign-out: ending an SSO session revokes its tokens and POSTs logout tokens to every relying party of the
// session that registered a back-channel URI (OIDC RP-Initiated Logout 1.0, Back-Channel Logout 1.0; facts §2.1
// step 5 for the tyrz front-channel form).
import { ProblemError } from "../../shared/problem.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { diag, fail, IDENTITY_ERRORS } from "../errors.js";
import { KIND, type Family, type IdentityCore, type Session } from "../identity-core.js";
import type { IdentityClient, IdentityHandlers } from "../types.js";
import { renderLoggedOutPage } from "../login-page.js";
import { clearSsoCookie, param, ssoCookie } from "../request-params.js";
import { revokeFamily } from "../token-families.js";
import { subjectOf } from "../tyrz-user-object.js";

export interface BackchannelDelivery {
  clientId: string;
  uri: string;
  ok: boolean;
  status?: number;
  error?: string;
}

/** End a session: revoke it and its token families, then notify the session's relying parties (awaited, bounded). */
export async function endSession(
  core: IdentityCore,
  ctx: HandlerContext,
  paasid: string,
  session: Session,
  initiator: string,
): Promise<BackchannelDelivery[]> {
  const now = ctx.clock.now();
  // Access tokens carry sid; refusing the sid until the longest access token would expire covers them all.
  core.revocations.endSession(paasid, session.sid, now + core.cfg.accessTokenTtlSec * 1000, now);
  await ctx.store.delete(KIND.session, session.sid);
  for (const f of await ctx.store.list<Family>(KIND.family, { index: "sid", value: session.sid }))
    if (!f.revoked) await revokeFamily(core, ctx, paasid, f.id, "session ended");
  ctx.emit("identity.logout", { sid: session.sid, persona: session.personaId, clients: session.clients, initiator });
  const persona = core.personas.get(session.personaId);
  const targets = session.clients
    .map((id) => core.clients.get(id))
    .filter(
      (c): c is { paasid: string; client: IdentityClient } =>
        !!c && c.paasid === paasid && !!c.client.backchannelLogoutUri,
    );
  return Promise.all(
    targets.map(async ({ client }) => {
      const uri = client.backchannelLogoutUri!;
      const delivery: BackchannelDelivery = { clientId: client.clientId, uri, ok: false };
      try {
        const logoutToken = await core.tokens.issueLogoutToken({
          nowSec: Math.floor(now / 1000),
          clientId: client.clientId,
          sub: persona ? subjectOf(core.seed.value, persona) : session.personaId,
          sid: session.sid,
        });
        const { request } = await import("undici"); // loaded on first use: start-up need not pay for it
        const res = await request(uri, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ logout_token: logoutToken }).toString(),
          headersTimeout: core.cfg.backchannelTimeoutMs,
          bodyTimeout: core.cfg.backchannelTimeoutMs,
        });
        await res.body.dump();
        delivery.status = res.statusCode;
        delivery.ok = res.statusCode === 200 || res.statusCode === 204; // Back-Channel Logout §2.8
      } catch (e) {
        delivery.error = (e as Error).message;
      }
      ctx.emit("identity.backchannel-logout", { ...delivery, sid: session.sid });
      return delivery;
    }),
  );
}

/**
 * GET /oidc/logout (RP-Initiated Logout 1.0 §2–3):
 * - id_token_hint must be an ID token signed by this platform (expired ones are accepted, §4) — it names client and session;
 * - client_id, when also sent, must be the hint's audience;
 * - post_logout_redirect_uri must exactly match one registered for the client, which must be identified;
 * - state goes back untouched. Without a redirect target a "signed out" page is shown.
 */
export async function oidcEndSession(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const hint = param(input, "id_token_hint");
  let clientId = param(input, "client_id").value;
  let sid: string | undefined;
  if (hint.value) {
    const sig = await core.tokens.verifySignature(hint.value, ctx.clock.now(), hint.location);
    if (!sig.ok) throw new ProblemError({ ...sig.problem, code: IDENTITY_ERRORS.invalidRequest.code, status: 400 });
    const aud = Array.isArray(sig.payload.aud) ? String(sig.payload.aud[0]) : String(sig.payload.aud);
    if (sig.payload.iss !== core.cfg.issuer || sig.header.typ === "at+jwt")
      fail(
        "invalidRequest",
        "id_token_hint 不是本平台签发的 ID 令牌",
        "id_token_hint is not an ID token issued by this platform",
        [
          diag(
            hint.location,
            "rp-logout.id_token_hint",
            "not an ID token of this issuer",
            "传入登录时收到的 id_token / pass the id_token received at login",
          ),
        ],
      );
    if (clientId !== undefined && clientId !== aud)
      fail(
        "invalidRequest",
        `client_id ${clientId} 与 id_token_hint 的受众 ${aud} 不一致`,
        `client_id ${clientId} differs from the id_token_hint audience ${aud}`,
        [
          diag(
            "/query/client_id",
            "rp-logout.client",
            "client mismatch",
            "去掉 client_id 或改为一致 / drop or fix client_id",
            clientId,
          ),
        ],
      );
    clientId = aud;
    sid = typeof sig.payload.sid === "string" ? sig.payload.sid : undefined;
  }
  const cookie = ssoCookie(input.headers);
  if (!sid && cookie?.paasid === input.tenant.paasid) sid = cookie.sid;
  const pl = param(input, "post_logout_redirect_uri");
  let target: string | undefined;
  if (pl.value) {
    const found = clientId ? core.clients.get(clientId) : undefined;
    if (!found || found.paasid !== input.tenant.paasid)
      fail(
        "invalidRequest",
        "使用 post_logout_redirect_uri 时必须用 id_token_hint 或 client_id 指明本租户的客户端",
        "post_logout_redirect_uri needs the client identified by id_token_hint or client_id (a client of this tenant)",
        [diag(pl.location, "rp-logout.client-required", "client unknown", "加上 id_token_hint / add id_token_hint")],
      );
    if (!found.client.postLogoutRedirectUris.includes(pl.value))
      fail(
        "redirectUriMismatch",
        `post_logout_redirect_uri 与客户端 ${found.client.clientId} 登记的不完全一致`,
        `post_logout_redirect_uri does not exactly match one registered for ${found.client.clientId}`,
        [
          diag(
            pl.location,
            "rp-logout.redirect-exact",
            "unregistered post_logout_redirect_uri",
            `登记的地址 / registered: ${found.client.postLogoutRedirectUris.join(" ") || "（无 / none）"}`,
            pl.value,
          ),
        ],
      );
    target = pl.value;
  }
  const session = sid ? await ctx.store.get<Session>(KIND.session, sid) : undefined;
  if (session) await endSession(core, ctx, input.tenant.paasid, session, clientId ?? "browser");
  const headers: Record<string, string> = { "cache-control": "no-store", "set-cookie": clearSsoCookie() };
  if (!target)
    return { status: 200 as const, contentType: "text/html; charset=utf-8", headers, body: renderLoggedOutPage() };
  const url = new URL(target);
  const state = param(input, "state").value;
  if (state !== undefined) url.searchParams.set("state", state);
  return { status: 302 as const, headers: { ...headers, location: url.toString() } };
}

/**
 * GET /_tif_sso_logout_/?redirect_uri= (facts §2.1 step 5): end the browser's session, then redirect. The target must
 * share its origin with a URI registered by one of the tenant's clients (no open redirect).
 */
export async function tyrzLogout(core: IdentityCore, input: HandlerInput, ctx: HandlerContext) {
  const ru = param(input, "redirect_uri");
  if (ru.value) {
    let origin: string | undefined;
    try {
      origin = new URL(ru.value).origin;
    } catch {
      /* reported below */
    }
    const allowed = core.clients
      .list(input.tenant.paasid)
      .flatMap((c) => [...c.redirectUris, ...c.postLogoutRedirectUris])
      .map((u) => new URL(u).origin);
    if (!origin || !allowed.includes(origin))
      fail(
        "redirectUriMismatch",
        "redirect_uri 不属于本租户任何客户端登记的站点",
        "redirect_uri is not on a site registered by any client of this tenant",
        [
          diag(
            ru.location,
            "tyrz.logout-redirect",
            "unregistered logout redirect",
            `登记的站点 / registered origins: ${[...new Set(allowed)].join(" ")}`,
            ru.value,
          ),
        ],
      );
  }
  const cookie = ssoCookie(input.headers);
  const session =
    cookie && cookie.paasid === input.tenant.paasid
      ? await ctx.store.get<Session>(KIND.session, cookie.sid)
      : undefined;
  if (session) await endSession(core, ctx, input.tenant.paasid, session, "tyrz-logout");
  const headers: Record<string, string> = { "cache-control": "no-store", "set-cookie": clearSsoCookie() };
  if (!ru.value)
    return { status: 200 as const, contentType: "text/html; charset=utf-8", headers, body: renderLoggedOutPage() };
  return { status: 302 as const, headers: { ...headers, location: ru.value } };
}

export const logoutHandlers = {
  identityTyrzLogout: (input, ctx, { core }) => tyrzLogout(core, input, ctx),
  identityOidcEndSession: (input, ctx, { core }) => oidcEndSession(core, input, ctx),
} satisfies IdentityHandlers;
