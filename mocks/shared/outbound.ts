// Where the simulator may send requests of its own: data-sharing provider calls and webhooks, identity back-channel
// logout. A simulator shared by several departments would otherwise POST to any address a tenant registers (SSRF);
// `outbound.allowHosts` limits that, checked when the address is registered so the tenant learns at once.
//
// Entries: "*" (anything — the default, for a laptop or CI), a host name ("provider.internal", case-insensitive),
// a wildcard of sub-domains ("*.gov.cn"), an IP literal ("127.0.0.1", "::1") or an IPv4/IPv6 CIDR ("10.0.0.0/8").
// Names are not resolved: a CIDR entry allows URLs written with an address inside it, not names resolving into it.
import { BlockList, isIP } from "node:net";

export interface OutboundRefusal {
  message: string;
  hint: string;
}

export interface OutboundPolicy {
  readonly allowHosts: readonly string[];
  /** Why the simulator will not call this URL, or null when it may. */
  refusal(url: string): OutboundRefusal | null;
}

export const ALLOW_ALL_HOSTS: readonly string[] = Object.freeze(["*"]);

const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/i;

/** The URL with any password in its user-info replaced (http://user:secret@host → http://user:[REDACTED]@host). */
export function withoutUrlPassword(s: string): string {
  return s.replace(URL_PASSWORD, "$1:[REDACTED]@"); // the same string back when there is none
}

export function outboundPolicy(allowHosts: readonly string[] = ALLOW_ALL_HOSTS): OutboundPolicy {
  const any = allowHosts.includes("*");
  const names = new Set<string>();
  const suffixes: string[] = [];
  const nets = new BlockList();
  for (const raw of allowHosts) {
    const e = raw.trim().toLowerCase();
    const slash = e.indexOf("/");
    if (slash !== -1 && isIP(e.slice(0, slash)))
      nets.addSubnet(e.slice(0, slash), Number(e.slice(slash + 1)), isIP(e.slice(0, slash)) === 6 ? "ipv6" : "ipv4");
    else if (isIP(e)) nets.addAddress(e, isIP(e) === 6 ? "ipv6" : "ipv4");
    else if (e.startsWith("*.")) suffixes.push(e.slice(1));
    else if (e && e !== "*") names.add(e);
  }
  const listed = allowHosts.join(", ");
  return {
    allowHosts,
    refusal(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return {
          message: `${url} 不是绝对 URL / ${url} is not an absolute URL`,
          hint: "如 https://dept.example.gov.cn/api / e.g. https://dept.example.gov.cn/api",
        };
      }
      if (u.protocol !== "http:" && u.protocol !== "https:")
        return {
          message: `应为 http(s) 地址，实际为 ${u.protocol} / must be an http(s) URL, got ${u.protocol}`,
          hint: "如 https://dept.example.gov.cn/api / e.g. https://dept.example.gov.cn/api",
        };
      if (any) return null;
      const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
      const ipv = isIP(host);
      const ok = ipv
        ? nets.check(host, ipv === 6 ? "ipv6" : "ipv4")
        : names.has(host) || suffixes.some((s) => host.endsWith(s));
      return ok
        ? null
        : {
            message: `模拟器不向 ${host} 发请求：不在 outbound.allowHosts（${listed}）之内 / the simulator does not send requests to ${host}: not in outbound.allowHosts (${listed})`,
            hint: "使用允许的地址，或请管理员把该主机加入 outbound.allowHosts（GATESIM_OUTBOUND_ALLOW_HOSTS）/ use an allowed address, or ask the admin to add the host to outbound.allowHosts (GATESIM_OUTBOUND_ALLOW_HOSTS)",
          };
    },
  };
}
