// Which tenant a request without x-tif headers belongs to (browser pages, OAuth calls): the first of client_id, Basic
// auth, the bearer token's paasid, id_token_hint's audience, the SSO cookie, a registered redirect URI's origin.
import type { PlatformModule } from "../shared/types.js";
import type { IdentityCore } from "./identity-core.js";
import { basicCredentials, bearerToken, ssoCookie } from "./request-params.js";
import { decodeJwt } from "./token-service.js";

export function tenantOfRequest(core: IdentityCore): NonNullable<PlatformModule["resolveTenant"]> {
  return ({ query, body, headers }) => {
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
}
