// OAuth/tyrz clients per tenant: defaults derived from the seed, registration rules, and client authentication
// (RFC 6749 §2.3: client_secret_basic / client_secret_post; public clients authenticate with PKCE instead).
import { outboundPolicy, withoutUrlPassword, type OutboundPolicy } from "../shared/outbound.js";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ProblemError } from "../shared/problem.js";
import type { HandlerInput, Problem } from "../shared/types.js";
import { IdentityInputError, diag, idpProblem, refusal } from "./errors.js";
import type { ClientInput, GrantType, IdentityClient } from "./types.js";
import { basicCredentials, param } from "./request-params.js";

export const OIDC_SCOPES = ["openid", "profile", "email", "phone", "offline_access", "all"] as const;
const GRANTS: GrantType[] = ["authorization_code", "refresh_token", "client_credentials"];
const LEVELS = ["L0", "L1", "L2", "L3"];
const DEV_REDIRECTS = ["http://127.0.0.1:3000/callback", "http://localhost:3000/callback"];
const DEV_POST_LOGOUT = ["http://127.0.0.1:3000/", "http://localhost:3000/"];

function fail(key: "invalidRequest" | "conflict" | "notFound", zh: string, en: string, location = "/body"): never {
  throw new IdentityInputError(
    idpProblem(key, zh, en, [
      diag(location, "client-registration", en, "修正客户端注册信息 / fix the client registration"),
    ]),
  );
}

function checkUri(raw: string, what: string): void {
  const u = withoutUrlPassword(raw); // as shown in refusals
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail("invalidRequest", `${what} ${u} 不是绝对 URL`, `${what} ${u} is not an absolute URL`);
  }
  if (url.hash)
    fail("invalidRequest", `${what} ${u} 不能含片段 (#)`, `${what} ${u} must not contain a fragment (RFC 6749 §3.1.2)`);
  if (!/^https?:$/.test(url.protocol))
    fail("invalidRequest", `${what} ${u} 必须是 http 或 https`, `${what} ${u} must be http or https`);
}

/** Apply defaults and check the rules a client must satisfy (the back-channel URI against the outbound policy). */
export function normaliseClient(
  input: ClientInput,
  base?: IdentityClient,
  outbound: OutboundPolicy = outboundPolicy(),
): IdentityClient {
  const c: IdentityClient = {
    name: input.clientId,
    public: false,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grants: ["authorization_code", "refresh_token"],
    scopes: [...OIDC_SCOPES],
    requiredLevel: "L0",
    autoApprove: false,
    ...base,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  } as IdentityClient;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(c.clientId))
    fail(
      "invalidRequest",
      "client_id 只能由 1–64 位字母、数字、_ . - 组成",
      "client_id must be 1–64 letters, digits, _ . -",
      "/body/clientId",
    );
  for (const g of c.grants)
    if (!GRANTS.includes(g))
      fail("invalidRequest", `不支持的授权类型 ${g}`, `unsupported grant type ${g}`, "/body/grants");
  if (!LEVELS.includes(c.requiredLevel))
    fail(
      "invalidRequest",
      `实名等级 ${c.requiredLevel} 应为 L0–L3`,
      `level ${c.requiredLevel} must be L0–L3`,
      "/body/requiredLevel",
    );
  for (const u of c.redirectUris) checkUri(u, "redirect_uri");
  for (const u of c.postLogoutRedirectUris) checkUri(u, "post_logout_redirect_uri");
  if (c.backchannelLogoutUri) {
    checkUri(c.backchannelLogoutUri, "backchannel_logout_uri");
    // the simulator POSTs logout tokens there itself: only to hosts the operator allows
    const bad = outbound.refusal(c.backchannelLogoutUri);
    if (bad)
      throw new IdentityInputError(
        idpProblem(
          "invalidRequest",
          "backchannel_logout_uri 的主机不在允许范围内",
          "backchannel_logout_uri points at a host the simulator may not call",
          [
            diag(
              "/body/backchannelLogoutUri",
              "outbound.allow-hosts",
              bad.message,
              bad.hint,
              withoutUrlPassword(c.backchannelLogoutUri),
            ),
          ],
        ),
      );
  }
  if (c.grants.includes("authorization_code") && c.redirectUris.length === 0)
    fail(
      "invalidRequest",
      "授权码模式的客户端至少要登记一个 redirect_uri",
      "a client using authorization_code needs at least one redirect URI",
      "/body/redirectUris",
    );
  if (c.public) {
    delete c.secret;
    if (c.grants.includes("client_credentials"))
      fail(
        "invalidRequest",
        "公开客户端不能使用 client_credentials",
        "a public client cannot use client_credentials (it has no secret)",
        "/body/grants",
      );
  } else if (!c.secret) {
    c.secret = randomBytes(24).toString("base64url");
  }
  return c;
}

export class ClientRegistry {
  private readonly byTenant = new Map<string, Map<string, IdentityClient>>();
  private readonly owner = new Map<string, string>();
  /** Called with a tenant's whole client list after every change (durable-state.ts stores it). */
  onChange?: (paasid: string, clients: IdentityClient[]) => void;

  constructor(
    private readonly seedValue: string,
    private readonly outbound: OutboundPolicy = outboundPolicy(),
  ) {}

  /**
   * The three default clients of a tenant, deterministic from seed and paasid (ids follow the `tyrz_` habit of real
   * client ids, facts §2.1): a confidential web app (L2, the typical relying-party policy of facts §2.2), a public
   * PKCE app, and a CI client with auto-approve and client_credentials.
   */
  defaultsFor(paasid: string): IdentityClient[] {
    const secret = (which: string) =>
      createHmac("sha256", this.seedValue)
        .update(`client-secret\u0000${paasid}\u0000${which}`)
        .digest("base64url")
        .slice(0, 32);
    return [
      normaliseClient({
        clientId: `tyrz_${paasid}_web`,
        name: `${paasid} 网站（机密客户端）/ web app (confidential)`,
        public: false,
        secret: secret("web"),
        redirectUris: [...DEV_REDIRECTS],
        postLogoutRedirectUris: [...DEV_POST_LOGOUT],
        grants: ["authorization_code", "refresh_token"],
        requiredLevel: "L2",
        autoApprove: false,
      }),
      normaliseClient({
        clientId: `tyrz_${paasid}_spa`,
        name: `${paasid} 单页应用（公开客户端, PKCE）/ single-page app (public, PKCE)`,
        public: true,
        redirectUris: [...DEV_REDIRECTS],
        postLogoutRedirectUris: [...DEV_POST_LOGOUT],
        grants: ["authorization_code", "refresh_token"],
        requiredLevel: "L1",
        autoApprove: false,
      }),
      normaliseClient({
        clientId: `tyrz_${paasid}_ci`,
        name: `${paasid} 持续集成（自动批准）/ CI (auto-approve)`,
        public: false,
        secret: secret("ci"),
        redirectUris: [...DEV_REDIRECTS],
        postLogoutRedirectUris: [...DEV_POST_LOGOUT],
        grants: ["authorization_code", "refresh_token", "client_credentials"],
        requiredLevel: "L0",
        autoApprove: true,
      }),
    ];
  }

  register(paasid: string, input: ClientInput): IdentityClient {
    const taken = this.owner.get(input.clientId);
    if (taken !== undefined)
      fail(
        "conflict",
        `client_id ${input.clientId} 已被${taken === paasid ? "本" : "其他"}租户使用`,
        `client_id ${input.clientId} is already used by ${taken === paasid ? "this" : "another"} tenant`,
        "/body/clientId",
      );
    const c = normaliseClient(input, undefined, this.outbound);
    this.tenant(paasid).set(c.clientId, c);
    this.owner.set(c.clientId, paasid);
    this.changed(paasid);
    return c;
  }

  update(paasid: string, clientId: string, patch: Partial<Omit<IdentityClient, "clientId">>): IdentityClient {
    const cur = this.byTenant.get(paasid)?.get(clientId);
    if (!cur)
      fail(
        "notFound",
        `租户 ${paasid} 没有客户端 ${clientId}`,
        `tenant ${paasid} has no client ${clientId}`,
        "/params/clientId",
      );
    const next = normaliseClient({ ...patch, clientId }, cur, this.outbound);
    this.tenant(paasid).set(clientId, next);
    this.changed(paasid);
    return next;
  }

  delete(paasid: string, clientId: string): boolean {
    const ok = this.byTenant.get(paasid)?.delete(clientId) ?? false;
    if (ok) this.owner.delete(clientId);
    if (ok) this.changed(paasid);
    return ok;
  }

  get(clientId: string): { paasid: string; client: IdentityClient } | undefined {
    const paasid = this.owner.get(clientId);
    const client = paasid !== undefined ? this.byTenant.get(paasid)?.get(clientId) : undefined;
    return client && paasid !== undefined ? { paasid, client } : undefined;
  }

  list(paasid: string): IdentityClient[] {
    return [...(this.byTenant.get(paasid)?.values() ?? [])];
  }

  hasTenant(paasid: string): boolean {
    return (this.byTenant.get(paasid)?.size ?? 0) > 0;
  }

  clearTenant(paasid: string): void {
    for (const id of this.byTenant.get(paasid)?.keys() ?? []) this.owner.delete(id);
    this.byTenant.delete(paasid);
    this.changed(paasid);
  }

  /** A tenant's clients as stored (secrets included), replacing what it has; no onChange (they are stored). */
  restoreTenant(paasid: string, clients: IdentityClient[]): void {
    for (const id of this.byTenant.get(paasid)?.keys() ?? []) this.owner.delete(id);
    const m = new Map<string, IdentityClient>();
    for (const c of clients) {
      if (this.owner.has(c.clientId)) continue; // taken by another tenant meanwhile: the live registration wins
      m.set(c.clientId, c);
      this.owner.set(c.clientId, paasid);
    }
    this.byTenant.set(paasid, m);
  }

  private changed(paasid: string): void {
    this.onChange?.(paasid, this.list(paasid));
  }

  /** All clients of all tenants (tenant lookup by redirect URI for the tyrz logout page). */
  *all(): Iterable<{ paasid: string; client: IdentityClient }> {
    for (const [paasid, m] of this.byTenant) for (const client of m.values()) yield { paasid, client };
  }

  private tenant(paasid: string): Map<string, IdentityClient> {
    let m = this.byTenant.get(paasid);
    if (!m) this.byTenant.set(paasid, (m = new Map()));
    return m;
  }
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so lengths match and the comparison time does not depend on the secret.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export type ClientAuth =
  | { ok: true; client: IdentityClient; paasid: string; method: "client_secret_basic" | "client_secret_post" | "none" }
  | { ok: false; problem: Problem };

/** One `invalid_client` refusal, saying which check failed. */
const no = (zh: string, en: string, location: string, hint: string, seen?: unknown): ClientAuth => ({
  ok: false,
  problem: idpProblem("invalidClient", zh, en, [diag(location, "client-authentication", en, hint, seen)]),
});

/** How the client presented itself: one method only (RFC 6749 §2.3.1), a well-formed Basic header, one client_id. */
function presentation(input: HandlerInput) {
  const basic = basicCredentials(input.headers);
  if (basic === "malformed")
    return no(
      "Authorization: Basic 头格式错误，应为 base64(client_id:client_secret)",
      "malformed Authorization: Basic header; expected base64(client_id:client_secret)",
      "/headers/authorization",
      "按 RFC 6749 §2.3.1 编码 / encode as RFC 6749 §2.3.1",
    );
  const idParam = param(input, "client_id");
  const secretParam = param(input, "client_secret");
  if (basic && idParam.value !== undefined && idParam.value !== basic.clientId)
    return no(
      `请求参数 client_id (${idParam.value}) 与 Basic 认证中的 (${basic.clientId}) 不一致`,
      `client_id parameter (${idParam.value}) differs from the one in Basic auth (${basic.clientId})`,
      idParam.location,
      "只用一种方式发送 client_id / send client_id one way only",
      idParam.value,
    );
  if (basic && secretParam.value !== undefined)
    return no(
      "同时使用了 Basic 认证和 client_secret 参数，只能使用一种",
      "both Basic auth and a client_secret parameter were sent; use only one method (RFC 6749 §2.3.1)",
      secretParam.location,
      "去掉 client_secret 参数或 Authorization 头 / drop one of them",
      "[redacted]",
    );
  return { basic, idParam, secretParam };
}

/**
 * Authenticate the calling client. Every `invalid_client` says which check failed:
 * - malformed Basic header; client_id in Basic and body disagree; both Basic and a body secret used (RFC 6749 §2.3.1
 *   allows one method only);
 * - client_id missing or not registered; client of another tenant;
 * - confidential client without secret, or with a wrong one; public client sending a secret.
 */
export function authenticateClient(
  input: HandlerInput,
  registry: ClientRegistry,
  opts: { requireConfidential?: boolean } = {},
): ClientAuth {
  const presented = presentation(input);
  if ("ok" in presented) return presented;
  const { basic, idParam, secretParam } = presented;
  const clientId = basic?.clientId ?? idParam.value;
  if (!clientId)
    return no(
      "缺少 client_id",
      "client_id is missing",
      idParam.location,
      "在 Basic 认证或参数中提供 client_id / send client_id in Basic auth or as a parameter",
    );
  const found = registry.get(clientId);
  if (!found)
    return no(
      `client_id ${clientId} 未注册`,
      `client_id ${clientId} is not registered`,
      basic ? "/headers/authorization" : idParam.location,
      "在首页或管理接口查看本租户的客户端 / see this tenant's clients on the landing page or admin API",
      clientId,
    );
  if (found.paasid !== input.tenant.paasid)
    return no(
      `客户端 ${clientId} 属于租户 ${found.paasid}，不属于当前租户 ${input.tenant.paasid}`,
      `client ${clientId} belongs to tenant ${found.paasid}, not to the calling tenant ${input.tenant.paasid}`,
      idParam.location,
      "使用本租户的客户端 / use a client of your own tenant",
      clientId,
    );
  const { client } = found;
  const secret = basic?.secret ?? secretParam.value;
  const method = basic ? "client_secret_basic" : secretParam.value !== undefined ? "client_secret_post" : "none";
  if (client.public) {
    if (secret !== undefined)
      return no(
        `${clientId} 是公开客户端，没有 client_secret；请改用 PKCE`,
        `${clientId} is a public client and has no client_secret; use PKCE instead`,
        basic ? "/headers/authorization" : secretParam.location,
        "去掉 client_secret / drop the client_secret",
        "[redacted]",
      );
    if (opts.requireConfidential)
      return no(
        `${clientId} 是公开客户端，此端点只接受机密客户端`,
        `${clientId} is a public client; this endpoint accepts confidential clients only`,
        idParam.location,
        "使用机密客户端调用 / call with a confidential client",
        clientId,
      );
    return { ok: true, client, paasid: found.paasid, method: "none" };
  }
  if (secret === undefined || secret === "")
    return no(
      `机密客户端 ${clientId} 未提供 client_secret（支持 client_secret_basic 和 client_secret_post）`,
      `confidential client ${clientId} sent no client_secret (client_secret_basic and client_secret_post are supported)`,
      basic ? "/headers/authorization" : secretParam.location,
      "提供 client_secret / send the client_secret",
    );
  if (!sameSecret(secret, client.secret ?? ""))
    return no(
      `client_secret 与客户端 ${clientId} 登记的不符`,
      `client_secret does not match the one registered for ${clientId}`,
      basic ? "/headers/authorization" : secretParam.location,
      "核对首页或管理接口中的 client_secret / check the client_secret on the landing page or admin API",
      `[redacted, ${secret.length} chars]`,
    );
  return { ok: true, client, paasid: found.paasid, method };
}

/**
 * Answer a failed client authentication. RFC 6749 §5.2: a client that tried HTTP Basic gets 401 with a
 * `WWW-Authenticate: Basic` challenge; every refusal is thrown for the gateway to render in the operation's envelope.
 */
export function refuseClient(input: HandlerInput, problem: Problem): never {
  if (basicCredentials(input.headers) === undefined) throw new ProblemError(problem);
  throw refusal(problem, { "www-authenticate": 'Basic realm="gatesim", charset="UTF-8"' });
}
