// The persona picker (zh-CN with English): personas grouped by type and level, the requesting client, scope and the
// required level; each choice POSTs back to /sso/login. Works without JavaScript; a small inline
// script only adds the filter box.
import { divisionName } from "../shared/divisions.js";
import type { IdentityClient, IdentityPersona } from "./types.js";
import type { Interaction } from "./identity-core.js";
import { LEVELS, levelRank } from "./persona-directory.js";

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const LOGIN_PATH = "/sso/login";

/** tyrz accout_type (facts §2.2): how the account logs in. */
const LOGIN_METHODS: Record<string, string> = {
  "1": "用户名口令 / password",
  "2": "数字证书 / certificate",
  "3": "粤省事扫码 / 粤省事 QR",
  "4": "微警 / Weijing",
};

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
  const cls = [p.id === hint ? "hint" : "", low || p.locked ? "off" : ""].filter(Boolean).join(" ");
  const person = p.person;
  const place = divisionName(person.districtCode) ?? "";
  const line2 =
    p.kind === "operator" && p.enterprise
      ? `<span class="org">${esc(p.enterprise.name)}</span></span><span class="line"><span class="sub">统一社会信用代码 / USCC ${esc(p.enterprise.uscc)}</span>`
      : `<span class="sub">${person.sex === 1 ? "男 / M" : "女 / F"} · ${esc(person.birthDate.slice(0, 4))} · ${esc(place)}</span>`;
  const notes = [
    low
      ? `<span class="warn">低于要求的 ${client.requiredLevel}，将被拒绝 / below ${client.requiredLevel}, will be refused</span>`
      : "",
    p.locked ? `<span class="warn">账号已锁定 / account locked</span>` : "",
  ].join("");
  const search = [p.id, person.name, person.uid, p.enterprise?.name ?? "", p.enterprise?.uscc ?? "", place]
    .join(" ")
    .toLowerCase();
  return (
    `<li><button type="submit" name="persona" value="${esc(p.id)}"${cls.includes("hint") ? ' class="hint" autofocus' : cls ? ` class="${cls}"` : ""} data-persona="${esc(p.id)}" data-search="${esc(search)}">` +
    `<span class="top"><strong>${esc(person.name)}</strong><span class="lvl ${p.level}">${p.level}</span></span>` +
    `<span class="line">${line2}</span>` +
    `<span class="line"><code>${esc(p.id)}</code><span class="sub">${esc(LOGIN_METHODS[person.loginMethod] ?? "")}</span></span>${notes}</button></li>`
  );
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:#1f2933;background:#f3f5f8}
header{background:#0b4f9c;color:#fff;padding:.9em 2em;display:flex;align-items:baseline;gap:1em;flex-wrap:wrap}
header h1{font-size:1.35em;margin:0;font-weight:600}header .tag{font-size:.85em;opacity:.85}
main{max-width:76em;margin:0 auto;padding:1.2em 2em 3em}
.card{background:#fff;border:1px solid #d9dee5;border-radius:6px;padding:1em 1.2em;margin-bottom:1em}
dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(22em,1fr));gap:.7em 2em;margin:0}
dt{font-size:.85em;color:#52606d}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.intro{display:flex;justify-content:space-between;align-items:center;gap:1em;flex-wrap:wrap;margin:.2em 0 .8em}
.intro p{margin:0;color:#52606d}
.error{background:#fdecea;border:1px solid #d93025;color:#a50e0e;border-radius:6px;padding:.7em 1em;margin-bottom:1em}
nav{display:flex;flex-wrap:wrap;gap:.4em;margin:.6em 0}
nav a{font-size:.85em;text-decoration:none;color:#0b4f9c;border:1px solid #b6c8e3;border-radius:999px;padding:.1em .7em;background:#fff}
input[type=search]{width:100%;max-width:40em;padding:.45em .7em;border:1px solid #b8c2cc;border-radius:4px;font:inherit}
section h2{font-size:1.05em;margin:1.4em 0 .5em;color:#0b4f9c}
ul{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(17em,1fr));gap:.5em}
li button{width:100%;height:100%;text-align:left;padding:.55em .75em;cursor:pointer;background:#fff;border:1px solid #cfd6de;border-radius:6px;font:inherit;color:inherit;display:flex;flex-direction:column;gap:.15em}
li button:hover,li button:focus{border-color:#0b4f9c;box-shadow:0 0 0 2px #b6c8e3;outline:none}
li button.hint{border-color:#0b4f9c;box-shadow:0 0 0 2px #0b4f9c}
li button.off{background:#f4f5f7;color:#7b8794;border-style:dashed}li button.off .lvl{opacity:.6}
.top{display:flex;justify-content:space-between;align-items:center}.top strong{font-size:1.05em}
.line{display:flex;gap:.6em;flex-wrap:wrap;align-items:baseline}.sub{color:#616e7c;font-size:.85em}.org{font-size:.9em}
code{font:.85em ui-monospace,"DejaVu Sans Mono",monospace;background:#eef2f7;padding:0 .3em;border-radius:3px}
.lvl{font-size:.8em;font-weight:700;border-radius:3px;padding:0 .45em;color:#fff}
.lvl.L3{background:#1e7b34}.lvl.L2{background:#0b4f9c}.lvl.L1{background:#b7791f}.lvl.L0{background:#7b8794}
.warn{color:#b3261e;font-size:.8em}
.cancel{font:inherit;padding:.45em 1.1em;border:1px solid #b8c2cc;border-radius:4px;background:#fff;cursor:pointer}
.cancel:hover{border-color:#b3261e;color:#b3261e}
`;

/** Filters persona cards by name, id, enterprise or district as the tester types (progressive enhancement). */
const FILTER_SCRIPT = `document.getElementById("q").addEventListener("input",function(e){var q=e.target.value.trim().toLowerCase();
document.querySelectorAll("li").forEach(function(li){var b=li.querySelector("button");li.hidden=!!q&&b.dataset.search.indexOf(q)<0;});
document.querySelectorAll("section").forEach(function(s){s.hidden=!s.querySelector("li:not([hidden])");});});`;

export function renderLoginPage(i: LoginPageInput): string {
  const { client, interaction } = i;
  const groups: string[] = [];
  const links: string[] = [];
  for (const [kind, zh, en] of [
    ["person", "个人用户", "Natural persons (usertype 1)"],
    ["operator", "法人用户（经办人）", "Legal-person operators (usertype 2, pareobj)"],
  ] as const) {
    for (const level of [...LEVELS].reverse()) {
      const ps = i.personas.filter((p) => p.kind === kind && p.level === level);
      if (!ps.length) continue;
      const anchor = `${kind}-${level}`;
      // \uFF08…\uFF09 are the full-width brackets: escaped so the bundle stays ASCII (scripts/bundle.mjs)
      links.push(`<a href="#${anchor}">${zh.replace(/\uFF08.*\uFF09/, "")} ${level} · ${ps.length}</a>`);
      groups.push(
        `<section id="${anchor}"><h2>${zh} · ${level} / ${en} · ${level}</h2><ul>${ps.map((p) => personaButton(p, client, i.hint)).join("")}</ul></section>`,
      );
    }
  }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>统一身份认证 · 选择测试人员 / Unified identity · pick a test persona</title>
<style>${STYLE}</style></head>
<body>
<header><h1>统一身份认证（模拟）/ Unified identity (simulated)</h1><span class="tag">gatesim · 广东省统一身份认证平台模拟 / simulation of Guangdong's unified identity platform</span></header>
<main>
${i.error ? `<p class="error" role="alert">${esc(i.error.zh)} / ${esc(i.error.en)}</p>` : ""}
<form method="post" action="${LOGIN_PATH}">
<input type="hidden" name="interaction" value="${esc(interaction.id)}">
<input type="hidden" name="client_id" value="${esc(client.clientId)}">
<div class="card"><dl>
<div><dt>申请登录的应用 / Requesting client</dt><dd>${esc(client.name)} (<code>${esc(client.clientId)}</code>)</dd></div>
<div><dt>权限范围 / Scope</dt><dd><code>${esc(interaction.scope)}</code></dd></div>
<div><dt>要求的实名等级 / Required real-name level</dt><dd>${client.requiredLevel}</dd></div>
<div><dt>登录后返回 / Returns to</dt><dd><code>${esc(interaction.redirectUri)}</code></dd></div>
</dl></div>
<div class="intro"><p>点击一个测试人员即以其身份登录；CI 可用 <code>login_hint=人员编号</code> 跳过本页。/ Click a test persona to log in as them; CI can skip this page with <code>login_hint=&lt;persona id&gt;</code>.</p>
<button class="cancel" type="submit" name="action" value="cancel" formnovalidate>取消登录 / Cancel login</button></div>
<input id="q" type="search" placeholder="按姓名、编号、单位或区县筛选 / filter by name, id, organisation or district" aria-label="筛选 / filter" autocomplete="off">
<nav>${links.join("")}</nav>
${groups.join("\n")}
</form>
</main>
<script>${FILTER_SCRIPT}</script>
</body></html>`;
}

/** The page shown after a logout without a redirect target. */
export function renderLoggedOutPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>已退出 / Signed out</title>
<style>${STYLE}</style></head>
<body><header><h1>统一身份认证（模拟）/ Unified identity (simulated)</h1></header>
<main><div class="card"><h2>您已退出统一身份认证 / You have signed out of unified identity</h2><p>可以关闭此页面。/ You may close this page.</p></div></main></body></html>`;
}
