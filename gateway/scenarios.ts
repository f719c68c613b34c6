// Scenarios and faults: one catalogue of named outcomes that platforms register into, forced per
// request with `x-gatesim-scenario: <name>` or by per-tenant rules set through the control plane.
import { randomUUID } from "node:crypto";
import type { ScenarioDef } from "../mocks/shared/types.js";
import { GATEWAY_ERRORS } from "../mocks/gateway/errors.js";

export const SCENARIO_HEADER = "x-gatesim-scenario";

/** The gateway's own scenarios; platforms add theirs (ScenarioDef in mocks/shared/types.ts). */
export const GATEWAY_SCENARIOS: ScenarioDef[] = [
  {
    name: "gateway.upstream-unavailable",
    platform: "gateway",
    zh: "上游平台不可用 (50201)",
    en: "upstream platform unavailable (50201)",
    outcome: { kind: "problem", problem: GATEWAY_ERRORS.upstreamUnavailable },
  },
  {
    name: "gateway.upstream-timeout",
    platform: "gateway",
    zh: "上游平台超时 (50401)",
    en: "upstream timeout (50401)",
    outcome: { kind: "problem", problem: GATEWAY_ERRORS.upstreamTimeout },
  },
  {
    name: "gateway.rate-limited",
    platform: "gateway",
    zh: "超过调用频率限制 (42901)",
    en: "rate limit exceeded (42901)",
    outcome: { kind: "problem", problem: GATEWAY_ERRORS.rateLimited },
  },
  {
    name: "gateway.slow",
    platform: "gateway",
    zh: "应答延迟 2 秒（不阻塞其他请求）",
    en: "answer 2 s late (other requests are not blocked)",
    outcome: { kind: "latency", ms: 2000 },
  },
  {
    name: "gateway.hang",
    platform: "gateway",
    zh: "不应答，直到超时后断开",
    en: "no answer until the scenario timeout, then the connection closes",
    outcome: { kind: "timeout" },
  },
  {
    name: "gateway.connection-reset",
    platform: "gateway",
    zh: "直接断开连接",
    en: "connection reset without an answer",
    outcome: { kind: "reset" },
  },
];

export class ScenarioCatalogue {
  private readonly byName = new Map<string, ScenarioDef>();

  register(defs: ScenarioDef[]): void {
    for (const d of defs) {
      if (this.byName.has(d.name)) throw new Error(`duplicate scenario ${d.name}`);
      this.byName.set(d.name, d);
    }
  }

  get(name: string): ScenarioDef | undefined {
    return this.byName.get(name);
  }

  list(): ScenarioDef[] {
    return [...this.byName.values()];
  }
}

export interface RuleMatch {
  operationId?: string;
  serviceId?: string;
  pathPrefix?: string;
}

export interface RuleAction {
  scenario?: string;
  errcode?: number;
  latencyMs?: number;
  latencyRangeMs?: [number, number];
  timeout?: true;
  reset?: true;
}

export interface Rule {
  id: string;
  match?: RuleMatch;
  action: RuleAction;
  times?: number;
  hits: number;
}

/** Per-tenant rules; the first live match applies; `times` counts down. */
export class RuleSet {
  private rules: Rule[] = [];
  /** Called after every change, hits included (the tenant registry stores the rules, so a restart keeps them). */
  onChange?: (rules: Rule[]) => void;

  private changed(): void {
    this.onChange?.(this.list());
  }

  /** Back to stored rules (no onChange: they are already stored). */
  restore(rules: Rule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
  }

  add(input: Omit<Rule, "id" | "hits">): Rule {
    const rule: Rule = { id: randomUUID().slice(0, 8), hits: 0, ...input };
    this.rules.push(rule);
    this.changed();
    return rule;
  }

  list(): Rule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  delete(id: string): number {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    if (before !== this.rules.length) this.changed();
    return before - this.rules.length;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    if (n) this.changed();
    return n;
  }

  get size(): number {
    return this.rules.length;
  }

  /** The rule that applies to this request, consuming one of its `times`. */
  take(req: { operationId?: string; serviceId?: string; path: string }): Rule | undefined {
    for (const r of this.rules) {
      const m = r.match ?? {};
      if (m.operationId && m.operationId !== req.operationId) continue;
      if (m.serviceId && m.serviceId !== req.serviceId) continue;
      if (m.pathPrefix && !req.path.startsWith(m.pathPrefix)) continue;
      r.hits++;
      if (r.times !== undefined && r.hits >= r.times) this.rules = this.rules.filter((x) => x !== r);
      this.changed();
      return r;
    }
    return undefined;
  }
}
