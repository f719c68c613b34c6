// The identity platform's in-process API (IdentityApi): clients, personas, keys and the shared access-token verifier
// other platforms reach with ctx.platforms.get("identity").
import type { IdentityCore } from "./identity-core.js";
import type { IdentityApi } from "./types.js";

export function createIdentityApi(core: IdentityCore, issuer: string): IdentityApi {
  const api: IdentityApi = {
    issuer,
    audience: core.cfg.audience,
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
  return api;
}
