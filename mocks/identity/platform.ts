// The identity platform module (统一身份认证): tyrz-compatible face, OpenID Connect face, admin operations, scenarios and
// the in-process IdentityApi (shared token verifier) — wiring only, assembled for the gateway (facts §2, §8.2).
import { attachIdentityStore, followIdentityStore } from "./durable-state.js";
import type { Store } from "../shared/store.js";
import { bindHandlers } from "../shared/operations.js";
import type { EnvelopeFormatter, PlatformModule, ScenarioDef } from "../shared/types.js";
import type { Seed } from "../shared/seed-types.js";
import { adminHandlers } from "./handlers/admin.js";
import { authorizeHandlers } from "./handlers/authorize.js";
import { discoveryDocument, discoveryHandlers } from "./handlers/discovery.js";
import { tenantOfRequest } from "./request-tenant.js";
import { identityEnvelopes, oauthEnvelope } from "./errors.js";
import { IdentityCore, type IdentityConfig } from "./identity-core.js";
import { createIdentityApi } from "./identity-api.js";
import type { IdentityApi, IdentityDeps } from "./types.js";
import { logoutHandlers } from "./handlers/logout.js";
import { inspectionHandlers } from "./handlers/inspection.js";
import { tokenHandlers } from "./handlers/token.js";
import { IDENTITY_SCENARIOS } from "./scenarios.js";

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

  const api = createIdentityApi(core, issuer);

  const deps: IdentityDeps = { core, api, discovery: discoveryDocument(issuer) };
  const handlers = bindHandlers(deps, [
    authorizeHandlers,
    tokenHandlers,
    inspectionHandlers,
    logoutHandlers,
    discoveryHandlers,
    adminHandlers,
  ]);

  const resolveTenant = tenantOfRequest(core);

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
