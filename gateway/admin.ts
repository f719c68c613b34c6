// The control plane's handlers (contracts/admin.yaml): health, readiness, tenants, clocks, journals, rules.
import { GATEWAY_ERRORS, gatewayEnvelope } from "../mocks/gateway/errors.js";
import { refuse } from "../mocks/shared/problem.js";
import type { Handler, HandlerInput, PlatformModule } from "../mocks/shared/types.js";
import type { Runtime } from "./runtime.js";
import { publicTenant, type TenantRuntime, type TenantSpec } from "./tenants.js";
import type { RuleAction } from "./scenarios.js";

const json = (status: number, body: unknown) => ({ status, body });

/** The span a tenant's clock may show (the contract bounds `at` the same way): dates, JWT times and identifiers stay
 *  meaningful, and no later read of the clock can fail. */
const CLOCK_MIN_MS = Date.UTC(1970, 0, 1);
const CLOCK_MAX_MS = Date.UTC(3000, 0, 1) - 1;

function clockView(t: TenantRuntime) {
  const s = t.clock.state();
  return { now: s.now, iso: new Date(s.now).toISOString(), frozen: s.frozen, offsetMs: s.offsetMs };
}

export function createAdminPlatform(rt: Runtime): PlatformModule {
  const tenantOf = (input: HandlerInput): TenantRuntime => {
    const t = rt.tenants.get(input.params.paasid);
    if (!t)
      refuse(GATEWAY_ERRORS.resourceNotFound, [
        {
          location: "/params/paasid",
          rule: "admin.tenant-exists",
          seen: input.params.paasid,
          message: "租户不存在 / no such tenant",
          hint: "GET /_gatesim/tenants",
        },
      ]);
    return t;
  };

  const handlers: Record<string, Handler> = {
    adminHealth: () =>
      json(200, { status: "ok", version: rt.version, uptimeSec: Math.round((Date.now() - rt.startedAt) / 1000) }),
    adminReady: async () => {
      const health = await rt.tenants.backend.health();
      return json(health.ok ? 200 : 503, {
        ready: health.ok,
        operations: rt.table.operations.length,
        platforms: [...rt.platforms.keys()],
        store: { backend: rt.tenants.backend.name, ...health },
      });
    },
    adminListScenarios: () =>
      json(200, {
        scenarios: rt.scenarios.list().map((s) => ({
          name: s.name,
          platform: s.platform,
          zh: s.zh,
          en: s.en,
          kind: s.outcome.kind,
          ...(s.operations?.length ? { operations: s.operations } : {}),
        })),
      }),
    adminListTenants: () => json(200, { tenants: rt.tenants.list().map(publicTenant) }),
    adminCreateTenant: async (input) => {
      const spec = input.body as TenantSpec;
      if (rt.tenants.get(spec.paasid))
        refuse(GATEWAY_ERRORS.conflict, [
          {
            location: "/body/paasid",
            rule: "admin.paasid-unique",
            seen: spec.paasid,
            message: `paasid ${spec.paasid} 已存在 / already exists`,
            hint: "换一个 paasid，或 POST /_gatesim/tenants/{paasid}/reset 重置它 / choose another paasid, or reset the existing one",
          },
        ]);
      const t = await rt.tenants.register(spec);
      return json(201, { ...publicTenant(t), paasToken: t.tenant.paasToken, controlToken: t.tenant.controlToken });
    },
    adminGetTenant: (input) => json(200, publicTenant(tenantOf(input))),
    adminResetTenant: async (input) => {
      const t = tenantOf(input);
      await rt.tenants.reset(t.tenant.paasid);
      return json(200, { paasid: t.tenant.paasid, reset: true });
    },
    adminGetClock: (input) => json(200, clockView(tenantOf(input))),
    adminSetClock: (input) => {
      const t = tenantOf(input);
      const b = input.body as { action: string; ms?: number; at?: string };
      const at = b.at !== undefined ? Date.parse(b.at) : undefined;
      const need = (cond: boolean, field: string, hint: string) => {
        if (!cond)
          refuse(GATEWAY_ERRORS.contractViolation, [
            {
              location: `/body/${field}`,
              rule: `admin.clock.${b.action}`,
              message: `${b.action} 需要 ${field} / ${b.action} needs ${field}`,
              hint,
            },
          ]);
      };
      switch (b.action) {
        case "freeze":
          t.clock.freeze(at);
          break;
        case "unfreeze":
          t.clock.unfreeze();
          break;
        case "advance": {
          need(
            b.ms !== undefined,
            "ms",
            '如 {"action":"advance","ms":7201000} / e.g. {"action":"advance","ms":7201000}',
          );
          const to = t.clock.now() + b.ms!;
          if (to < CLOCK_MIN_MS || to > CLOCK_MAX_MS)
            refuse(GATEWAY_ERRORS.contractViolation, [
              {
                location: "/body/ms",
                rule: "admin.clock.range",
                seen: b.ms,
                message: `推进后时钟将为 ${to} 毫秒，超出 1970–2999 年 / the clock would read ${to} ms, outside the years 1970–2999`,
                hint: `时钟现为 ${new Date(t.clock.now()).toISOString()}；选择更小的 ms，或用 set 设定时刻 / the clock reads ${new Date(t.clock.now()).toISOString()}; advance by less, or use set`,
              },
            ]);
          t.clock.advance(b.ms!);
          break;
        }
        case "set":
          need(at !== undefined && !Number.isNaN(at), "at", '如 {"action":"set","at":"2026-01-01T08:00:00+08:00"}');
          t.clock.set(at!);
          break;
        case "reset":
          t.clock.reset();
          break;
      }
      return json(200, clockView(t));
    },
    adminQueryJournal: async (input) => {
      const q = input.query as {
        operationId?: string;
        status?: number;
        since?: string;
        until?: string;
        violations?: boolean;
        limit?: number;
      };
      return json(
        200,
        await tenantOf(input).journal.queryAll({
          operationId: q.operationId,
          status: q.status,
          since: q.since ? Date.parse(q.since) : undefined,
          until: q.until ? Date.parse(q.until) : undefined,
          violations: q.violations,
          limit: q.limit,
        }),
      );
    },
    adminExportJournal: async (input) => ({
      status: 200,
      contentType: "application/x-ndjson; charset=utf-8",
      body: await tenantOf(input).journal.exportAll(),
    }),
    adminListRules: (input) => json(200, { rules: tenantOf(input).rules.list() }),
    adminAddRule: (input) => {
      const t = tenantOf(input);
      const body = input.body as { match?: Record<string, string>; action: RuleAction; times?: number };
      const kinds = ["scenario", "errcode", "latencyMs", "latencyRangeMs", "timeout", "reset"].filter(
        (k) => (body.action as Record<string, unknown>)[k] !== undefined,
      );
      if (kinds.length !== 1)
        refuse(GATEWAY_ERRORS.contractViolation, [
          {
            location: "/body/action",
            rule: "admin.rule.one-action",
            seen: kinds,
            message: "一条规则只能有一种动作 / a rule has exactly one action",
            hint: '如 {"action":{"errcode":50201}} 或 {"action":{"latencyMs":500}} / e.g. {"action":{"errcode":50201}}',
          },
        ]);
      if (body.action.scenario !== undefined && !rt.scenarios.get(body.action.scenario))
        refuse(GATEWAY_ERRORS.contractViolation, [
          {
            location: "/body/action/scenario",
            rule: "admin.rule.scenario-known",
            seen: body.action.scenario,
            message: "未知场景 / unknown scenario",
            hint: `GET /_gatesim/scenarios: ${rt.scenarios
              .list()
              .map((s) => s.name)
              .join(", ")}`,
          },
        ]);
      const r = body.action.latencyRangeMs;
      if (r && r[0] > r[1])
        refuse(GATEWAY_ERRORS.contractViolation, [
          {
            location: "/body/action/latencyRangeMs",
            rule: "admin.rule.range",
            seen: r,
            message: "范围下限大于上限 / the range's lower bound exceeds its upper bound",
            hint: "写成 [min, max] / write it as [min, max]",
          },
        ]);
      return json(201, t.rules.add({ match: body.match, action: body.action, times: body.times }));
    },
    adminClearRules: (input) => json(200, { removed: tenantOf(input).rules.clear() }),
    adminDeleteRule: (input) => {
      const removed = tenantOf(input).rules.delete(input.params.ruleId);
      if (!removed)
        refuse(GATEWAY_ERRORS.resourceNotFound, [
          {
            location: "/params/ruleId",
            rule: "admin.rule-exists",
            seen: input.params.ruleId,
            message: "规则不存在 / no such rule",
            hint: "GET /_gatesim/tenants/{paasid}/rules",
          },
        ]);
      return json(200, { removed });
    },
    adminListUnmatched: (input) => {
      const limit = (input.query as { limit?: number }).limit;
      return json(200, rt.unmatched.query({ limit }));
    },
  };
  // a clock or rule change is answered once it is stored (on Redis the write is a round trip away)
  const stored = Object.fromEntries(
    Object.entries(handlers).map(([id, h]): [string, Handler] => [
      id,
      async (input, ctx) => {
        const out = await h(input, ctx);
        await rt.tenants.flush();
        return out;
      },
    ]),
  );
  return { name: "admin", handlers: stored, envelope: gatewayEnvelope };
}
