// Control-plane operations of the identity platform under /_gatesim/identity/… (security admin): clients per tenant,
// personas, signing keys.
import { ProblemError } from "../../shared/problem.js";
import type { HandlerInput } from "../../shared/types.js";
import { diag, fail, IdentityInputError } from "../errors.js";
import type { AddPersonaInput, ClientInput, IdentityHandlers, IdentityPersona, IdentitySchemas } from "../types.js";

/** A persona as the admin API and the landing page show it. */
export function personaView(p: IdentityPersona): IdentitySchemas["Persona"] {
  return {
    id: p.id,
    kind: p.kind,
    name: p.person.name,
    level: p.level,
    locked: p.locked,
    source: p.source,
    uid: p.person.uid,
    idNumber: p.person.idNumber,
    loginMethod: p.person.loginMethod,
    ...(p.enterprise ? { enterprise: { uscc: p.enterprise.uscc, name: p.enterprise.name } } : {}),
  };
}

function body(input: HandlerInput): Record<string, unknown> {
  if (!input.body || typeof input.body !== "object" || Array.isArray(input.body))
    fail("invalidRequest", "请求体应为 JSON 对象", "the request body must be a JSON object", [
      diag("/body", "admin.body-object", "body is not an object", "发送 JSON 对象 / send a JSON object"),
    ]);
  return input.body as Record<string, unknown>;
}

/** Registry errors become refusals the gateway renders (400/404/409). */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof IdentityInputError) throw new ProblemError(e.problem);
    throw e;
  }
}

const paasid = (input: { params: { paasid: string } }) => input.params.paasid;

export const adminHandlers = {
  identityAdminListClients: (input, _ctx, { api }) => ({
    status: 200,
    body: { clients: api.listClients(paasid(input)) },
  }),
  identityAdminCreateClient: (input, _ctx, { api }) => ({
    status: 201,
    body: guard(() => api.registerClient(paasid(input), body(input) as ClientInput)),
  }),
  identityAdminGetClient: (input, _ctx, { api }) => {
    const found = api.getClient(input.params.clientId);
    if (!found || found.paasid !== paasid(input))
      fail(
        "notFound",
        `租户 ${paasid(input)} 没有客户端 ${input.params.clientId}`,
        `tenant ${paasid(input)} has no client ${input.params.clientId}`,
        [
          diag(
            "/params/clientId",
            "identity.client-exists",
            "unknown client",
            "GET …/clients 列出全部 / lists them",
            input.params.clientId,
          ),
        ],
      );
    return { status: 200, body: found.client };
  },
  identityAdminUpdateClient: (input, _ctx, { api }) => {
    const patch = { ...body(input) };
    delete patch.clientId;
    return { status: 200, body: guard(() => api.updateClient(paasid(input), input.params.clientId, patch)) };
  },
  identityAdminDeleteClient: (input, _ctx, { api }) => {
    if (!api.deleteClient(paasid(input), input.params.clientId))
      fail(
        "notFound",
        `租户 ${paasid(input)} 没有客户端 ${input.params.clientId}`,
        `tenant ${paasid(input)} has no client ${input.params.clientId}`,
        [
          diag(
            "/params/clientId",
            "identity.client-exists",
            "unknown client",
            "GET …/clients 列出全部 / lists them",
            input.params.clientId,
          ),
        ],
      );
    return { status: 204 };
  },
  identityAdminListPersonas: (_input, _ctx, { api }) => ({
    status: 200,
    body: { personas: api.personas().map(personaView) },
  }),
  identityAdminAddPersona: (input, _ctx, { api }) => ({
    status: 201,
    body: personaView(guard(() => api.addPersona(body(input) as unknown as AddPersonaInput))),
  }),
  identityAdminListKeys: (_input, ctx, { core }) => {
    const now = ctx.clock.now();
    return {
      status: 200,
      body: {
        keys: core.ring.list().map((k) => ({
          kid: k.kid,
          status: k.retiredAt === null ? "active" : k.notAfter! > now ? "grace" : "expired",
          ...(k.retiredAt !== null
            ? { retiredAt: new Date(k.retiredAt).toISOString(), notAfter: new Date(k.notAfter!).toISOString() }
            : {}),
        })),
      },
    };
  },
  identityAdminRotateKeys: (_input, ctx, { api }) => ({ status: 200, body: api.rotateKeys(ctx.clock.now()) }),
} satisfies IdentityHandlers;
