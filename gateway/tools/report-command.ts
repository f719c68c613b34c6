// `gatesim report`: fetch a tenant's readiness report from a running gatesim's control plane, write it, and exit with
// the verdict (0 ready, 1 not ready, 2 usage, 3 gatesim unreachable or refused).
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { processIo, type CommandIo } from "./command-io.js";
import { readProfileFile, ProfileError, BUILT_IN_PROFILES } from "./report-profiles.js";

export const REPORT_HELP = `  gatesim report --url <base> --paasid <id> [--admin-token <t>] [--format json|junit|html] [--out <file>]
                 [--profile <name|file.json|file.yaml>] [--since <iso>] [--until <iso>] [--session <name>]
                                上线就绪报告；退出码 0 通过 / 1 未通过 / go-live readiness report; exit 0 ready, 1 not ready
                                (内置配置 built-in profiles: ${Object.keys(BUILT_IN_PROFILES).join(", ")}; token: GATESIM_ADMIN_TOKEN)
`;

const OPTIONS = {
  url: { type: "string" },
  paasid: { type: "string" },
  "admin-token": { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  profile: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  session: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type ReportValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

/** The options' problems, each with its fix, and what the request needs from them. */
function checkOptions(values: ReportValues, env: CommandIo["env"]) {
  const problems: string[] = [];
  const token = values["admin-token"] ?? env.GATESIM_ADMIN_TOKEN;
  if (!values.url) problems.push("--url 必填 / --url is required (e.g. http://127.0.0.1:8080)");
  if (!values.paasid) problems.push("--paasid 必填 / --paasid is required");
  if (!token)
    problems.push(
      "--admin-token 或 GATESIM_ADMIN_TOKEN 必填（管理员令牌或租户控制令牌）/ --admin-token or GATESIM_ADMIN_TOKEN is required (admin or the tenant's control token)",
    );
  const format = values.format ?? "json";
  if (!["json", "junit", "html"].includes(format))
    problems.push(`--format 应为 json|junit|html / must be json|junit|html, got "${format}"`);
  for (const k of ["since", "until"] as const)
    if (values[k] !== undefined && Number.isNaN(Date.parse(values[k]!)))
      problems.push(`--${k} 应为 ISO 8601 时间 / must be an ISO 8601 time, got "${values[k]}"`);
  let profileBody: unknown;
  const p = values.profile;
  if (p !== undefined && (existsSync(p) || /\.(json|ya?ml)$/.test(p))) {
    try {
      profileBody = readProfileFile(p);
    } catch (e) {
      problems.push(e instanceof ProfileError ? e.problems.join("; ") : `--profile ${p}: ${(e as Error).message}`);
    }
  } else if (p !== undefined && !BUILT_IN_PROFILES[p])
    problems.push(
      `--profile: 未知的内置配置 ${p}，也不是文件 / unknown built-in profile and not a file (built-ins: ${Object.keys(BUILT_IN_PROFILES).join(", ")})`,
    );
  return { problems, token, format, profileBody };
}

export async function reportCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${REPORT_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  const { problems, token, format, profileBody } = checkOptions(values, io.env);
  const p = values.profile;
  if (problems.length) {
    io.stderr(`${problems.map((x) => `  - ${x}`).join("\n")}\n\n${REPORT_HELP}`);
    return 2;
  }
  const q = new URLSearchParams({ format });
  for (const k of ["since", "until", "session"] as const) if (values[k] !== undefined) q.set(k, values[k]!);
  if (p !== undefined && profileBody === undefined) q.set("profile", p);
  const url = `${values.url!.replace(/\/+$/, "")}/_gatesim/tenants/${encodeURIComponent(values.paasid!)}/report?${q}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: profileBody === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${token}`,
        ...(profileBody === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(profileBody === undefined ? {} : { body: JSON.stringify({ profile: profileBody }) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    io.stderr(
      `无法连接 gatesim / cannot reach gatesim at ${values.url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}\n`,
    );
    return 3;
  }
  const text = await res.text();
  const verdict = res.headers.get("x-gatesim-verdict");
  if (res.status !== 200 || (verdict !== "pass" && verdict !== "fail")) {
    let why = text.slice(0, 2000);
    try {
      const b = JSON.parse(text) as { errmsg?: string; _diagnostics?: { message: string; hint: string }[] };
      why = [b.errmsg, ...(b._diagnostics ?? []).map((d) => `  - ${d.message}（${d.hint}）`)]
        .filter(Boolean)
        .join("\n");
    } catch {
      // not JSON: show the text as is
    }
    io.stderr(`gatesim 拒绝了报告请求 / gatesim refused the report request (HTTP ${res.status}):\n${why}\n`);
    return 3;
  }
  if (values.out) {
    writeFileSync(values.out, text);
    io.stderr(
      `报告已写入 / report written to ${values.out} — ${verdict === "pass" ? "通过 / PASS" : "未通过 / FAIL"}\n`,
    );
  } else io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  return verdict === "pass" ? 0 : 1;
}
