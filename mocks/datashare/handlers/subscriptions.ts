// Change subscriptions (webhooks on a resource's changes) and their delivery log.
import { DatashareError, diag } from "../errors.js";
import { deliveryView, subscriptionView } from "../http-views.js";
import type { DatashareHandlers } from "../types.js";
import { ok, str } from "./common.js";

export const subscriptionHandlers = {
  async datashareSubscriptionCreate(input, _ctx, deps) {
    const b = input.body;
    const sub = await deps.ds.subscriptions.subscribe(input.tenant.paasid, {
      ...(b.serviceId ? { serviceId: b.serviceId } : {}),
      ...(b.resourceCode ? { resourceCode: b.resourceCode } : {}),
      webhookUrl: str(b.webhookUrl) ?? "",
      ...(b.events ? { events: b.events } : {}),
    });
    deps.webhooks.watch(input.tenant.paasid);
    return ok(subscriptionView(sub), 201);
  },

  async datashareSubscriptionList(input, _ctx, deps) {
    const subs = await deps.ds.subscriptions.list(input.tenant.paasid);
    return ok({ total: subs.length, items: subs.map(subscriptionView) });
  },

  async datashareSubscriptionDelete(input, _ctx, deps) {
    const gone = await deps.ds.subscriptions.unsubscribe(input.tenant.paasid, input.params.subscriptionId);
    if (!gone)
      throw new DatashareError(
        "notFound",
        { zh: `没有订阅 ${input.params.subscriptionId}`, en: `no subscription ${input.params.subscriptionId}` },
        [
          diag(
            "/params/subscriptionId",
            "subscription-exists",
            input.params.subscriptionId,
            "订阅不存在或不属于本应用 / no such subscription of this app",
            "GET /ebus/datashare/v1/subscriptions 列出本应用的订阅 / lists this app's subscriptions",
          ),
        ],
      );
    return ok({ id: input.params.subscriptionId, deleted: true });
  },

  async datashareDeliveryList(input, _ctx, deps) {
    const ds_ = await deps.ds.subscriptions.deliveries(input.tenant.paasid, str(input.query.subscriptionId));
    return ok({ total: ds_.length, items: ds_.map(deliveryView) });
  },
} satisfies DatashareHandlers;
