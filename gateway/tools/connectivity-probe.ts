// `gatesim probe`: can this machine talk to a gateway? DNS, TCP, TLS (subject, issuer, expiry), HTTP, clock skew
// against the ±180 s signature window (facts §1.4), an x-tif signature round trip (facts §1.3), OIDC discovery, and
// latency percentiles — each check with a result and a reason; failures make the exit code non-zero.
import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP, connect as tcpConnect } from "node:net";
import { connect as tlsConnect, type PeerCertificate } from "node:tls";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";
import { processIo, type CommandIo } from "./command-io.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface ProbeCheck {
  name: string;
  zh: string;
  status: CheckStatus;
  detail: string;
  ms?: number;
  data?: Record<string, unknown>;
}

export interface ProbeResult {
  url: string;
  ok: boolean;
  checks: ProbeCheck[];
}

export interface ProbeOptions {
  url: string;
  paasid?: string;
  token?: string;
  /** Sign with upper-case hex (数据中台 strict mode, facts §8.1). */
  upper?: boolean;
  /** PEM CA bundle to trust (a provincial test CA, a self-signed test host). */
  ca?: string;
  /** Accept an untrusted certificate (reported as a warning, not a failure). */
  insecure?: boolean;
  samples?: number;
  timeoutMs?: number;
  /** Largest clock difference accepted, seconds (facts §1.4: 180). */
  skewLimitSec?: number;
}

/** Nearest-rank percentile. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n: number) => Math.round(n * 10) / 10;
const cn = (o: Record<string, unknown> | undefined) => (o ? [o.CN, o.O].filter(Boolean).map(String).join(", ") : "");

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const c = err.cause ?? err;
  return [c.code, c.message].filter(Boolean).join(" ");
}

export async function runProbe(o: ProbeOptions): Promise<ProbeResult> {
  const checks: ProbeCheck[] = [];
  const add = (c: ProbeCheck) => (checks.push(c), c);
  const timeout = o.timeoutMs ?? 5000;
  const skewLimit = o.skewLimitSec ?? 180;
  let url: URL;
  try {
    url = new URL(o.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("only http and https");
  } catch (e) {
    add({ name: "url", zh: "地址", status: "fail", detail: `地址无效 / invalid URL: ${(e as Error).message}` });
    return { url: o.url, ok: false, checks };
  }
  const https = url.protocol === "https:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (https ? 443 : 80));
  const base = url.toString().replace(/\/+$/, "");
  const origin = url.origin;
  const skipRest = (from: string) => {
    for (const [name, zh] of [
      ["tcp", "TCP 连接"],
      ["tls", "TLS 证书"],
      ["http", "HTTP 可达"],
      ["clock", "时钟偏差"],
      ["signature", "x-tif 签名往返"],
      ["discovery", "身份发现"],
      ["latency", "延迟"],
    ] as const)
      if (!checks.some((c) => c.name === name))
        add({ name, zh, status: "skip", detail: `因 ${from} 失败而跳过 / skipped: ${from} failed` });
  };

  // DNS
  let address = host;
  if (isIP(host)) add({ name: "dns", zh: "域名解析", status: "skip", detail: `${host} 是 IP 地址 / is an IP address` });
  else {
    const t0 = performance.now();
    try {
      const all = await lookup(host, { all: true });
      address = all[0].address;
      add({
        name: "dns",
        zh: "域名解析",
        status: "ok",
        detail: all.map((a) => a.address).join(", "),
        ms: round(performance.now() - t0),
        data: { addresses: all.map((a) => a.address) },
      });
    } catch (e) {
      add({
        name: "dns",
        zh: "域名解析",
        status: "fail",
        detail: `无法解析 ${host} / cannot resolve: ${errText(e)}（政务外网域名需在专网或配置 hosts / e-government extranet names resolve only on that network）`,
        ms: round(performance.now() - t0),
      });
      skipRest("dns");
      return { url: o.url, ok: false, checks };
    }
  }

  // TCP
  {
    const t0 = performance.now();
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = tcpConnect({ host: address, port, timeout });
      s.once("connect", () => (s.destroy(), resolve(undefined)));
      s.once(
        "timeout",
        () => (s.destroy(), resolve(Object.assign(new Error(`no answer within ${timeout} ms`), { code: "ETIMEDOUT" }))),
      );
      s.once("error", (e) => resolve(e));
    });
    if (err) {
      add({
        name: "tcp",
        zh: "TCP 连接",
        status: "fail",
        detail: `无法连接 ${address}:${port} / cannot connect: ${errText(err)}（检查端口、防火墙与 IP 白名单 / check the port, firewalls and IP allow-lists）`,
        ms: round(performance.now() - t0),
      });
      skipRest("tcp");
      return { url: o.url, ok: false, checks };
    }
    add({ name: "tcp", zh: "TCP 连接", status: "ok", detail: `${address}:${port}`, ms: round(performance.now() - t0) });
  }

  // TLS
  const ca = o.ca ? readFileSync(o.ca) : undefined;
  if (!https) add({ name: "tls", zh: "TLS 证书", status: "skip", detail: "http 地址，无 TLS / plain http, no TLS" });
  else {
    const t0 = performance.now();
    const r = await new Promise<{
      cert?: PeerCertificate;
      authorized: boolean;
      authError?: string;
      protocol?: string | null;
      error?: Error;
    }>((resolve) => {
      const s = tlsConnect({
        host: address,
        port,
        servername: isIP(host) ? undefined : host,
        ca,
        rejectUnauthorized: false,
        timeout,
      });
      s.once("secureConnect", () => {
        const out = {
          cert: s.getPeerCertificate(),
          authorized: s.authorized,
          authError: s.authorizationError ? String(s.authorizationError) : undefined,
          protocol: s.getProtocol(),
        };
        s.destroy();
        resolve(out);
      });
      s.once(
        "timeout",
        () => (s.destroy(), resolve({ authorized: false, error: new Error("TLS handshake timed out") })),
      );
      s.once("error", (e) => resolve({ authorized: false, error: e }));
    });
    const ms = round(performance.now() - t0);
    if (r.error || !r.cert || !Object.keys(r.cert).length)
      add({
        name: "tls",
        zh: "TLS 证书",
        status: "fail",
        detail: `TLS 握手失败 / handshake failed: ${r.error ? errText(r.error) : "no certificate"}`,
        ms,
      });
    else {
      const notAfter = Date.parse(r.cert.valid_to);
      const days = Math.floor((notAfter - Date.now()) / 86_400_000);
      const data = {
        subject: cn(r.cert.subject as unknown as Record<string, unknown>),
        issuer: cn(r.cert.issuer as unknown as Record<string, unknown>),
        validFrom: new Date(r.cert.valid_from).toISOString(),
        validTo: new Date(notAfter).toISOString(),
        daysLeft: days,
        protocol: r.protocol,
        authorized: r.authorized,
        ...(r.authError ? { authorizationError: r.authError } : {}),
      };
      const desc = `subject ${data.subject}; issuer ${data.issuer}; 到期 expires ${data.validTo} (${days} d); ${r.protocol}`;
      if (notAfter < Date.now())
        add({
          name: "tls",
          zh: "TLS 证书",
          status: "fail",
          detail: `证书已过期 / certificate expired — ${desc}`,
          ms,
          data,
        });
      else if (!r.authorized)
        add({
          name: "tls",
          zh: "TLS 证书",
          status: o.insecure ? "warn" : "fail",
          detail: `证书不受信任 / certificate not trusted (${r.authError})：用 --ca 指定测试 CA${o.insecure ? "" : " 或 --insecure"} / pass the test CA with --ca${o.insecure ? "" : " or --insecure"} — ${desc}`,
          ms,
          data,
        });
      else
        add({
          name: "tls",
          zh: "TLS 证书",
          status: days < 30 ? "warn" : "ok",
          detail: (days < 30 ? "证书 30 天内到期 / expires within 30 days — " : "") + desc,
          ms,
          data,
        });
    }
  }

  const dispatcher = new Agent({
    connect: { ca, rejectUnauthorized: !o.insecure, timeout },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const get = async (
    target: string,
    headers: Record<string, string> = {},
    method: "GET" | "POST" = "GET",
    body?: string,
  ) => {
    const t0 = Date.now(),
      p0 = performance.now();
    const res = await request(target, { method, headers, body, dispatcher });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      headers: res.headers,
      text,
      ms: performance.now() - p0,
      sentAt: t0,
      receivedAt: Date.now(),
    };
  };
  try {
    // HTTP and clock
    let first;
    try {
      first = await get(base);
    } catch (e) {
      add({
        name: "http",
        zh: "HTTP 可达",
        status: "fail",
        detail: `HTTP 请求失败 / HTTP request failed: ${errText(e)}`,
      });
      skipRest("http");
      return { url: o.url, ok: false, checks };
    }
    add({
      name: "http",
      zh: "HTTP 可达",
      status: "ok",
      detail: `GET ${base} → HTTP ${first.status}`,
      ms: round(first.ms),
      data: { status: first.status, server: first.headers.server },
    });
    const date = first.headers.date;
    if (typeof date !== "string" || Number.isNaN(Date.parse(date)))
      add({
        name: "clock",
        zh: "时钟偏差",
        status: "warn",
        detail: "应答没有 Date 头，无法估计时钟偏差 / no Date header: clock skew unknown",
      });
    else {
      // Date has one-second resolution (RFC 9110 §5.6.7): compare with the middle of the exchange.
      const skewSec = (Date.parse(date) - (first.sentAt + first.receivedAt) / 2) / 1000;
      const s = Math.round(skewSec);
      const detail = `服务器时间 server ${new Date(Date.parse(date)).toISOString()}，本机相差 skew ${s > 0 ? "+" : ""}${s} s（窗口 window ±${skewLimit} s）`;
      add({
        name: "clock",
        zh: "时钟偏差",
        status: Math.abs(skewSec) > skewLimit ? "fail" : Math.abs(skewSec) > skewLimit / 2 ? "warn" : "ok",
        detail:
          Math.abs(skewSec) > skewLimit
            ? `${detail} — 超出窗口，签名将被拒绝（40002），请用 NTP 校时 / outside the window: signatures will be refused (40002); sync the clock (NTP)`
            : detail,
        data: { skewSec: round(skewSec) },
      });
    }

    // x-tif signature round trip
    if (!o.paasid || !o.token)
      add({
        name: "signature",
        zh: "x-tif 签名往返",
        status: "skip",
        detail: "未给 --paasid/--token / no --paasid/--token given",
      });
    else {
      const sign = (serviceId?: string) => signedHeaders(o.paasid!, o.token!, { upper: o.upper, serviceId });
      let r = await get(`${origin}/ebus/gatesim/ping`, sign());
      let via = "GET /ebus/gatesim/ping";
      if (r.status === 404) {
        r = await get(
          `${origin}/GatewayMsg/http/api/proxy/invoke`,
          { ...sign("C0000000000001"), "content-type": "application/json" },
          "POST",
          "{}",
        );
        via = "POST /GatewayMsg/http/api/proxy/invoke (C0000000000001)";
      }
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(r.text);
      } catch {
        body = undefined;
      }
      const ok = r.status === 200 && (body?.errcode === undefined || body.errcode === 0);
      const why = body?.errmsg ? `errcode ${String(body.errcode)}: ${String(body.errmsg)}` : `HTTP ${r.status}`;
      const hint = (body?._diagnostics as { hint?: string }[] | undefined)?.[0]?.hint;
      add({
        name: "signature",
        zh: "x-tif 签名往返",
        status: ok ? "ok" : "fail",
        detail: ok ? `${via} → 签名被接受 / signature accepted` : `${via} → ${why}${hint ? `；${hint}` : ""}`,
        ms: round(r.ms),
      });
    }

    // identity discovery
    try {
      const r = await get(`${origin}/.well-known/openid-configuration`);
      const d = r.status === 200 ? (JSON.parse(r.text) as Record<string, unknown>) : undefined;
      if (d?.issuer)
        add({
          name: "discovery",
          zh: "身份发现",
          status: "ok",
          detail: `issuer ${String(d.issuer)}; token ${String(d.token_endpoint ?? "?")}`,
          ms: round(r.ms),
          data: { issuer: d.issuer },
        });
      else
        add({
          name: "discovery",
          zh: "身份发现",
          status: "warn",
          detail: `此地址没有 OIDC 发现文档（HTTP ${r.status}；统一身份认证可能在另一主机）/ no OIDC discovery here (the identity platform may live on another host)`,
        });
    } catch (e) {
      add({
        name: "discovery",
        zh: "身份发现",
        status: "warn",
        detail: `发现文档读取失败 / discovery failed: ${errText(e)}`,
      });
    }

    // latency
    const n = Math.max(1, o.samples ?? 10);
    const times: number[] = [];
    let errors = 0;
    for (let i = 0; i < n; i++) {
      try {
        times.push((await get(base)).ms);
      } catch {
        errors++;
      }
    }
    times.sort((a, b) => a - b);
    const lat = {
      samples: n,
      errors,
      p50: round(percentile(times, 50)),
      p90: round(percentile(times, 90)),
      p99: round(percentile(times, 99)),
      max: round(times.at(-1) ?? NaN),
    };
    add({
      name: "latency",
      zh: "延迟",
      status: times.length ? (errors ? "warn" : "ok") : "fail",
      detail: times.length
        ? `p50 ${lat.p50} ms · p90 ${lat.p90} ms · p99 ${lat.p99} ms · max ${lat.max} ms (${n} 次 requests${errors ? `, ${errors} 失败 failed` : ""})`
        : `全部 ${n} 次请求失败 / all ${n} requests failed`,
      data: lat,
    });
  } finally {
    await dispatcher.close();
  }
  return { url: o.url, ok: !checks.some((c) => c.status === "fail"), checks };
}

const MARK: Record<CheckStatus, string> = {
  ok: "✔ 通过 ok",
  warn: "! 注意 warn",
  fail: "✘ 失败 FAIL",
  skip: "– 跳过 skip",
};

/** Display width: CJK characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch)
      ? 2
      : 1;
  return w;
}
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));

export function probeTable(r: ProbeResult): string {
  const rows = r.checks.map((c) => [
    `${c.zh} ${c.name}`,
    MARK[c.status],
    c.ms !== undefined ? `${c.ms} ms` : "",
    c.detail,
  ]);
  const head = ["检查 Check", "结果 Result", "耗时 Time", "详情 Detail"];
  const w = [0, 1, 2].map((i) => Math.max(width(head[i]), ...rows.map((x) => width(x[i]))));
  const line = (x: string[]) => `${pad(x[0], w[0])}  ${pad(x[1], w[1])}  ${pad(x[2], w[2])}  ${x[3]}`;
  return (
    [
      `gatesim probe ${r.url}`,
      line(head),
      line(w.map((n) => "-".repeat(n)).concat("-".repeat(12))),
      ...rows.map(line),
      "",
      r.ok
        ? "结论：连通正常 / verdict: OK"
        : `结论：有 ${r.checks.filter((c) => c.status === "fail").length} 项失败 / verdict: FAILED`,
    ].join("\n") + "\n"
  );
}

export const PROBE_HELP = `  gatesim probe <base URL> [--paasid <id> --token <paasToken>] [--upper] [--ca <pem>] [--insecure] [--samples <n>] [--json]
                                连通性拨测：DNS、TCP、TLS、HTTP、时钟、签名、身份发现、延迟；失败时退出码 1
                                / connectivity probe; exit 1 when a check fails (token also from GATESIM_PAAS_TOKEN)
`;

export async function probeCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        paasid: { type: "string" },
        token: { type: "string" },
        upper: { type: "boolean" },
        ca: { type: "string" },
        insecure: { type: "boolean" },
        samples: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${PROBE_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.stdout(PROBE_HELP), 0);
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push("需要一个基础地址，如 https://st-ztn-data.gdgov.cn / give one base URL");
  const token = values.token ?? io.env.GATESIM_PAAS_TOKEN;
  if (!!values.paasid !== !!token) problems.push("--paasid 与 --token 需同时给出 / give both --paasid and --token");
  for (const k of ["samples", "timeout"] as const)
    if (values[k] !== undefined && !/^\d+$/.test(values[k]!))
      problems.push(`--${k} 应为正整数 / must be a positive integer`);
  if (problems.length) {
    io.stderr(`${problems.map((p) => `  - ${p}`).join("\n")}\n\n${PROBE_HELP}`);
    return 2;
  }
  const r = await runProbe({
    url: positionals[0],
    paasid: values.paasid,
    token,
    upper: values.upper,
    ca: values.ca,
    insecure: values.insecure,
    samples: values.samples ? Number(values.samples) : undefined,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
  });
  io.stdout(values.json ? `${JSON.stringify(r, null, 2)}\n` : probeTable(r));
  return r.ok ? 0 : 1;
}
