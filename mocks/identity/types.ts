// Types of the identity platform (统一身份认证): clients, personas, sessions, grants and the in-process IdentityApi.
import type { Clock } from "../shared/clock.js";
import type { Enterprise, Level, Person } from "../shared/seed-types.js";
import type { Principal, Problem } from "../shared/types.js";

export type GrantType = "authorization_code" | "refresh_token" | "client_credentials";

/** An OAuth/tyrz client (relying party) registered under one tenant (paasid). */
export interface IdentityClient {
  /** Unique across all tenants: the tenant of a browser request is found from it. */
  clientId: string;
  name: string;
  /** Public clients (SPA, mobile) have no secret and must use PKCE S256 (RFC 7636, OAuth 2.1 §4.1.1). */
  public: boolean;
  /** Confidential clients only. Never logged or echoed in errors. */
  secret?: string;
  /** Exact-match redirect URIs (facts §2.1 step 2). */
  redirectUris: string[];
  /** Exact-match post-logout redirect URIs (OIDC RP-Initiated Logout 1.0 §3). */
  postLogoutRedirectUris: string[];
  grants: GrantType[];
  /** Scopes the client may ask for. */
  scopes: string[];
  /** Minimum real-name level of the persona (facts §2.3); below it the login is refused. */
  requiredLevel: Level;
  /** Skip the persona page when `login_hint` names a persona (CI runs the code flow without a browser). */
  autoApprove: boolean;
  /** OIDC Back-Channel Logout 1.0: where logout tokens are POSTed. */
  backchannelLogoutUri?: string;
}

/** What registerClient/updateClient accept: everything but the id has a default. */
export type ClientInput = Partial<IdentityClient> & { clientId: string };

/** A login persona: a natural person, or an operator account under a legal person (tyrz pareobj). */
export interface IdentityPersona {
  /** Value for the persona picker and `login_hint`. */
  id: string;
  kind: "person" | "operator";
  /** The natural person (for operators: the human operating the enterprise account). */
  person: Person;
  /** Operators only: the legal person (parent account, tyrz pareobj). */
  enterprise?: Enterprise;
  level: Level;
  /** A locked account cannot log in (scenario "account locked" with a real persona). */
  locked: boolean;
  source: "seed" | "admin";
}

/** What addPersona accepts (admin API). Missing fields are derived from the ID number or defaulted. */
export interface AddPersonaInput {
  id?: string;
  kind?: "person" | "operator";
  name: string;
  idNumber: string;
  level: Level;
  phone?: string;
  email?: string;
  loginMethod?: Person["loginMethod"];
  realtype?: string;
  uid?: string;
  locked?: boolean;
  /** Operators: an enterprise of the seed by USCC, or a new one described here. */
  enterpriseUscc?: string;
  enterprise?: {
    uscc: string;
    name: string;
    legalRepresentative?: { name: string; idNumber: string };
    address?: string;
  };
}

/** Claims of an access token issued by this platform (RFC 9068 plus gatesim/tyrz claims). */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  /** The tenant that owns the client. */
  paasid: string;
  /** Persona id; absent for client_credentials tokens. */
  persona?: string;
  /** Real-name level of the persona. */
  level?: Level;
  /** SSO session id (absent for client_credentials). */
  sid?: string;
  [k: string]: unknown;
}

export type VerifyResult =
  | { ok: true; principal: Extract<Principal, { kind: "user" }>; claims: AccessTokenClaims }
  | { ok: false; problem: Problem };

export interface VerifyOptions {
  /** The verifying tenant's virtual clock (expiry is judged by it). */
  clock: Clock;
  /** Refuse tokens whose client belongs to another tenant. */
  expectedTenant?: string;
  /** Audience the resource expects; default: the platform's access-token audience. */
  audience?: string;
  /** Scopes that must all be present. */
  requiredScopes?: string[];
}

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

export interface IdentityApi {
  readonly issuer: string;
  /** Audience of access tokens (other platforms expect it). */
  readonly audience: string;
  /** Register a client under a tenant; throws when the client_id is taken by any tenant. */
  registerClient(paasid: string, client: ClientInput): IdentityClient;
  /** Change a client; throws when unknown. */
  updateClient(paasid: string, clientId: string, patch: Partial<Omit<IdentityClient, "clientId">>): IdentityClient;
  deleteClient(paasid: string, clientId: string): boolean;
  getClient(clientId: string): { paasid: string; client: IdentityClient } | undefined;
  listClients(paasid: string): IdentityClient[];
  /** Deterministic default clients of a tenant (web, public PKCE, CI); not registered by this call. */
  defaultClientsFor(paasid: string): IdentityClient[];
  /** Register the default clients of a tenant unless it already has clients. Call when a tenant is created. */
  ensureTenant(paasid: string): IdentityClient[];
  /** Tenant reset: drop its clients and revocations, re-register its defaults. */
  resetTenant(paasid: string): IdentityClient[];
  /** THE shared verifier other platforms use to accept identity access tokens offline. */
  verifyAccessToken(token: string, opts: VerifyOptions): Promise<VerifyResult>;
  /** Start signing with a new key; the old one stays in JWKS for the grace period. Returns the new kid. */
  rotateKeys(now?: number): { kid: string; retired: string[] };
  /** Public keys currently published (active plus those in their grace period at `now`). */
  jwks(now?: number): { keys: PublicJwk[] };
  addPersona(input: AddPersonaInput): IdentityPersona;
  personas(): IdentityPersona[];
  persona(id: string): IdentityPersona | undefined;
}

// ------------------------------------------------------------------ the HTTP API's operation table
import type { components, operations } from "../../contracts/types/identity.js";
import type { OperationHandlers } from "../shared/operations.js";
import type { IdentityCore } from "./identity-core.js";

/** operationId → request and answers, read from contracts/types/identity.d.ts (generated from the contract). */
export type IdentityOperations = operations;
export type IdentitySchemas = components["schemas"];

/** What every identity handler gets besides the request: the platform's core and its in-process API. */
export interface IdentityDeps {
  core: IdentityCore;
  api: IdentityApi;
  /** The discovery document (/.well-known/openid-configuration), built once from the issuer. */
  discovery: IdentitySchemas["Discovery"];
}

export type IdentityHandlers = OperationHandlers<IdentityOperations, IdentityDeps>;
