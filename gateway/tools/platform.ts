// The tools platform module: handlers for contracts/tools.yaml (the readiness report on the control plane).
import { GATEWAY_ERRORS, gatewayEnvelope } from "../../mocks/gateway/errors.js";
import { refuse } from "../../mocks/shared/problem.js";
import type { Handler, HandlerInput, HandlerResult, PlatformModule } from "../../mocks/shared/types.js";
import { publicUrlOf } from "../platforms.js";
import type { Runtime } from "../runtime.js";
import { buildReport, type ReadinessReport } from "./readiness-report.js";
import { reportToHtml } from "./report-html.js";
import { reportToJunit } from "./report-junit.js";
import { ProfileError, resolveProfile, type ProfileInput, type ReportProfile } from "./report-profiles.js";

export type ReportFormat = "json" | "junit" | "html";

/** Renders a report in one of the three formats, with the verdict header CI scripts can read. */
export function renderReport(report: ReadinessReport, format: ReportFormat): HandlerResult {
  const headers = { "x-gatesim-verdict": report.verdict };
  if (format === "junit")
    return { status: 200, headers, contentType: "application/xml; charset=utf-8", body: reportToJunit(report) };
  if (format === "html")
    return { status: 200, headers, contentType: "text/html; charset=utf-8", body: reportToHtml(report) };
  return { status: 200, headers, contentType: "application/json; charset=utf-8", body: report };
}

export function createToolsPlatform(rt: Runtime): PlatformModule {
  const run = async (input: HandlerInput, profileIn: string | ProfileInput): Promise<HandlerResult> => {
    const q = input.query as { format?: ReportFormat; since?: string; until?: string; session?: string };
    let profile: ReportProfile;
    try {
      profile = resolveProfile(profileIn);
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      refuse(
        GATEWAY_ERRORS.contractViolation,
        e.problems.map((p) => ({
          location: "/body/profile",
          rule: "tools.profile",
          message: p,
          hint: "见 docs/tools.md 的配置格式 / see the profile format in docs/tools.md",
        })),
      );
    }
    const since = q.since ? Date.parse(q.since) : undefined;
    const until = q.until ? Date.parse(q.until) : undefined;
    if (since !== undefined && until !== undefined && since > until)
      refuse(GATEWAY_ERRORS.contractViolation, [
        {
          location: "/query/since",
          rule: "tools.window",
          seen: q.since,
          message: "since 晚于 until / since is after until",
          hint: "交换两者 / swap them",
        },
      ]);
    const host = typeof input.headers.host === "string" ? input.headers.host : undefined;
    const proto = typeof input.headers["x-forwarded-proto"] === "string" ? input.headers["x-forwarded-proto"] : "http";
    const report = await buildReport(rt, input.params.paasid, {
      profile,
      window: { since, until, session: q.session },
      baseUrl: rt.config.publicUrl ?? (host ? `${proto}://${host}` : publicUrlOf(rt.config)),
    });
    return renderReport(report, q.format ?? "json");
  };
  const handlers: Record<string, Handler> = {
    toolsReport: (input) => run(input, String((input.query as { profile?: string }).profile ?? "baseline")),
    toolsReportWithProfile: (input) => run(input, (input.body as { profile: string | ProfileInput }).profile),
  };
  return { name: "tools", handlers, envelope: gatewayEnvelope };
}
