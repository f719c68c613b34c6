// The identity platform's shared state and settings: clients, personas, keys, token service, revocations, and the
// records it keeps in each tenant's store (interactions, codes, sessions, refresh-token families).
import { outboundPolicy } from "../shared/outbound.js";
import type { Seed } from "../shared/seed-types.js";
import { ClientRegistry } from "./client-registry.js";
import { KeyRing } from "./key-ring.js";
import { PersonaDirectory } from "./persona-directory.js";
import { RevocationList } from "./revocation-list.js";
import { TokenService } from "./token-service.js";

/** Lifetimes and limits; defaults are facts §8.2 [SIM] where it names them. */
export interface IdentityConfig {
  issuer: string;
  /** `aud` of access tokens, which the other platforms expect. */
  audience: string;
  /** Authorization code: 300 s, single use (facts §8.2). */
  codeTtlSec: number;
  /** access_token: 7200 s (facts §8.2). */
  accessTokenTtlSec: number;
  /** refresh_token: 30 days (facts §8.2). */
  refreshTokenTtlSec: number;
  idTokenTtlSec: number;
  /** SSO session (browser cookie) lifetime. */
  sessionTtlSec: number;
  /** A login page left open longer than this must restart at authorize. */
  interactionTtlSec: number;
  /** How long a rotated-out key stays in JWKS (default: the access-token lifetime). */
  keyGraceSec: number;
  /** Per back-channel logout POST. */
  backchannelTimeoutMs: number;
  /** Hosts a client's backchannel_logout_uri may point at (config outbound.allowHosts; "*" = any). */
  outboundAllowHosts?: readonly string[];
}

export type Face = "tyrz" | "oidc";

export const KIND = {
  interaction: "identity.interaction",
  code: "identity.code",
  session: "identity.session",
  refresh: "identity.refresh",
  family: "identity.family",
} as const;

/** A pending authorization request waiting for the persona page. */
export interface Interaction {
  id: string;
  face: Face;
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  prompt?: string;
  loginHint?: string;
}

export interface CodeRecord {
  face: Face;
  clientId: string;
  redirectUri: string;
  scope: string;
  personaId: string;
  sid: string;
  authTime: number;
  nonce?: string;
  codeChallenge?: string;
  /** ms on the tenant clock; the record lives longer so a late or second use gets a precise answer. */
  expiresAt: number;
  usedAt?: number;
  /** Token family created by the first (only valid) use. */
  familyId?: string;
}

/** An SSO session: one browser login, shared by every client that got a code from it. */
export interface Session {
  sid: string;
  personaId: string;
  authTime: number;
  clients: string[];
}

/** Everything issued from one authorization grant, revoked together (code reuse, refresh reuse, logout). */
export interface Family {
  id: string;
  clientId: string;
  sid?: string;
  personaId?: string;
  scope: string;
  authTime?: number;
  /** Access tokens issued in this family: jti and expiry (s). */
  tokens: { jti: string; exp: number }[];
  revoked: boolean;
}

export interface RefreshRecord {
  familyId: string;
  clientId: string;
  scope: string;
  iat: number;
  exp: number;
  /** Set when this refresh token was exchanged; a second exchange is reuse (RFC 9700 §4.14.2). */
  rotatedAt?: number;
}

export class IdentityCore {
  readonly clients: ClientRegistry;
  readonly personas: PersonaDirectory;
  readonly ring: KeyRing;
  readonly revocations = new RevocationList();
  readonly tokens: TokenService;

  constructor(
    readonly seed: Seed,
    readonly cfg: IdentityConfig,
    keySeed: string,
  ) {
    this.clients = new ClientRegistry(seed.value, outboundPolicy(cfg.outboundAllowHosts));
    this.personas = new PersonaDirectory(seed);
    this.ring = new KeyRing(keySeed, cfg.keyGraceSec * 1000);
    this.tokens = new TokenService(this.ring, this.revocations, {
      issuer: cfg.issuer,
      audience: cfg.audience,
      accessTokenTtlSec: cfg.accessTokenTtlSec,
      idTokenTtlSec: cfg.idTokenTtlSec,
    });
  }
}
