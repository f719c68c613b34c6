// Helpers for the e-licence HTTP tests: a simulator with identity, e-seal, e-licence and a stand-in data-sharing
// module (mocks/datashare/platform.ts is built in parallel), signed calls, holder logins and admin calls.
import { makeSim, tif, admin } from "../helpers.js";
import { createIdentityPlatform, type IdentityPlatform } from "../../mocks/identity/platform.js";
import { createEsealPlatform } from "../../mocks/eseal/platform.js";
import { createElicencePlatform, type ElicenceOptions } from "../../mocks/elicence/platform.js";
import type { CatalogueRecord } from "../../mocks/elicence/licences.js";
import type { HandlerContext, PlatformModule } from "../../mocks/shared/types.js";
import type { Seed } from "../../mocks/shared/seed-types.js";

export const T0 = Date.parse("2026-03-02T01:00:00Z"); // 09:00 CST
export const DAY = 86_400_000;
export const A = "C90-44050001";
export const B = "C90-44050002";
export const REDIRECT = "http://127.0.0.1:3000/callback";

/** Stand-in for the data-sharing platform's in-process API: records what arrived and when, or refuses when down. */
export interface FakeDatashare {
  module: PlatformModule;
  published: { record: CatalogueRecord; arrivedAt: number }[];
  down: boolean;
}

export function fakeDatashare(): FakeDatashare {
  const f: FakeDatashare = {
    published: [],
    down: false,
    module: {
      name: "datashare",
      handlers: {},
      api: {
        publishLicenceRecord: async (ctx: HandlerContext, record: CatalogueRecord) => {
          if (f.down)
            throw Object.assign(new Error("down"), {
              zh: "数据共享平台不可用",
              en: "the data-sharing platform is unavailable",
            });
          f.published.push({ record, arrivedAt: ctx.clock.now() });
        },
      },
    },
  };
  return f;
}

function identityModule(seed: Seed): IdentityPlatform {
  const identity = createIdentityPlatform({ seed, issuer: "http://127.0.0.1:8080" });
  return {
    ...identity,
    onTenant: { create: (p) => void identity.api.ensureTenant(p), reset: (p) => void identity.api.resetTenant(p) },
  };
}

export type ElicenceSim = Awaited<ReturnType<typeof elicenceSim>>;

export async function elicenceSim(opts: { elicence?: ElicenceOptions; eseal?: boolean; datashare?: boolean } = {}) {
  const ds = fakeDatashare();
  const sim = await makeSim({
    platforms: (seed) => [
      identityModule(seed),
      ...(opts.eseal === false ? [] : [createEsealPlatform(seed)]),
      createElicencePlatform(seed, opts.elicence),
      ...(opts.datashare === false ? [] : [ds.module]),
    ],
  });
  for (const t of sim.runtime.tenants.list()) t.clock.freeze(T0);
  const identity = sim.runtime.platforms.get("identity")!.api as IdentityPlatform["api"];

  async function inject(method: string, url: string, headers: Record<string, string>, body?: unknown) {
    const res = await sim.app.inject({
      method: method as "GET",
      url,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    let json: any;
    try {
      json = res.json();
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, raw: res.rawPayload, headers: res.headers };
  }

  return {
    sim,
    ds,
    identity,
    /** The organisation (USCC) a tenant issues for. */
    org: (paasid = A) => sim.tenant(paasid).tenant.orgCode!,
    /** A GatewayMsg D… service call as tenant `paasid`. */
    d: (serviceId: string, body: unknown, paasid = A, extra: Record<string, string> = {}) =>
      inject(
        "POST",
        "/GatewayMsg/http/api/proxy/invoke",
        { ...tif(sim.tenant(paasid), { serviceId }), ...extra },
        body,
      ),
    /** An x-tif-signed smart-gateway call as tenant `paasid`. */
    ebus: (method: string, url: string, body?: unknown, paasid = A, extra: Record<string, string> = {}) =>
      inject(method, url, { ...tif(sim.tenant(paasid)), ...extra }, body),
    /** A call with a holder's bearer token. */
    user: (method: string, url: string, token: string, body?: unknown, extra: Record<string, string> = {}) =>
      inject(method, url, { authorization: `Bearer ${token}`, ...extra }, body),
    /** An open call (download URLs). */
    open: (url: string, extra: Record<string, string> = {}) => inject("GET", url, extra),
    admin: (method: string, url: string, body?: unknown) => inject(method, url, admin, body),
    /** Log a persona in through the identity platform (OIDC code flow on the tenant's auto-approve CI client). */
    async login(personaId: string, paasid = A): Promise<string> {
      const ci = identity.listClients(paasid).find((c) => c.clientId.endsWith("_ci"))!;
      const q = new URLSearchParams({
        client_id: ci.clientId,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "openid",
        state: "s",
        login_hint: personaId,
      });
      const auth = await sim.app.inject({ method: "GET", url: `/oidc/authorize?${q}` });
      const code = new URL(String(auth.headers.location)).searchParams.get("code");
      if (!code) throw new Error(`login failed: ${auth.statusCode} ${auth.body.slice(0, 300)}`);
      const tok = await sim.app.inject({
        method: "POST",
        url: "/oidc/token",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
          client_id: ci.clientId,
          client_secret: ci.secret!,
        }).toString(),
      });
      const at = tok.json().access_token;
      if (!at) throw new Error(`token failed: ${tok.statusCode} ${tok.body.slice(0, 300)}`);
      return at;
    },
    /** A logged-in natural-person persona (not locked). */
    person() {
      const p = identity.personas().find((x) => x.kind === "person" && !x.locked && x.level !== "L0");
      if (!p) throw new Error("no person persona");
      return p;
    },
    clock: (paasid = A) => sim.tenant(paasid).clock,
    advanceAll(ms: number) {
      for (const t of sim.runtime.tenants.list()) t.clock.advance(ms);
    },
  };
}

/** A 机动车驾驶证 body for a person (holder type 111). */
export function drivingLicenceBody(
  holder: { name: string; idNumber: string; sex?: 1 | 2; birthDate?: string },
  extra: Record<string, unknown> = {},
) {
  return {
    ZZLXDM: "11100000GT0000088Y001",
    CZZT: holder.name,
    CZZTDM: holder.idNumber,
    CZZTDMLXDM: "111",
    KZ_XB: holder.sex === 2 ? "女" : "男",
    KZ_GJ: "中国",
    KZ_ZZ: "广东省汕头市龙湖区示例路 8 号",
    KZ_CSRQ: holder.birthDate ?? "1990-01-01",
    KZ_CCLZRQ: "2026-03-02",
    KZ_ZJCX: "C1",
    ...extra,
  };
}

export const SID = {
  login: "D1593589959893",
  create: "D1597132378846",
  createAndIssue: "D1597131569652",
  issue: "D1597132425087",
  modify: "D1597132462444",
  delete: "D1597132486022",
  revoke: "D1597135080112",
  archive: "D1593590066290",
} as const;
