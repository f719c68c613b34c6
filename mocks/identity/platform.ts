// The identity platform module (统一身份认证): tyrz-compatible face, OpenID Connect face, admin operations, scenarios and
// the in-process IdentityApi (shared token verifier) — assembled for the gateway (issue 3; facts §2, §8.2).
import { attachIdentityStore, followIdentityStore } from "./durable-state.js";
import type { Store } from "../shared/store.js";
import { bindHandlers } from "../shared/operations.js";
import type { EnvelopeFormatter, PlatformModule, ScenarioDef } from "../shared/types.js";
import type { Seed } from "../shared/seed-types.js";
import { adminHandlers } from "./handlers/admin.js";
import { authorizeHandlers } from "./handlers/authorize.js";
import { discoveryDocument, discoveryHandlers } from "./handlers/discovery.js";
import { basicCredentials, bearerToken, ssoCookie } from "./request-params.js";
import { identityEnvelopes, oauthEnvelope } from "./errors.js";
import { IdentityCore, type IdentityConfig } from "./identity-core.js";
import type { IdentityApi, IdentityDeps } from "./types.js";
import { logoutHandlers } from "./handlers/logout.js";
import { inspectionHandlers } from "./handlers/inspection.js";
import { tokenHandlers } from "./handlers/token.js";
import { IDENTITY_SCENARIOS } from "./scenarios.js";
import { decodeJwt } from "./token-service.js";

export type { IdentityApi } from "./types.js";
export type * from "./types.js";
export { identityEnvelopes, oauthEnvelope, tyrzEnvelope, IDENTITY_ERRORS } from "./errors.js";
export { OIDC_PATHS } from "./handlers/discovery.js";
export { IDENTITY_SCENARIOS } from "./scenarios.js";

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

  const deps: IdentityDeps = { core, api, discovery: discoveryDocument(issuer) };
  const handlers = bindHandlers(deps, [
    authorizeHandlers,
    tokenHandlers,
    inspectionHandlers,
    logoutHandlers,
    discoveryHandlers,
    adminHandlers,
  ]);

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
