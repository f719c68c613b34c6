// A scripted department system for the readiness report: logs in through the identity platform, calls the gateway,
// issues a licence, shares one with useCause, queries data with audit_info — and, depending on its flaws, refreshes its
// token after expiry or not, and sends complete audit_info or not. Every call carries x-gatesim-session.
import type { FastifyInstance } from "fastify";
import { tif } from "../helpers.js";
import { admin } from "../helpers.js";
import type { TenantRuntime } from "../../gateway/tenants.js";
import type { Runtime } from "../../gateway/runtime.js";
import { ISSUE_SID, QUERY_SID, SHARE_SID } from "./fake-platforms.js";

export interface Flaws {
  skipRefresh?: boolean;
  incompleteAudit?: boolean;
  lateLicence?: boolean;
}

export const REDIRECT = "http://127.0.0.1:3000/callback";

export function auditBody(t: TenantRuntime, rt: Runtime, omit: string[] = []) {
  const orgs = [rt.seed.enterprises.at(0)!.uscc, rt.seed.enterprises.at(1)!.uscc];
  const audit: Record<string, string> = {
    operator_id: "zhangsan01",
    operator_name: "张三",
    query_object_id: rt.seed.persons.at(0)!.idNumber,
    query_object_id_type: "01",
    item_code: "11440100696927671X3442011817001",
    item_sequence: "2026000001",
    terminal_info: "10.1.2.3",
    query_timestamp: "20260101080000",
  };
  for (const k of omit) delete audit[k];
  return {
    system_id: t.tenant.paasid,
    vender_id: orgs[0],
    department_id: orgs[1],
    query_timestamp: "20260101080000",
    UID: "zhangsan01",
    query: { SFZH: rt.seed.persons.at(0)!.idNumber },
    audit_info: audit,
  };
}

export async function runDepartment(
  app: FastifyInstance,
  rt: Runtime,
  t: TenantRuntime,
  session: string,
  flaws: Flaws = {},
): Promise<void> {
  const s = { "x-gatesim-session": session };
  const idp = rt.platforms.get("identity")!.api as {
    listClients(p: string): { clientId: string; secret?: string }[];
    personas(): { id: string; level: string; locked?: boolean }[];
  };
  const ci = idp.listClients(t.tenant.paasid).find((c) => c.clientId.endsWith("_ci"))!;
  const persona = idp.personas().find((p) => !p.locked)!;
  const must = <R extends { statusCode: number; body: string }>(r: R, status: number, what: string): R => {
    if (r.statusCode !== status)
      throw new Error(`${what}: expected ${status}, got ${r.statusCode} ${r.body.slice(0, 400)}`);
    return r;
  };

  // 1. login (tyrz code flow, CI client auto-approves with login_hint)
  const auth = must(
    await app.inject({
      method: "GET",
      url: "/tif/sso/connect/page/oauth2/authorize",
      headers: s,
      query: {
        service: "initService",
        response_type: "code",
        client_id: ci.clientId,
        scope: "all",
        redirect_uri: REDIRECT,
        login_hint: persona.id,
      },
    }),
    302,
    "authorize",
  );
  const code = new URL(auth.headers.location as string).searchParams.get("code")!;
  const tokenUrl = "/tif/sso/connect/page/oauth2/access_token";
  let tok = must(
    await app.inject({
      method: "GET",
      url: tokenUrl,
      headers: s,
      query: {
        client_id: ci.clientId,
        client_secret: ci.secret!,
        code,
        scope: "all",
        redirect_uri: REDIRECT,
        grant_type: "authorization_code",
      },
    }),
    200,
    "access_token",
  ).json();
  must(
    await app.inject({
      method: "GET",
      url: "/tif/sso/connect/page/oauth2/tokeninfo",
      headers: s,
      query: { access_token: tok.access_token },
    }),
    200,
    "tokeninfo",
  );

  // 2. gateway and platforms
  must(await app.inject({ method: "GET", url: "/ebus/gatesim/ping", headers: { ...s, ...tif(t) } }), 200, "ping");
  const gm = (sid: string, body: unknown) =>
    app.inject({
      method: "POST",
      url: "/GatewayMsg/http/api/proxy/invoke",
      headers: { ...s, ...tif(t, { serviceId: sid }), "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
  must(await gm(ISSUE_SID, { ZZMC: "营业执照", ZZBH: "440507000001" }), 200, "issue");
  must(
    await gm(SHARE_SID, {
      holderCode: rt.seed.persons.at(0)!.idNumber,
      holderTypeCode: "111",
      useCause: "办理不动产登记核验身份",
    }),
    200,
    "licence query",
  );
  if (flaws.incompleteAudit)
    must(await gm(QUERY_SID, auditBody(t, rt, ["operator_name", "terminal_info"])), 400, "incomplete query");
  must(await gm(QUERY_SID, auditBody(t, rt)), 200, "query");
  const producedAt = t.clock.now() - (flaws.lateLicence ? 7201_000 : 600_000);
  must(
    await app.inject({
      method: "POST",
      url: "/ebus/datashare-test/licence-records",
      headers: { ...s, ...tif(t), "content-type": "application/json" },
      payload: JSON.stringify({ certificate_source_id: `rec-${session}`, produced_at: producedAt }),
    }),
    200,
    "licence record",
  );

  // 3. two hours later the access token has expired (tenant clock, facts §8.2)
  must(
    await app.inject({
      method: "POST",
      url: `/_gatesim/tenants/${t.tenant.paasid}/clock`,
      headers: { ...admin, "content-type": "application/json" },
      payload: JSON.stringify({ action: "advance", ms: 7201_000 }),
    }),
    200,
    "advance clock",
  );
  must(
    await app.inject({
      method: "GET",
      url: "/tif/sso/connect/page/oauth2/tokeninfo",
      headers: s,
      query: { access_token: tok.access_token },
    }),
    401,
    "expired tokeninfo",
  );
  if (flaws.skipRefresh) return;
  tok = must(
    await app.inject({
      method: "GET",
      url: tokenUrl,
      headers: s,
      query: {
        client_id: ci.clientId,
        client_secret: ci.secret!,
        refresh_token: tok.refresh_token,
        grant_type: "refresh_token",
      },
    }),
    200,
    "refresh",
  ).json();
  must(
    await app.inject({
      method: "GET",
      url: "/tif/sso/connect/page/oauth2/tokeninfo",
      headers: s,
      query: { access_token: tok.access_token },
    }),
    200,
    "tokeninfo after refresh",
  );
}
