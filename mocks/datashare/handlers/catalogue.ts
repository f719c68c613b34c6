// The catalogue (facts §5.1): search, one entry, 编目 (compile), 挂接 (hook rows or a provider URL), withdraw,
// republish. The provider sees its own interface URL; everyone else learns only that the data is live.
import { paginate, type CompileInput, type SearchQuery } from "../catalogue.js";
import { entryView } from "../http-views.js";
import type { DatashareHandlers } from "../types.js";
import { actorOf, bodyOf, entryFor, num, ok, resolve } from "./common.js";

export const catalogueHandlers = {
  async datashareCatalogueSearch(input, _ctx, deps) {
    const q = input.query;
    const actor = actorOf(input);
    const search: SearchQuery = {
      ...(q.q ? { keyword: q.q } : {}),
      ...(q.shareType ? { shareType: q.shareType } : {}),
      ...(q.catalogueClass ? { catalogueClass: q.catalogueClass } : {}),
      ...(q.providerCode ? { providerCode: q.providerCode } : {}),
      ...(q.status ? { status: q.status } : {}),
    };
    const page = num(q.page) ?? 1;
    const size = num(q.size) ?? 20;
    let result;
    if (q.mine === true) {
      // own entries in every status, narrowed by the same keyword terms as the search
      const terms = (search.keyword ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      const mine = (await deps.ds.catalogue.all()).filter(
        (e) =>
          e.ownerPaasid === input.tenant.paasid &&
          (!search.status || search.status === "any" || e.status === search.status) &&
          terms.every((t) => `${e.name}\u0001${e.summary}\u0001${e.resourceCode}`.toLowerCase().includes(t)),
      );
      result = paginate(mine, page, size);
    } else {
      result = await deps.ds.catalogue.search({ ...search, page, pageSize: size });
    }
    return ok({
      total: result.total,
      page: result.page,
      size: result.pageSize,
      items: result.items.map((e) => entryFor(deps, actor, e)),
    });
  },

  async datashareCatalogueGet(input, _ctx, deps) {
    const e = await resolve(deps, input.params.ref);
    return ok(entryFor(deps, actorOf(input), e));
  },

  async datashareCatalogueCompile(input, _ctx, deps) {
    const e = await deps.ds.compile(actorOf(input), bodyOf(input) as unknown as CompileInput);
    return ok(entryView(e, true), 201);
  },

  async datashareCatalogueHookRows(input, _ctx, deps) {
    const actor = actorOf(input);
    const e = await resolve(deps, input.params.ref);
    const b = input.body;
    const hook =
      Buffer.isBuffer(b) || typeof b === "string"
        ? { csv: Buffer.isBuffer(b) ? b.toString("utf8") : b }
        : {
            rows: bodyOf(input).rows,
            ...(typeof bodyOf(input).csv === "string" ? { csv: bodyOf(input).csv as string } : {}),
          };
    const r = await deps.ds.hookRows(actor, e.resourceCode, hook);
    return ok({ rowCount: r.rowCount, entry: entryView(r.entry, true) });
  },

  async datashareCatalogueHookUrl(input, _ctx, deps) {
    const b = input.body;
    const e = await resolve(deps, input.params.ref);
    const next = await deps.ds.hookUrl(actorOf(input), e.resourceCode, b.url, b.timeoutMs);
    return ok(entryView(next, true));
  },

  async datashareCatalogueWithdraw(input, _ctx, deps) {
    const e = await resolve(deps, input.params.ref);
    const next = await deps.ds.withdraw(actorOf(input), e.resourceCode, input.body?.reason ?? "");
    return ok(entryView(next, true));
  },

  async datashareCatalogueRepublish(input, _ctx, deps) {
    const e = await resolve(deps, input.params.ref);
    const next = await deps.ds.catalogue.republish(actorOf(input), e.resourceCode);
    await deps.ds.subscriptions.notifyChange(next, "resource.updated", { status: "published" });
    return ok(entryView(next, true));
  },
} satisfies DatashareHandlers;
