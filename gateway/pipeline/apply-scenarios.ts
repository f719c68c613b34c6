// Step: forced outcomes. A request's `x-gatesim-scenario: <name>` header, else the tenant's first matching rule.
//  - unknown scenario name → 40005 listing the catalogue's names for this operation
//  - a scenario for another platform's operations is refused the same way (it would not mean anything here)
//  - latency waits without blocking other requests; timeout/reset drop the connection
//  - never on the control plane (/_gatesim/…, admin-secured): a broad rule must not lock a tenant out of its own
//    journal, rules and clock
import { setTimeout as sleep } from "node:timers/promises";
import { GATEWAY_ERRORS, gatewayErrorByCode } from "../../mocks/gateway/errors.js";
import { refuse, ProblemError } from "../../mocks/shared/problem.js";
import type { ScenarioDef } from "../../mocks/shared/types.js";
import { SCENARIO_HEADER } from "../scenarios.js";
import { header, type Exchange } from "./exchange.js";

function applies(d: ScenarioDef, x: Exchange): boolean {
  const op = x.op!;
  if (d.platform !== "gateway" && d.platform !== op.platform) return false;
  return !d.operations?.length || d.operations.includes(op.operationId);
}

async function apply(d: ScenarioDef, x: Exchange): Promise<void> {
  x.scenario = d.name;
  const o = d.outcome;
  // A platform's own refusal answers in that platform's envelope; a gateway errcode (e.g. 50201 upstream unavailable)
  // is the gateway speaking, whichever platform's scenario forced it.
  if (d.platform !== "gateway" && !(o.kind === "problem" && gatewayErrorByCode(Number(o.problem.code))))
    x.platformStage = true;
  switch (o.kind) {
    case "problem":
      throw new ProblemError({
        ...o.problem,
        diagnostics: [
          {
            location: `/headers/${SCENARIO_HEADER}`,
            rule: "scenario",
            seen: d.name,
            message: `场景 ${d.name}：${d.zh} / scenario ${d.name}: ${d.en}`,
            hint: "这是按场景强制的结果；去掉该请求头或规则即恢复正常 / forced by a scenario; drop the header or rule to get the normal answer",
          },
        ],
      });
    case "result":
      x.result = o.result;
      return;
    case "latency":
      x.hold?.();
      await sleep(o.ms);
      return;
    case "timeout":
      x.hold?.();
      await sleep(x.rt.config.scenarioTimeoutMs);
      x.drop = "timeout";
      return;
    case "reset":
      x.drop = "reset";
      return;
  }
}

/** Synchronous (nothing to await) for the usual request: no scenario header and no tenant rule. */
export function applyScenarios(x: Exchange): void | Promise<void> {
  // The control plane is how a tenant diagnoses and lifts its own faults: no rule or scenario may block it.
  if (x.path.startsWith("/_gatesim/") || x.op!.security.includes("admin")) return;
  const name = header(x, SCENARIO_HEADER);
  if (!name && !x.tenant?.rules.size) return;
  // a replayed call takes no rule and is neither delayed nor hung: it is refused 40003 first
  return x.pendingClaim ? x.pendingClaim.then(() => applyForced(x, name)) : applyForced(x, name);
}

async function applyForced(x: Exchange, name: string | undefined): Promise<void> {
  if (name) {
    const d = x.rt.scenarios.get(name);
    if (!d || !applies(d, x)) {
      const names = x.rt.scenarios
        .list()
        .filter((s) => applies(s, x))
        .map((s) => s.name);
      refuse(GATEWAY_ERRORS.contractViolation, [
        {
          location: `/headers/${SCENARIO_HEADER}`,
          rule: "scenario.known",
          seen: name,
          message: d
            ? `场景 ${name} 不适用于 ${x.op!.operationId} / scenario ${name} does not apply to ${x.op!.operationId}`
            : `未知场景 ${name} / unknown scenario ${name}`,
          hint: `可用场景 / available here: ${names.join(", ")} (GET /_gatesim/scenarios)`,
        },
      ]);
    }
    return apply(d, x);
  }
  // no header: applyScenarios only calls here when the tenant has rules
  const rule = x.tenant!.rules.take({ operationId: x.op!.operationId, serviceId: x.serviceId, path: x.path });
  if (!rule) return;
  const a = rule.action;
  if (a.scenario) {
    const d = x.rt.scenarios.get(a.scenario);
    if (d) return apply(d, x);
  }
  if (a.errcode !== undefined) {
    const entry = gatewayErrorByCode(a.errcode) ?? {
      code: a.errcode,
      status: Math.floor(a.errcode / 100) || 500,
      zh: "规则强制的错误",
      en: "error forced by a rule",
    };
    x.scenario = `rule:${rule.id}`;
    throw new ProblemError({
      ...entry,
      diagnostics: [
        {
          location: "/",
          rule: `rule:${rule.id}`,
          message: `租户规则 ${rule.id} 强制返回 ${a.errcode} / tenant rule ${rule.id} forced ${a.errcode}`,
          hint: "DELETE /_gatesim/tenants/{paasid}/rules/{ruleId} 删除该规则 / delete the rule to restore normal answers",
        },
      ],
    });
  }
  x.scenario = `rule:${rule.id}`;
  if (a.latencyMs !== undefined || a.latencyRangeMs || a.timeout) x.hold?.();
  if (a.latencyMs !== undefined) await sleep(a.latencyMs);
  if (a.latencyRangeMs) await sleep(a.latencyRangeMs[0] + Math.random() * (a.latencyRangeMs[1] - a.latencyRangeMs[0]));
  if (a.timeout) {
    await sleep(x.rt.config.scenarioTimeoutMs);
    x.drop = "timeout";
  }
  if (a.reset) x.drop = "reset";
}
