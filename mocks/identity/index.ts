// The identity platform module (统一身份认证): tyrz-compatible face, OpenID Connect face, admin operations, scenarios and
// the in-process IdentityApi (shared token verifier) — assembled for the gateway (issue 3; facts §2, §8.2).
import { attachIdentityStore, followIdentityStore } from "./durable-state.js";
import type { Store } from "../shared/store.js";
import { FORCED_LOGIN_OUTCOMES } from "./authorize-flow.js";
import type { EnvelopeFormatter, Handler, PlatformModule, ScenarioDef } from "../shared/types.js";
import type { Seed } from "../shared/seed-types.js";
import { adminHandlers } from "./admin-handlers.js";
import { authorize, submitLogin } from "./authorize-flow.js";
import { basicCredentials, bearerToken, ssoCookie } from "./request-params.js";
import { idpProblem, identityEnvelopes, oauthEnvelope } from "./identity-errors.js";
import { IdentityCore, type IdentityConfig } from "./identity-core.js";
import type { IdentityApi } from "./identity-types.js";
import { oidcEndSession, tyrzLogout } from "./session-logout.js";
import { introspect, revoke, tokeninfo, userinfo } from "./token-inspection.js";
import { tokenEndpoint } from "./token-endpoint.js";
import { decodeJwt } from "./token-service.js";
import { OIDC_SCOPES } from "./client-registry.js";

export type { IdentityApi } from "./identity-types.js";
export type * from "./identity-types.js";
export { identityEnvelopes, oauthEnvelope, tyrzEnvelope, IDENTITY_ERRORS } from "./identity-errors.js";

export interface IdentityPlatformOptions {
  seed: Seed;
  /** Base URL of the simulator, e.g. http://127.0.0.1:8080 — the OIDC issuer and the `iss` of every token. */
  issuer: string;
  /** Seed for the signing keys (default: the seed value), so keys are the same on every machine. */
  keySeed?: string;
  /** Lifetimes and limits (facts §8.2 defaults). */
  config?: Partial<Omit<IdentityConfig, "issuer">>;
}

export type IdentityPlatform = PlatformModule & {
  name: "identity";
  api: IdentityApi;
  envelope: EnvelopeFormatter;
  /** Per-operation envelopes, chosen by `x-gatesim-envelope` in contracts/identity.yaml. */
  envelopes: typeof identityEnvelopes;
  scenarios: ScenarioDef[];
};

/** OIDC paths (simulator-defined; discovery lives at the standard well-known path). */
export const OIDC_PATHS = {
  authorize: "/oidc/authorize",
  token: "/oidc/token",
  userinfo: "/oidc/userinfo",
  jwks: "/oidc/jwks",
  introspect: "/oidc/introspect",
  revoke: "/oidc/revoke",
  endSession: "/oidc/logout",
} as const;

const TYRZ_AUTHORIZE = [
  "identityTyrzAuthorize",
  "identityPscpAuthorize",
  "identityPscpAuthorizeSlash",
  "identityTyrzStatic",
  "identityPscpStatic",
];
const TYRZ_TOKEN = [
  "identityTyrzAccessToken",
  "identityTyrzAccessTokenPost",
  "identityPscpAccessToken",
  "identityPscpAccessTokenPost",
];
const AUTHORIZE_OPS = [...TYRZ_AUTHORIZE, "identityOidcAuthorize"];
const TOKEN_OPS = [...TYRZ_TOKEN, "identityOidcToken"];

/** Domain scenarios for the foundation's catalogue (x-gatesim-scenario or tenant rules; issue 3 item 8). */
export const IDENTITY_SCENARIOS: ScenarioDef[] = [
  {
    name: "identity.unavailable",
    platform: "identity",
    zh: "统一身份认证平台不可用 (503)",
    en: "identity platform unavailable (503)",
    outcome: {
      kind: "problem",
      problem: idpProblem(
        "temporarilyUnavailable",
        "统一身份认证平台暂时不可用，请稍后重试",
        "the identity platform is temporarily unavailable; retry later",
      ),
    },
  },
  // Acted out by the authorize handler as a redirect back to the relying party (authorize-flow.ts FORCED_LOGIN_OUTCOMES).
  ...Object.entries(FORCED_LOGIN_OUTCOMES).map(([name, o]): ScenarioDef => ({
    name,
    platform: "identity",
    zh: `${o.zh}（重定向回应用，error=access_denied）`,
    en: `${o.en} (redirect back to the application, error=access_denied)`,
    operations: AUTHORIZE_OPS,
    outcome: { kind: "latency", ms: 0 },
  })),
  {
    name: "identity.slow-token",
    platform: "identity",
    zh: "令牌接口应答延迟 5 秒",
    en: "token endpoint answers 5 s late",
    operations: TOKEN_OPS,
    outcome: { kind: "latency", ms: 5000 },
  },
];

export function createIdentityPlatform(opts: IdentityPlatformOptions): IdentityPlatform {
  const issuer = opts.issuer.replace(/\/+$/, "");
  const accessTokenTtlSec = opts.config?.accessTokenTtlSec ?? 7200;
  const cfg: IdentityConfig = {
    audience: "gatesim",
    codeTtlSec: 300,
    refreshTokenTtlSec: 30 * 86400,
    idTokenTtlSec: 3600,
    sessionTtlSec: 12 * 3600,
    interactionTtlSec: 600,
    keyGraceSec: accessTokenTtlSec,
    backchannelTimeoutMs: 2000,
    ...opts.config,
    accessTokenTtlSec,
    issuer,
  };
  const core = new IdentityCore(opts.seed, cfg, opts.keySeed ?? opts.seed.value);
  let identityStore: Store | undefined; // the configured store's ~identity namespace, once attached

  const api: IdentityApi = {
    issuer,
    audience: cfg.audience,
    registerClient: (paasid, client) => core.clients.register(paasid, client),
    updateClient: (paasid, clientId, patch) => core.clients.update(paasid, clientId, patch),
    deleteClient: (paasid, clientId) => core.clients.delete(paasid, clientId),
    getClient: (clientId) => core.clients.get(clientId),
    listClients: (paasid) => core.clients.list(paasid),
    defaultClientsFor: (paasid) => core.clients.defaultsFor(paasid),
    ensureTenant: (paasid) => {
      if (!core.clients.hasTenant(paasid))
        for (const c of core.clients.defaultsFor(paasid)) core.clients.register(paasid, c);
      return core.clients.list(paasid);
    },
    resetTenant: (paasid) => {
      core.clients.clearTenant(paasid);
      core.revocations.clearTenant(paasid);
      return api.ensureTenant(paasid);
    },
    verifyAccessToken: (token, o) => core.tokens.verifyAccessToken(token, o),
    rotateKeys: (now = Date.now()) => core.ring.rotate(now),
    jwks: (now = Date.now()) => core.ring.jwks(now),
    addPersona: (input) => core.personas.add(input),
    personas: () => core.personas.list(),
    persona: (id) => core.personas.get(id),
  };

  const discovery = {
    issuer,
    authorization_endpoint: issuer + OIDC_PATHS.authorize,
    token_endpoint: issuer + OIDC_PATHS.token,
    userinfo_endpoint: issuer + OIDC_PATHS.userinfo,
    jwks_uri: issuer + OIDC_PATHS.jwks,
    introspection_endpoint: issuer + OIDC_PATHS.introspect,
    revocation_endpoint: issuer + OIDC_PATHS.revoke,
    end_session_endpoint: issuer + OIDC_PATHS.endSession,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: [...OIDC_SCOPES],
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "nonce",
      "sid",
      "acr",
      "name",
      "preferred_username",
      "gender",
      "birthdate",
      "email",
      "email_verified",
      "phone_number",
      "phone_number_verified",
      "persona",
      "level",
      "usertype",
      "idcardtype",
      "idcardnumber",
      "isreal",
      "org_name",
      "org_uscc",
      "parent_uidcode",
    ],
    acr_values_supported: ["L0", "L1", "L2", "L3"],
    prompt_values_supported: ["none", "login", "consent", "select_account"],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: false,
  };

  const tyrzAuthorize: Handler = (input, ctx) => authorize(core, input, ctx, "tyrz");
  const tyrzToken: Handler = (input, ctx) => tokenEndpoint(core, input, ctx, "tyrz");
  const tyrzInfo: Handler = (input, ctx) => tokeninfo(core, input, ctx);
  const handlers: Record<string, Handler> = {
    ...Object.fromEntries(TYRZ_AUTHORIZE.map((id) => [id, tyrzAuthorize])),
    ...Object.fromEntries(TYRZ_TOKEN.map((id) => [id, tyrzToken])),
    identityTyrzTokeninfo: tyrzInfo,
    identityPscpTokeninfo: tyrzInfo,
    identityTyrzLogout: (input, ctx) => tyrzLogout(core, input, ctx),
    identityLoginSubmit: (input, ctx) => submitLogin(core, input, ctx),
    identityOidcDiscovery: () => ({
      status: 200,
      headers: { "cache-control": "public, max-age=300" },
      body: discovery,
    }),
    identityOidcJwks: (_input, ctx) => ({
      status: 200,
      headers: { "cache-control": "public, max-age=60" },
      body: core.ring.jwks(ctx.clock.now()),
    }),
    identityOidcAuthorize: (input, ctx) => authorize(core, input, ctx, "oidc"),
    identityOidcToken: (input, ctx) => tokenEndpoint(core, input, ctx, "oidc"),
    identityOidcUserinfo: (input, ctx) => userinfo(core, input, ctx),
    identityOidcUserinfoPost: (input, ctx) => userinfo(core, input, ctx),
    identityOidcIntrospect: (input, ctx) => introspect(core, input, ctx),
    identityOidcRevoke: (input, ctx) => revoke(core, input, ctx),
    identityOidcEndSession: (input, ctx) => oidcEndSession(core, input, ctx),
    ...adminHandlers(core, api),
  };

  /** Tenant of a request without x-tif headers: client_id, Basic auth, bearer token's paasid, id_token_hint, SSO cookie, logout redirect. */
  const resolveTenant: PlatformModule["resolveTenant"] = ({ query, body, headers }) => {
    const b = body && typeof body === "object" && !Buffer.isBuffer(body) ? (body as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
    const clientId = str(b.client_id) ?? str(query.client_id);
    const basic = basicCredentials(headers);
    const owner = (id: string | undefined) => (id ? core.clients.get(id)?.paasid : undefined);
    const byClient = owner(clientId) ?? owner(typeof basic === "object" ? basic.clientId : undefined);
    if (byClient) return byClient;
    const bearer = bearerToken(headers) ?? str(query.access_token) ?? str(b.access_token);
    const claimed = bearer ? decodeJwt(bearer)?.payload.paasid : undefined;
    if (typeof claimed === "string") return claimed; // verified later against this very tenant
    const hint = str(query.id_token_hint) ?? str(b.id_token_hint);
    const aud = hint ? decodeJwt(hint)?.payload.aud : undefined;
    const byHint = owner(Array.isArray(aud) ? String(aud[0]) : typeof aud === "string" ? aud : undefined);
    if (byHint) return byHint;
    const cookie = ssoCookie(headers);
    if (cookie) return cookie.paasid;
    const ru = str(query.redirect_uri) ?? str(query.post_logout_redirect_uri);
    if (ru) {
      let origin: string | undefined;
      try {
        origin = new URL(ru).origin;
      } catch {
        return undefined;
      }
      for (const { paasid, client } of core.clients.all())
        if ([...client.redirectUris, ...client.postLogoutRedirectUris].some((u) => new URL(u).origin === origin))
          return paasid;
    }
    return undefined;
  };

  // Every platform's bearer-secured operations accept this platform's access tokens (facts: one token, every platform).
  const bearer = {
    verify: api.verifyAccessToken,
    tenantOf: (headers: Record<string, string | string[] | undefined>) =>
      resolveTenant({ query: {}, body: undefined, headers }),
  };
  return {
    name: "identity",
    handlers,
    attachStore: (store) => {
      identityStore = store;
      return attachIdentityStore(core, store);
    },
    onStoreChange: (change) => (identityStore ? followIdentityStore(core, identityStore, change) : undefined),
    envelope: oauthEnvelope,
    envelopes: identityEnvelopes,
    scenarios: IDENTITY_SCENARIOS,
    resolveTenant,
    api,
    securitySchemes: { bearer },
  };
}
