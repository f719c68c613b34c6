// `gatesim verify`: send the contract-derived cases to a department's endpoint (signed like the gateway when asked,
// facts §1.5), check status classes and response schemas, report each failure with a curl reproduction; JUnit.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { tifBackendHeaders } from "../../mocks/gateway/tif-signature.js";
import type { Diagnostic } from "../../mocks/shared/types.js";
import { validateResponse } from "../validation.js";
import { curlFor } from "./curl-reproduction.js";
import { renderJunit, type JunitSuite } from "./junit-xml.js";
import { ProgressBar } from "./progress-bar.js";
import { processIo, type CommandIo } from "./command-io.js";
import { buildCases, type VerifyCase } from "./verify-cases.js";
import { builtInContracts, loadVerifyContract } from "./verify-contract.js";

export interface VerifyOptions {
  url: string;
  contract: string;
  /** Sign like the gateway does towards a department backend (facts §1.5). */
  sign?: { paasid: string; token: string };
  /** The valid request body to start from (instead of the contract's example/sample). */
  body?: unknown;
  timeoutMs?: number;
  onProgress?: (label: string) => void;
}

export interface CaseResult {
  case: VerifyCase;
  status: "pass" | "fail" | "skipped" | "error";
  httpStatus?: number;
  ms?: number;
  /** Why it failed: "中文 / English". */
  problems: string[];
  violations: Diagnostic[];
  curl: string;
}

export interface VerifyResult {
  url: string;
  contract: string;
  title: string;
  results: CaseResult[];
  counts: { pass: number; fail: number; skipped: number; error: number };
}

function encodeBody(c: VerifyCase): string | undefined {
  if (c.body === undefined) return undefined;
  if (c.contentType?.includes("x-www-form-urlencoded") && c.body && typeof c.body === "object")
    return new URLSearchParams(
      Object.entries(c.body as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ).toString();
  return typeof c.body === "string" ? c.body : JSON.stringify(c.body);
}

function targetOf(base: string, c: VerifyCase): string {
  const b = base.replace(/\/+$/, "");
  const p = c.path === "/" ? "" : c.path;
  const q = new URLSearchParams(c.query).toString();
  return `${b}${p}${q ? `?${q}` : ""}`;
}

/** What is wrong with an answer: the class the case expects (2xx or a refusal), and the contract's response check. */
function judgeAnswer(
  c: VerifyCase,
  op: Parameters<typeof validateResponse>[0],
  status: number,
  ct: string,
  text: string,
) {
  let body: unknown = text;
  if (/json/.test(ct)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const problems: string[] = [];
  const cls = Math.floor(status / 100);
  if (c.expect === "2xx" && cls !== 2) problems.push(`应返回 2xx，实际 ${status} / expected 2xx, got ${status}`);
  if (c.expect === "4xx" && cls !== 4)
    problems.push(`应拒绝（4xx），实际 ${status} / expected a refusal (4xx), got ${status}`);
  const violations = validateResponse(op, status, text === "" ? undefined : ct, text === "" ? undefined : body);
  for (const v of violations) problems.push(`应答 ${v.location}: ${v.message}`);
  return { problems, violations };
}

export async function runVerify(o: VerifyOptions): Promise<VerifyResult> {
  const contract = loadVerifyContract(o.contract);
  const cases = contract.operations.flatMap((op) => buildCases(op, { body: o.body }));
  const dispatcher = new Agent({
    headersTimeout: o.timeoutMs ?? 10_000,
    bodyTimeout: o.timeoutMs ?? 10_000,
    connect: { timeout: o.timeoutMs ?? 10_000 },
  });
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      o.onProgress?.(c.id);
      const url = targetOf(o.url, c);
      const payload = encodeBody(c);
      const headers: Record<string, string> = {
        ...c.headers,
        ...(payload !== undefined && c.contentType ? { "content-type": c.contentType } : {}),
      };
      if (o.sign)
        Object.assign(
          headers,
          { "x-tif-paasid": o.sign.paasid },
          tifBackendHeaders(o.sign.token, {}, Date.now(), randomBytes(8).toString("hex")),
        );
      const curl = curlFor({ method: c.method, url, headers, body: payload }, o.url, { upperSignature: true });
      if (c.skip) {
        results.push({ case: c, status: "skipped", problems: [c.skip], violations: [], curl });
        continue;
      }
      const op = contract.operations.find((x) => x.operationId === c.operationId)!;
      const t0 = performance.now();
      try {
        const res = await request(url, { method: c.method as "POST", headers, body: payload, dispatcher });
        const text = await res.body.text();
        const ct = String(res.headers["content-type"] ?? "");
        const { problems, violations } = judgeAnswer(c, op, res.statusCode, ct, text);
        results.push({
          case: c,
          status: problems.length ? "fail" : "pass",
          httpStatus: res.statusCode,
          ms: performance.now() - t0,
          problems,
          violations,
          curl,
        });
      } catch (e) {
        const err = e as Error & { code?: string };
        results.push({
          case: c,
          status: "error",
          ms: performance.now() - t0,
          problems: [`请求失败 / request failed: ${err.code ?? ""} ${err.message}`.trim()],
          violations: [],
          curl,
        });
      }
    }
  } finally {
    await dispatcher.close();
  }
  const n = (s: CaseResult["status"]) => results.filter((r) => r.status === s).length;
  return {
    url: o.url,
    contract: o.contract,
    title: contract.title,
    results,
    counts: { pass: n("pass"), fail: n("fail"), skipped: n("skipped"), error: n("error") },
  };
}

export function verifyToJunit(v: VerifyResult): string {
  const suites = new Map<string, JunitSuite>();
  for (const r of v.results) {
    let s = suites.get(r.case.operationId);
    if (!s)
      suites.set(
        r.case.operationId,
        (s = {
          name: `gatesim.verify.${r.case.operationId}`,
          cases: [],
          properties: { url: v.url, contract: v.contract },
        }),
      );
    s.cases.push({
      name: `${r.case.id} ${r.case.kind}: ${r.case.name}`,
      classname: `gatesim.verify.${r.case.operationId}`,
      status: r.status,
      time: (r.ms ?? 0) / 1000,
      message: r.problems.join("; ") || undefined,
      details: [...r.problems, "", "复现 reproduce:", r.curl].join("\n"),
    });
  }
  return renderJunit([...suites.values()], { name: "gatesim-verify" });
}

export function verifySummary(v: VerifyResult): string {
  const lines = [`gatesim verify ${v.url} — ${v.title} (${v.contract})`];
  for (const r of v.results.filter((x) => x.status === "fail" || x.status === "error")) {
    lines.push(
      "",
      `✘ ${r.case.id} [${r.case.kind}] ${r.case.name}${r.httpStatus !== undefined ? ` → HTTP ${r.httpStatus}` : ""}`,
    );
    for (const p of r.problems) lines.push(`    ${p}`);
    lines.push(...r.curl.split("\n").map((l) => `    ${l}`));
  }
  const skipped = v.results.filter((x) => x.status === "skipped");
  if (skipped.length)
    lines.push(
      "",
      `– ${skipped.length} 个用例跳过 / case(s) skipped: ${[...new Set(skipped.flatMap((s) => s.problems))].join("; ")}`,
    );
  const c = v.counts;
  lines.push("", `${c.pass} passed, ${c.fail} failed, ${c.skipped} skipped, ${c.error} errors`);
  return lines.join("\n") + "\n";
}

export const VERIFY_HELP = `  gatesim verify --url <endpoint> --contract <file|built-in> [--sign --paasid <id> --token <t>] [--body <json>] [--junit <file>]
                                用契约生成的有效、边界、无效请求检查部门自己的接口；退出码 0 全部通过 / 1 有失败
                                / check a department's own endpoint with valid, boundary and invalid requests; exit 1 on failures
                                (内置契约 built-ins: ${builtInContracts().join(", ")})
`;

export async function verifyCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        url: { type: "string" },
        contract: { type: "string" },
        sign: { type: "boolean" },
        paasid: { type: "string" },
        token: { type: "string" },
        body: { type: "string" },
        junit: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${VERIFY_HELP}`);
    return 2;
  }
  if (values.help) return (io.stdout(VERIFY_HELP), 0);
  const problems: string[] = [];
  if (!values.url) problems.push("--url 必填 / --url is required");
  if (!values.contract)
    problems.push(`--contract 必填 / --contract is required (file, or one of ${builtInContracts().join(", ")})`);
  const token = values.token ?? io.env.GATESIM_PAAS_TOKEN;
  if (values.sign && (!values.paasid || !token))
    problems.push("--sign 需要 --paasid 与 --token / --sign needs --paasid and --token");
  let body: unknown;
  if (values.body !== undefined) {
    try {
      body = JSON.parse(values.body);
    } catch (e) {
      problems.push(`--body 不是 JSON / is not JSON: ${(e as Error).message}`);
    }
  }
  if (problems.length) {
    io.stderr(`${problems.map((p) => `  - ${p}`).join("\n")}\n\n${VERIFY_HELP}`);
    return 2;
  }
  let result: VerifyResult;
  try {
    const total = loadVerifyContract(values.contract!).operations.reduce(
      (n, op) => n + buildCases(op, { body }).length,
      0,
    );
    const bar = new ProgressBar(total, io.isTTY ? io.stderr : undefined);
    result = await runVerify({
      url: values.url!,
      contract: values.contract!,
      body,
      sign: values.sign ? { paasid: values.paasid!, token: token! } : undefined,
      timeoutMs: values.timeout ? Number(values.timeout) : undefined,
      onProgress: (l) => bar.tick(l),
    });
    bar.finish();
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  if (values.junit) writeFileSync(values.junit, verifyToJunit(result));
  io.stdout(verifySummary(result));
  if (result.counts.error && !result.counts.pass && !result.counts.fail) return 3;
  return result.counts.fail || result.counts.error ? 1 : 0;
}
