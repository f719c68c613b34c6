// The readiness report as JUnit XML: one testsuite per platform (plus the plan rules), one testcase per requirement.
import { renderJunit, type JunitSuite } from "./junit-xml.js";
import type { ReadinessReport } from "./readiness-report.js";

export function reportToJunit(r: ReadinessReport): string {
  const byPlatform = new Map<string, JunitSuite>();
  for (const q of r.requirements) {
    let s = byPlatform.get(q.platform);
    if (!s) {
      byPlatform.set(
        q.platform,
        (s = {
          name: `gatesim.readiness.${q.platform}`,
          cases: [],
          properties: {
            tenant: r.tenant.paasid,
            profile: r.profile.name,
            ...(r.window.session ? { session: r.window.session } : {}),
          },
        }),
      );
    }
    const ev = (q.evidence ?? []).map((e) => `trace ${e.traceId} ${e.time} ${e.method} ${e.url} → ${e.status}`);
    s.cases.push({
      name: `${q.id} — ${q.zh} / ${q.en}`,
      classname: `gatesim.readiness.${q.platform}`,
      status: q.status,
      message: q.message,
      details: [q.message, ...(q.hint ? [`提示 hint: ${q.hint}`] : []), ...ev, ...(q.details ?? [])].join("\n"),
    });
  }
  const plan = byPlatform.get("plan");
  byPlatform.delete("plan");
  const suites = [...byPlatform.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (plan) suites.push(plan);
  if (suites[0]) suites[0].systemOut = [`verdict: ${r.verdict}`, `entries: ${r.entries}`, ...r.notes].join("\n");
  return renderJunit(suites, { name: `gatesim-readiness-${r.tenant.paasid}`, timestamp: new Date(r.generatedAt) });
}
