// Step: whose request is this? x-tif-paasid on gateway calls; the {paasid} of a control-plane path; a platform's
// resolveTenant (e.g. identity's client_id) on open routes; the tenant a bearer credential names (the "bearer"
// scheme's verifier); otherwise the first built-in tenant.
// (The operation's platform is known: resolve-operation runs first.)
//  - tif operation without x-tif-paasid (or with it twice) → 40001; unknown paasid → 40101
//  - control-plane path naming an unknown tenant → 40403
import { GATEWAY_ERRORS } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import { header, singleHeader, type Exchange } from "./exchange.js";

export function resolveTenant(x: Exchange): void {
  const op = x.op!;
  const paasid = header(x, "x-tif-paasid");
  if (op.security.includes("tif") && (paasid !== undefined || !op.security.includes("bearer"))) {
    singleHeader(x, "x-tif-paasid");
    x.tenant = x.rt.tenants.get(paasid!);
    if (!x.tenant)
      refuse(GATEWAY_ERRORS.unknownPaasid, [
        {
          location: "/headers/x-tif-paasid",
          rule: "gateway.paasid-registered",
          seen: paasid,
          message: `paasid ${paasid} 未注册 / paasid ${paasid} is not registered`,
          hint: "使用首页列出的测试应用，或通过 POST /_gatesim/tenants 注册 / use a test app listed on the landing page, or register one with POST /_gatesim/tenants",
        },
      ]);
    return;
  }
  if (op.security.includes("admin") && x.params.paasid !== undefined) {
    x.tenant = x.rt.tenants.get(x.params.paasid);
    if (!x.tenant)
      refuse(GATEWAY_ERRORS.resourceNotFound, [
        {
          location: "/params/paasid",
          rule: "admin.tenant-exists",
          seen: x.params.paasid,
          message: `租户 ${x.params.paasid} 不存在 / tenant ${x.params.paasid} does not exist`,
          hint: "GET /_gatesim/tenants 列出全部租户 / GET /_gatesim/tenants lists them",
        },
      ]);
    return;
  }
  // Only the operation's own platform knows how its open requests name a tenant (e.g. identity's client_id).
  let id = x.platform?.resolveTenant?.({ query: x.query, body: x.body, headers: x.headers });
  // A bearer token names its own tenant (its paasid claim, verified in authenticate with expectedTenant), whichever
  // platform the operation belongs to.
  if (id === undefined && op.security.includes("bearer")) id = x.rt.securitySchemes.get("bearer")?.tenantOf(x.headers);
  x.tenant = (id !== undefined ? x.rt.tenants.get(id) : undefined) ?? x.rt.defaultTenant();
}
