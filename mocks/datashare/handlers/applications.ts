// Sharing applications and grants (facts §5.3, §8.5): apply, the provider's review queue, approve and deny (also on
// the control plane, with the admin as actor), grants and their withdrawal.
import type { Decision } from "../applications.js";
import { DatashareError, diag } from "../errors.js";
import { applicationView, grantView, ticketView } from "../http-views.js";
import { DATASHARE_OPERATIONS } from "../scenarios.js";
import type { DatashareHandlers } from "../types.js";
import { actorOf, bodyOf, decided, instant, ok, str } from "./common.js";

const groups = {
  async [DATASHARE_OPERATIONS.apply](input, _ctx, deps) {
    const b = input.body;
    const r = await deps.ds.applications.apply(input.tenant.paasid, {
      ...(b.resourceCode ? { resourceCode: b.resourceCode } : {}),
      ...(b.serviceId ? { serviceId: b.serviceId } : {}),
      fields: b.fields,
      purpose: b.purpose,
      ...(b.legalBasis !== undefined ? { legalBasis: b.legalBasis } : {}),
      itemCode: b.itemCode,
    });
    const t = deps.directory.tenant(input.tenant.paasid)!;
    return ok(
      {
        application: applicationView(r.application),
        ...(r.grant ? { grant: grantView(r.grant, 0, t.clock.now()) } : {}),
      },
      201,
    );
  },

  async datashareApplicationList(input, _ctx, deps) {
    const status = str(input.query.status);
    const all = await deps.ds.applications.listApplications(input.tenant.paasid);
    const items = status && status !== "any" ? all.filter((a) => a.status === status) : all;
    return ok({ total: items.length, items: items.map(applicationView) });
  },

  async datashareApplicationGet(input, _ctx, deps) {
    const a = await deps.ds.applications.getApplication(input.tenant.paasid, input.params.applicationId);
    if (!a)
      throw new DatashareError(
        "notFound",
        {
          zh: `本应用没有申请 ${input.params.applicationId}`,
          en: `this application has no application ${input.params.applicationId}`,
        },
        [
          diag(
            "/params/applicationId",
            "application-exists",
            input.params.applicationId,
            "申请不存在或不属于本应用 / no such application of this app",
            "GET /ebus/datashare/v1/applications 列出本应用的申请 / lists this app's applications",
          ),
        ],
      );
    return ok(applicationView(a));
  },

  async datashareReviewList(input, _ctx, deps) {
    const status = input.query.status ?? "pending";
    const items = await deps.ds.applications.reviewQueue(actorOf(input), status);
    return ok({ total: items.length, items: items.map(ticketView) });
  },

  async [DATASHARE_OPERATIONS.approve](input, ctx, deps) {
    const b = input.body ?? {};
    const decision: Decision = {
      ...(b.comment ? { comment: b.comment } : {}),
      ...(b.maskedFields ? { maskedFields: b.maskedFields } : {}),
      ...(b.quota !== undefined ? { quota: b.quota } : {}),
      ...(b.validUntil !== undefined ? { validUntil: instant(b.validUntil, "/body/validUntil") } : {}),
    };
    const actor = actorOf(input);
    const r = await deps.ds.applications.approve(actor, input.params.applicationId, decision);
    decided(deps, input, ctx, r.application.consumerPaasid, "datashare.application.approved", {
      applicationId: r.application.id,
      consumer: r.application.consumerPaasid,
      serviceId: r.grant.serviceId,
      decidedBy: r.application.decidedBy,
    });
    const consumer = deps.directory.tenant(r.application.consumerPaasid);
    return ok({
      application: applicationView(r.application),
      grant: grantView(r.grant, 0, consumer?.clock.now() ?? ctx.clock.now()),
    });
  },

  async datashareApplicationDeny(input, ctx, deps) {
    const actor = actorOf(input);
    const a = await deps.ds.applications.deny(actor, input.params.applicationId, str(bodyOf(input).reason) ?? "");
    decided(deps, input, ctx, a.consumerPaasid, "datashare.application.denied", {
      applicationId: a.id,
      consumer: a.consumerPaasid,
      reason: a.reason ?? "",
      decidedBy: a.decidedBy,
    });
    return ok({ application: applicationView(a) });
  },

  async datashareGrantList(input, _ctx, deps) {
    const t = deps.directory.tenant(input.tenant.paasid)!;
    const grants = await deps.ds.applications.listGrants(input.tenant.paasid);
    const items = [];
    for (const g of grants) items.push(grantView(g, await deps.ds.applications.usage(t, g), t.clock.now()));
    return ok({ total: items.length, items });
  },

  async datashareGrantWithdraw(input, _ctx, deps) {
    const b = input.body ?? {};
    const consumer = b.consumerPaasid ?? input.tenant.paasid;
    const g = await deps.ds.applications.withdrawGrant(
      actorOf(input),
      consumer,
      input.params.serviceId,
      b.reason ?? "",
    );
    const t = deps.directory.tenant(consumer)!;
    return ok(grantView(g, await deps.ds.applications.usage(t, g), t.clock.now()));
  },
} satisfies DatashareHandlers;

export const applicationHandlers = {
  ...groups,
  // The control plane's review routes run the providers' handlers with the admin as the actor.
  datashareAdminReviewList: groups.datashareReviewList,
  datashareAdminApplicationApprove: groups[DATASHARE_OPERATIONS.approve],
  datashareAdminApplicationDeny: groups.datashareApplicationDeny,
} satisfies DatashareHandlers;
