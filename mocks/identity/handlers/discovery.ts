// OpenID Connect discovery (/.well-known/openid-configuration) and the signing keys (JWKS), from the issuer.
import type { IdentityHandlers } from "../types.js";
import { OIDC_SCOPES } from "../client-registry.js";

export const OIDC_PATHS = {
  authorize: "/oidc/authorize",
  token: "/oidc/token",
  userinfo: "/oidc/userinfo",
  jwks: "/oidc/jwks",
  introspect: "/oidc/introspect",
  revoke: "/oidc/revoke",
  endSession: "/oidc/logout",
} as const;

/** The discovery document of an issuer: every endpoint, and what this provider supports. */
// not annotated: the contract lists the members a client needs, the document carries more (additionalProperties)
export function discoveryDocument(issuer: string) {
  return {
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
}

export const discoveryHandlers = {
  identityOidcDiscovery: (_input, _ctx, { discovery }) => ({
    status: 200,
    headers: { "cache-control": "public, max-age=300" },
    body: discovery,
  }),
  identityOidcJwks: (_input, ctx, { core }) => ({
    status: 200,
    headers: { "cache-control": "public, max-age=60" },
    body: core.ring.jwks(ctx.clock.now()),
  }),
} satisfies IdentityHandlers;
