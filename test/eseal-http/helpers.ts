// Helpers for the e-seal HTTP tests: a simulator with the e-seal platform (and a stand-in identity verifier for user
// tokens), signed calls as a tenant or as a logged-in user, and a few seeded organisations to act for.
import { makeSim, tif } from "../helpers.js";
import { createEsealPlatform, type EsealPlatformOptions } from "../../mocks/eseal/platform.js";
import type { PlatformModule, Principal, SecuritySchemeVerifier } from "../../mocks/shared/types.js";
import type { Enterprise, Seed } from "../../mocks/shared/seed-types.js";

export const T0 = Date.parse("2026-03-01T08:00:00Z");
export const DAY = 86_400_000;
export const A = "C90-44050001";
export const B = "C90-44050002";

/**
 * Stand-in for the identity platform's offline token verifier (mocks/identity is built in parallel): a token
 * `test-user:<paasid>:<persona>` is a valid access token of tenant <paasid> for persona <persona>, with the claims
 * the identity platform issues (persona, paasid; optional org_uscc as `…:<persona>:<org_uscc>`).
 */
export function fakeIdentity(): PlatformModule {
  const parse = (token: string) => {
    const m = /^test-user:([^:]+):([^:]+)(?::(.+))?$/.exec(token);
    return m ? { paasid: m[1], persona: m[2], orgUscc: m[3] } : undefined;
  };
  const bearer = (h: Record<string, unknown>) =>
    typeof h.authorization === "string" ? /^Bearer\s+(\S+)$/i.exec(h.authorization)?.[1] : undefined;
  const tenantOf = (headers: Record<string, unknown>) => {
    const t = bearer(headers);
    return t ? parse(t)?.paasid : undefined;
  };
  const verify: SecuritySchemeVerifier["verify"] = async (token, opts) => {
    const p = parse(token);
    if (!p || (opts.expectedTenant && opts.expectedTenant !== p.paasid))
      return { ok: false, problem: { code: "invalid_token", status: 401, zh: "令牌无效", en: "invalid token" } };
    const claims: Record<string, unknown> = {
      persona: p.persona,
      paasid: p.paasid,
      client_id: `${p.paasid}_web`,
      ...(p.orgUscc ? { org_uscc: p.orgUscc } : {}),
    };
    const principal: Principal = {
      kind: "user",
      sub: p.persona,
      clientId: `${p.paasid}_web`,
      scope: ["openid"],
      claims,
    };
    return { ok: true, principal };
  };
  return {
    name: "identity",
    handlers: {},
    resolveTenant: ({ headers }) => tenantOf(headers),
    securitySchemes: { bearer: { verify, tenantOf } },
    api: { verifyAccessToken: verify },
  };
}

export type EsealSim = Awaited<ReturnType<typeof esealSim>>;

export async function esealSim(opts: EsealPlatformOptions & { overrides?: Record<string, unknown> } = {}) {
  const { overrides, ...platformOpts } = opts;
  const sim = await makeSim({
    overrides,
    platforms: (seed) => [fakeIdentity(), createEsealPlatform(seed, platformOpts)],
  });
  for (const t of sim.runtime.tenants.list()) t.clock.freeze(T0);
  const seed = sim.runtime.seed;

  /** A call as tenant `paasid` (x-tif), or as a logged-in user when `user` is given (bearer only). */
  async function call(
    method: "GET" | "POST",
    url: string,
    body?: unknown,
    as: { paasid?: string; user?: string; headers?: Record<string, string> } = {},
  ) {
    const t = sim.tenant(as.paasid ?? A);
    const headers: Record<string, string> = as.user ? { authorization: `Bearer ${as.user}` } : tif(t);
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await sim.app.inject({
      method,
      url,
      headers: { ...headers, ...as.headers },
      payload: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    let json: any;
    try {
      json = res.json();
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, res };
  }

  return { ...sim, seed, call, orgOf: (paasid: string) => sim.tenant(paasid).tenant.orgCode! };
}

/** A seeded persona enterprise with at least one operator, other than the ones given. */
export function enterpriseWithOperators(seed: Seed, except: string[] = []): Enterprise {
  for (let i = 0; i < seed.enterprises.personaCount; i++) {
    const e = seed.enterprises.at(i)!;
    if (e.operatorIds.length && (e.status === "存续" || e.status === "在业") && !except.includes(e.uscc)) return e;
  }
  throw new Error("no seeded enterprise with operators");
}

export const userToken = (paasid: string, persona: string, orgUscc?: string) =>
  `test-user:${paasid}:${persona}${orgUscc ? `:${orgUscc}` : ""}`;
