// The readiness report as one self-contained zh-CN page (English alongside): verdict first, a bar chart of results per
// platform, what to fix, then details — no scripts, no external resources, readable without the JSON.
import type { ReadinessReport, Requirement } from "./readiness-report.js";

const esc = (s: unknown) =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STATUS = {
  pass: { label: "通过 PASS", cls: "pass" },
  fail: { label: "未通过 FAIL", cls: "fail" },
  skipped: { label: "不适用/跳过 SKIPPED", cls: "skip" },
} as const;

const PLATFORM_NAMES: Record<string, string> = {
  gateway: "网关 Gateway",
  identity: "统一身份认证 Identity",
  eseal: "电子印章 E-seal",
  elicence: "电子证照 E-licence",
  datashare: "数据共享 Data sharing",
  plan: "规划规则 Plan rules",
};
const platformName = (p: string) => PLATFORM_NAMES[p] ?? p;

/** Horizontal stacked bars, one per platform: pass / fail / skipped counts. */
function chart(r: ReadinessReport): string {
  const rows = r.platforms.filter((p) => p.pass + p.fail + p.skipped > 0);
  const max = Math.max(1, ...rows.map((p) => p.pass + p.fail + p.skipped));
  const labelW = 190,
    barW = 360,
    rowH = 26,
    top = 8;
  const h = top + rows.length * rowH + 26;
  const scale = barW / max;
  const bars = rows.map((p, i) => {
    const y = top + i * rowH;
    let x = labelW;
    const seg = (n: number, cls: string) => {
      if (!n) return "";
      const w = n * scale;
      const s = `<rect class="${cls}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}"><title>${n}</title></rect><text class="n" x="${(x + w / 2).toFixed(1)}" y="${y + rowH / 2 + 1}">${n}</text>`;
      x += w;
      return s;
    };
    return `<text class="l" x="${labelW - 8}" y="${y + rowH / 2 + 1}">${esc(platformName(p.name))}</text>${seg(p.pass, "pass")}${seg(p.fail, "fail")}${seg(p.skipped, "skip")}`;
  });
  const ly = top + rows.length * rowH + 10;
  const legend = [
    ["pass", "通过 pass"],
    ["fail", "未通过 fail"],
    ["skip", "跳过 skipped"],
  ]
    .map(
      ([c, t], i) =>
        `<rect class="${c}" x="${labelW + i * 120}" y="${ly}" width="12" height="12"/><text class="lg" x="${labelW + i * 120 + 16}" y="${ly + 10}">${t}</text>`,
    )
    .join("");
  return `<svg role="img" aria-label="各平台结果 / results per platform" width="${labelW + barW + 20}" height="${h}" viewBox="0 0 ${labelW + barW + 20} ${h}" xmlns="http://www.w3.org/2000/svg">${bars.join("")}${legend}</svg>`;
}

function requirementRow(q: Requirement): string {
  const s = STATUS[q.status];
  const more = [
    q.hint && q.status === "fail" ? `<div class="hint">提示 Hint：${esc(q.hint)}</div>` : "",
    q.evidence?.length
      ? `<div class="ev">${q.evidence.map((e) => `<code>${esc(e.method)} ${esc(e.url)} → ${e.status}</code> <span class="trace">trace ${esc(e.traceId)}</span>`).join("<br>")}</div>`
      : "",
    q.details?.length && q.status === "fail"
      ? `<details><summary>详情 / details</summary><pre>${esc(q.details.join("\n"))}</pre></details>`
      : "",
  ].join("");
  return `<tr class="${s.cls}"><td><span class="badge ${s.cls}">${s.label}</span></td><td><b>${esc(q.zh)}</b><br><span class="en">${esc(q.en)}</span><br><code class="id">${esc(q.id)}</code></td><td>${esc(q.message)}${more}</td></tr>`;
}

export function reportToHtml(r: ReadinessReport): string {
  const failed = r.requirements.filter((q) => q.status === "fail");
  const verdict =
    r.verdict === "pass"
      ? `<div class="verdict pass">可以上线 · 通过<br><small>READY · PASS</small></div>`
      : `<div class="verdict fail">暂不可上线 · 未通过<br><small>NOT READY · FAIL</small></div>`;
  const win =
    [
      r.window.session ? `会话 session <code>${esc(r.window.session)}</code>` : "",
      r.window.since ? `自 since ${esc(r.window.since)}` : "",
      r.window.until ? `至 until ${esc(r.window.until)}` : "",
    ]
      .filter(Boolean)
      .join("，") || "全部日志 / whole journal";
  const sections = r.platforms.map((p) => {
    const reqs = r.requirements.filter((q) => q.platform === p.name);
    const ops = p.operations.length
      ? `<table class="ops"><tr><th>接口 Operation</th><th>调用 Calls</th><th>成功 OK</th><th>状态码 Statuses</th><th>已收到的契约错误 Declared errors seen</th></tr>${p.operations
          .map(
            (o) =>
              `<tr><td><code>${esc(o.operationId)}</code></td><td>${o.calls}</td><td>${o.ok}</td><td>${esc(
                Object.entries(o.statuses)
                  .map(([s, n]) => `${s}×${n}`)
                  .join(" "),
              )}</td><td>${esc(o.declaredErrorsSeen.join(", ") || "—")}</td></tr>`,
          )
          .join("")}</table>`
      : "";
    return `<section><h3>${esc(platformName(p.name))}${p.loaded ? "" : ' <span class="na">未加载 not loaded</span>'} <span class="counts">✔ ${p.pass} ✘ ${p.fail} – ${p.skipped}</span></h3>${reqs.length ? `<table class="req"><tr><th>结果 Result</th><th>要求 Requirement</th><th>说明 Details</th></tr>${reqs.map(requirementRow).join("")}</table>` : ""}${ops}</section>`;
  });
  const violations = r.violations.length
    ? `<table class="viol"><tr><th>平台 Platform</th><th>规则 Rule</th><th>次数 Count</th><th>示例 Example</th></tr>${r.violations
        .map(
          (v) =>
            `<tr><td>${esc(platformName(v.platform))}</td><td><code>${esc(v.rule)}</code>${v.coveredBy ? `<br><span class="en">计入 counted in ${esc(v.coveredBy)}</span>` : ""}</td><td>${v.count}</td><td><code>${esc(v.example.location)}</code>：${esc(v.example.message)}<div class="hint">提示 Hint：${esc(v.example.hint)}</div><details><summary>curl 复现 / reproduce (trace ${esc(v.example.traceId)})</summary><pre>${esc(v.example.curl)}</pre></details></td></tr>`,
        )
        .join("")}</table>`
    : `<p>没有契约违规 / no contract violations.</p>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>上线就绪报告 Go-live readiness — ${esc(r.tenant.paasid)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;padding:20px 28px;color:#1f2328;background:#f6f8fa;font-size:14px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.top{display:flex;gap:24px;align-items:center;flex-wrap:wrap}.meta{color:#57606a}.meta code{color:#1f2328}
.verdict{font-size:20px;font-weight:700;padding:12px 22px;border-radius:8px;color:#fff;text-align:center}.verdict small{font-size:12px;letter-spacing:.08em}
.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0}
svg text{font-size:12px;font-family:inherit}svg .l{text-anchor:end;dominant-baseline:middle;fill:#1f2328}svg .n{text-anchor:middle;dominant-baseline:middle;fill:#fff;font-weight:700}svg .lg{fill:#57606a}
rect.pass{fill:#2da44e}rect.fail{fill:#cf222e}rect.skip{fill:#8c959f}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0}th,td{border:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eaeef2;font-weight:600}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.skip{background:#8c959f}
tr.fail td{background:#fff5f5}.en{color:#57606a;font-size:12px}.id{color:#57606a;font-size:11px}.hint{color:#7d4e00;margin-top:3px}.ev{margin-top:3px;font-size:12px}.trace{color:#8c959f}
.counts{font-weight:400;color:#57606a;font-size:13px;margin-left:8px}.na{font-size:12px;color:#8c959f;font-weight:400}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:8px;overflow-x:auto;font-size:12px;white-space:pre-wrap;word-break:break-all}
ul.fix li{margin:4px 0}
</style></head><body>
<div class="top"><div><h1>上线就绪报告 <span class="en">Go-live readiness report</span></h1>
<div class="meta">租户 Tenant <code>${esc(r.tenant.paasid)}</code>（${esc(r.tenant.name)}） · 配置 Profile <code>${esc(r.profile.name)}</code>：${esc(r.profile.zh)} <span class="en">${esc(r.profile.en)}</span></div>
<div class="meta">范围 Scope：${win} · 调用 ${r.entries} 次 calls · 生成于 generated ${esc(r.generatedAt)} · gatesim ${esc(r.version)}</div></div>
${verdict}</div>
<div class="card"><b>结果 Results</b>：通过 pass ${r.counts.pass} · 未通过 fail ${r.counts.fail} · 跳过 skipped ${r.counts.skipped}<br>${chart(r)}</div>
${failed.length ? `<div class="card"><b>需要处理 To fix (${failed.length})</b><ul class="fix">${failed.map((q) => `<li><b>${esc(q.zh)}</b> <span class="en">${esc(q.en)}</span> — ${esc(q.message)}${q.hint ? `<div class="hint">提示 Hint：${esc(q.hint)}</div>` : ""}</li>`).join("")}</ul></div>` : ""}
${r.notes.length ? `<div class="card"><b>说明 Notes</b><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></div>` : ""}
<h2>各平台 By platform</h2>
${sections.join("\n")}
<h2>契约违规（按规则） Violations by rule</h2>
${violations}
</body></html>
`;
}
