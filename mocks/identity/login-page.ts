// The persona picker (zh-CN with English): personas grouped by type and level, the requesting client, scope and the
// required level; each choice POSTs back to /sso/login (issue 3 item 6).
import type { IdentityClient, IdentityPersona } from "./identity-types.js";
import type { Interaction } from "./identity-core.js";
import { LEVELS, levelRank } from "./persona-directory.js";

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const LOGIN_PATH = "/sso/login";

export interface LoginPageInput {
  interaction: Interaction;
  client: IdentityClient;
  personas: IdentityPersona[];
  error?: { zh: string; en: string };
  /** A persona to preselect (login_hint without auto-approve). */
  hint?: string;
}

function personaButton(p: IdentityPersona, client: IdentityClient, hint?: string): string {
  const low = levelRank(p.level) < levelRank(client.requiredLevel);
  const who = p.kind === "operator" && p.enterprise ? `${esc(p.person.name)} · ${esc(p.enterprise.name)}` : esc(p.person.name);
  const notes = [
    low ? `<span class="warn">低于要求的 ${client.requiredLevel}，将被拒绝 / below ${client.requiredLevel}, will be refused</span>` : "",
    p.locked ? `<span class="warn">账号已锁定 / account locked</span>` : "",
  ].join("");
  return `<li><button type="submit" name="persona" value="${esc(p.id)}"${p.id === hint ? ' class="hint" autofocus' : ""} data-persona="${esc(p.id)}">` +
    `<strong>${who}</strong> <code>${esc(p.id)}</code> <span class="lvl">${p.level}</span> ${notes}</button></li>`;
}

export function renderLoginPage(i: LoginPageInput): string {
  const { client, interaction } = i;
  const groups: string[] = [];
  for (const [kind, zh, en] of [["person", "个人用户", "Natural persons (usertype 1)"], ["operator", "法人用户（经办人）", "Legal-person operators (usertype 2, pareobj)"]] as const) {
    for (const level of [...LEVELS].reverse()) {
      const ps = i.personas.filter((p) => p.kind === kind && p.level === level);
      if (!ps.length) continue;
      groups.push(`<section><h3>${zh} · ${level} / ${en} · ${level}</h3><ul>${ps.map((p) => personaButton(p, client, i.hint)).join("")}</ul></section>`);
    }
  }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>统一身份认证 · 选择测试人员 / Unified identity · pick a test persona</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2em;max-width:60em}ul{list-style:none;padding:0}li{margin:.2em 0}
button{width:100%;text-align:left;padding:.4em .6em;cursor:pointer}button.hint{outline:2px solid #06c}.lvl{font-weight:bold}
.warn{color:#b00;margin-left:.5em}.error{background:#fee;border:1px solid #b00;padding:.6em}dt{font-weight:bold}</style></head>
<body>
<h1>统一身份认证（模拟）/ Unified identity (simulated)</h1>
<p>gatesim 模拟的广东省统一身份认证平台：请选择一个测试人员登录。/ gatesim's simulation of Guangdong's unified identity platform: pick a test persona to log in.</p>
${i.error ? `<p class="error" role="alert">${esc(i.error.zh)} / ${esc(i.error.en)}</p>` : ""}
<dl>
<dt>申请登录的应用 / Requesting client</dt><dd>${esc(client.name)} (<code>${esc(client.clientId)}</code>)</dd>
<dt>权限范围 / Scope</dt><dd><code>${esc(interaction.scope)}</code></dd>
<dt>要求的实名等级 / Required real-name level</dt><dd>${client.requiredLevel}</dd>
<dt>登录后返回 / Returns to</dt><dd><code>${esc(interaction.redirectUri)}</code></dd>
</dl>
<form method="post" action="${LOGIN_PATH}">
<input type="hidden" name="interaction" value="${esc(interaction.id)}">
<input type="hidden" name="client_id" value="${esc(client.clientId)}">
${groups.join("\n")}
<p><button type="submit" name="action" value="cancel" formnovalidate>取消登录 / Cancel login</button></p>
</form>
</body></html>`;
}

/** The page shown after a logout without a redirect target. */
export function renderLoggedOutPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已退出 / Signed out</title></head>
<body><h1>您已退出统一身份认证 / You have signed out of unified identity</h1></body></html>`;
}
