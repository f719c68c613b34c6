// The landing page (/): platforms, test apps, personas, scenarios and a copy-paste signed call — zh-CN first.
import type { FastifyInstance } from "fastify";
import type { Runtime } from "./runtime.js";
import type { IdentityClient, IdentityPersona } from "../mocks/identity/types.js";
import { LANDING_ROUTE } from "./page-routes.js";

export const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function baseUrl(rt: Runtime): string {
  return (
    rt.config.publicUrl ??
    `http://${rt.config.host.includes(":") ? `[${rt.config.host}]` : rt.config.host}:${rt.config.port}`
  );
}

interface PersonaView {
  id: string;
  name: string;
  kind: string;
  level?: string;
  detail?: string;
}

function personas(rt: Runtime): PersonaView[] {
  const identity = rt.platforms.get("identity")?.api as { personas?: () => IdentityPersona[] } | undefined;
  if (identity?.personas)
    return identity.personas().map((p) => ({
      id: p.id,
      name: p.enterprise ? `${p.person.name}（${p.enterprise.name}）` : p.person.name,
      kind: p.kind === "operator" ? "法人经办人 enterprise operator" : "自然人 person",
      level: p.level + (p.locked ? " 🔒" : ""),
      detail: p.enterprise ? p.enterprise.uscc : p.person.idNumber,
    }));
  const out: PersonaView[] = [];
  const p = rt.seed.persons,
    e = rt.seed.enterprises;
  for (let i = 0; i < Math.min(p.personaCount, 12); i++) {
    const r = p.at(i)!;
    out.push({ id: r.id, name: r.name, kind: "自然人 person", level: r.level, detail: r.idNumber });
  }
  for (let i = 0; i < Math.min(e.personaCount, 6); i++) {
    const r = e.at(i)!;
    out.push({ id: r.id, name: r.name, kind: "法人 legal person", detail: r.uscc });
  }
  return out;
}

/** The landing page's two examples of a signed call: curl with the gateway's ping, and Node with a GatewayMsg call. */
function signedCallExamples(paasid: string, token: string, base: string): { curl: string; ts: string } {
  const curl = `PAASID='${paasid}'
TOKEN='${token}'
TS=$(date +%s)
NONCE=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n')
SIG=$(printf '%s' "$TS$TOKEN$NONCE$TS" | sha256sum | cut -d' ' -f1)
curl -s ${base}/ebus/gatesim/ping \\
  -H "x-tif-paasid: $PAASID" -H "x-tif-timestamp: $TS" \\
  -H "x-tif-nonce: $NONCE" -H "x-tif-signature: $SIG"`;
  const ts = `import { createHash, randomBytes } from "node:crypto";

const paasid = "${paasid}", paasToken = "${token}";
const ts = String(Math.floor(Date.now() / 1000));
const nonce = randomBytes(8).toString("hex");
const signature = createHash("sha256").update(ts + paasToken + nonce + ts).digest("hex");
const res = await fetch("${base}/GatewayMsg/http/api/proxy/invoke", {
  method: "POST",
  headers: { "content-type": "application/json", "x-tif-paasid": paasid, "x-tif-timestamp": ts,
             "x-tif-nonce": nonce, "x-tif-signature": signature, "x-tif-serviceId": "C0000000000001" },
  body: JSON.stringify({ hello: "汕头" }),
});
console.log(res.status, await res.json());`;
  return { curl, ts };
}

export function renderLanding(rt: Runtime): string {
  const base = baseUrl(rt);
  const app = rt.tenants.list()[0].tenant;
  const show = rt.config.landing.showCredentials;
  const token = show ? app.paasToken : "<paasToken>";
  const platformRows = rt.table.documents
    .map(
      (d) =>
        `<tr><td>${esc(d.source.info?.title)}</td><td><code>${esc(d.platform)}</code></td><td>${rt.table.operations.filter((o) => o.document === d.name).length}</td><td><a href="/docs/contracts/${esc(d.name)}.json">${esc(d.name)}.json</a></td></tr>`,
    )
    .join("");
  const appRows = rt.tenants
    .list()
    .filter((t) => t.builtIn)
    .map(
      (t) =>
        `<tr><td><code>${esc(t.tenant.paasid)}</code></td><td>${show ? `<code>${esc(t.tenant.paasToken)}</code>` : "（已隐藏 hidden）"}</td><td>${show ? `<code>${esc(t.tenant.controlToken)}</code>` : "（已隐藏 hidden）"}</td><td>${esc(t.tenant.name)}</td><td>${esc(t.tenant.signatureCase)}</td></tr>`,
    )
    .join("");
  const personaRows = personas(rt)
    .map(
      (p) =>
        `<tr><td><code>${esc(p.id)}</code></td><td>${esc(p.name)}</td><td>${esc(p.kind)}</td><td>${esc(p.level ?? "")}</td><td><code>${esc(p.detail ?? "")}</code></td></tr>`,
    )
    .join("");
  const identity = rt.platforms.get("identity")?.api as
    { listClients?: (paasid: string) => IdentityClient[] } | undefined;
  const clientRows = rt.tenants
    .list()
    .filter((t) => t.builtIn)
    .flatMap((t) => (identity?.listClients?.(t.tenant.paasid) ?? []).map((c) => ({ t, c })))
    .map(
      ({ t, c }) =>
        `<tr><td><code>${esc(t.tenant.paasid)}</code></td><td><code>${esc(c.clientId)}</code></td><td>${c.public ? "公开 public (PKCE)" : "机密 confidential"}</td><td>${c.public ? "—" : show ? `<code>${esc(c.secret)}</code>` : "（已隐藏 hidden）"}</td><td>${c.redirectUris.map((u) => `<code>${esc(u)}</code>`).join("<br>")}</td><td>${esc(c.grants.join(", "))}</td><td>${esc(c.requiredLevel)}</td><td>${c.autoApprove ? "是 yes" : "否 no"}</td></tr>`,
    )
    .join("");
  const scenarioRows = rt.scenarios
    .list()
    .map(
      (s) =>
        `<tr><td><code>${esc(s.name)}</code></td><td>${esc(s.platform)}</td><td>${esc(s.zh)}<br><small>${esc(s.en)}</small></td></tr>`,
    )
    .join("");
  const { curl, ts } = signedCallExamples(app.paasid, token, base);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>gatesim — 广东省政务 API 网关模拟器</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{color:#b0161c}h2{border-bottom:2px solid #b0161c;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f0f0}pre{background:#1e1e1e;color:#eee;padding:1rem;overflow:auto;border-radius:6px}small{color:#666}code{font-size:.9em}
</style></head><body>
<h1>gatesim 广东省政务 API 网关与共享平台模拟器</h1>
<p>Guangdong provincial API gateway and shared-platform simulator — 版本 version ${esc(rt.version)}.
接口文档 <a href="/docs">/docs</a>（Swagger UI）· 健康 <a href="/_gatesim/health">/_gatesim/health</a> · 场景 <a href="/_gatesim/scenarios">/_gatesim/scenarios</a></p>
<h2>平台 Platforms</h2>
<table><tr><th>平台 Platform</th><th>模块 Module</th><th>接口数 Operations</th><th>契约 Contract</th></tr>${platformRows}</table>
<h2>测试应用 Test applications</h2>
<p>网关调用带 <code>x-tif-paasid / x-tif-timestamp / x-tif-nonce / x-tif-signature</code>；签名 = hex(SHA-256(timestamp + paasToken + nonce + timestamp))。
paasToken 只用于签名，不随请求发送。控制令牌打开本租户的时钟、日志与规则（<code>/_gatesim/tenants/{paasid}/…</code>）。<br>
<small>Gateway calls carry the four x-tif headers; the signature is hex(SHA-256(timestamp + paasToken + nonce + timestamp)). The paasToken is never sent. A control token opens that tenant's clock, journal and rules.</small></p>
<table><tr><th>paasid</th><th>paasToken</th><th>控制令牌 Control token</th><th>名称 Name</th><th>签名大小写 Signature case</th></tr>${appRows}</table>
<h2>签名调用示例 A signed call</h2>
<pre>${esc(curl)}</pre>
<pre>${esc(ts)}</pre>
<h2>身份认证客户端 Identity clients</h2>
<p>统一身份认证的 OAuth 客户端（tyrz 与 OIDC 两种接入方式共用）；<code>login_hint=&lt;persona id&gt;</code> 加自动授权的客户端可让 CI 无浏览器完成登录。
发现文档 <a href="/.well-known/openid-configuration">/.well-known/openid-configuration</a>。<br>
<small>OAuth clients of the identity platform (shared by the tyrz and OIDC faces); with an auto-approve client, <code>login_hint</code> completes the code flow without a browser.</small></p>
<table><tr><th>paasid</th><th>client_id</th><th>类型 Type</th><th>client_secret</th><th>redirect_uri</th><th>授权方式 Grants</th><th>最低级别 Level</th><th>自动授权 Auto-approve</th></tr>${clientRows}</table>
<h2>测试身份 Personas</h2>
<table><tr><th>id</th><th>姓名/名称 Name</th><th>类型 Type</th><th>级别 Level</th><th>证件 Identifier</th></tr>${personaRows}</table>
<h2>场景 Scenarios</h2>
<p>请求头 <code>x-gatesim-scenario: &lt;name&gt;</code> 强制一次结果，或用管理接口按租户设置规则。<small>Force one outcome with the header, or set per-tenant rules through the control plane.</small></p>
<table><tr><th>名称 Name</th><th>平台 Platform</th><th>说明 Meaning</th></tr>${scenarioRows}</table>
</body></html>`;
}

export function registerLanding(app: FastifyInstance, rt: Runtime): void {
  app.get(LANDING_ROUTE, async (_req, reply) => {
    reply.type("text/html; charset=utf-8");
    return renderLanding(rt);
  });
}
