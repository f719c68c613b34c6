// The licence catalogue (facts §4.6): e-licence records submitted on the 2-hour rule, their list and report.
import { licenceView } from "../http-views.js";
import type { DatashareHandlers } from "../types.js";
import { bodyOf, ok } from "./common.js";

export const licenceHandlers = {
  async datashareLicenceSubmit(input, ctx, deps) {
    const subs = await deps.ds.licences.submit(ctx.store, ctx.clock, input.tenant.paasid, bodyOf(input).records, "api");
    const late = subs.filter((s) => s.late).length;
    if (late)
      ctx.emit("datashare.licence.late", {
        count: late,
        sourceIds: subs.filter((s) => s.late).map((s) => s.record.certificate_source_id),
      });
    return ok({ accepted: subs.length, late, items: subs.map(licenceView) }, 201);
  },

  async datashareLicenceList(input, ctx, deps) {
    const items = await deps.ds.licences.list(ctx.store, { lateOnly: input.query.late === true });
    return ok({ total: items.length, items: items.map(licenceView) });
  },

  async datashareLicenceReport(_input, ctx, deps) {
    return ok(await deps.ds.licences.report(ctx.store));
  },
} satisfies DatashareHandlers;
