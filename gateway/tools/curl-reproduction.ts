// A curl command that repeats a request (Schemathesis' habit: every failure comes with one). x-tif signatures are
// recomputed in the shell from $PAAS_TOKEN (facts §1.3), bearer tokens come from $ACCESS_TOKEN: secrets never appear.

export interface ReproducibleRequest {
  method: string;
  /** Path and query, e.g. /GatewayMsg/http/api/proxy/invoke?x=1 — or an absolute URL. */
  url: string;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/** Headers the shell recomputes, or that curl sets itself, or that only describe the original connection. */
const DROP = new Set([
  "host",
  "content-length",
  "connection",
  "accept-encoding",
  "user-agent",
  "cookie",
  "transfer-encoding",
  "keep-alive",
  "x-tif-timestamp",
  "x-tif-nonce",
  "x-tif-signature",
  "x-gatesim-session",
]);

/** POSIX single quoting: the only character that needs care is the single quote itself. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function headerValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String).join(", ") : String(v);
}

function bodyText(body: unknown, contentType: string | undefined): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  if (typeof body === "string") return body;
  if (contentType?.includes("application/x-www-form-urlencoded") && typeof body === "object")
    return new URLSearchParams(
      Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    ).toString();
  return JSON.stringify(body);
}

/**
 * The command, one option per line. With x-tif headers it first computes TS, NONCE and SIG like a department client
 * (hex(SHA-256(ts + paasToken + nonce + ts)), facts §1.3), so the reproduction is accepted as a fresh call.
 */
export function curlFor(req: ReproducibleRequest, baseUrl: string, opts: { upperSignature?: boolean } = {}): string {
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const signed = headers["x-tif-paasid"] !== undefined;
  const url = /^https?:\/\//.test(req.url) ? req.url : baseUrl.replace(/\/+$/, "") + req.url;
  const lines: string[] = [];
  if (signed) {
    lines.push(
      `TS=$(date +%s); NONCE=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n'); SIG=$(printf '%s' "$TS$PAAS_TOKEN$NONCE$TS" | sha256sum | cut -d' ' -f1${opts.upperSignature ? " | tr a-f A-F" : ""})`,
    );
  }
  const parts = [`curl -sS -X ${req.method.toUpperCase()} ${shellQuote(url)}`];
  for (const [k, raw] of Object.entries(headers)) {
    if (DROP.has(k)) continue;
    const v = headerValue(raw);
    if (v === undefined) continue;
    if (k === "authorization") {
      parts.push(
        /^bearer\s/i.test(v) ? `-H "authorization: Bearer $ACCESS_TOKEN"` : `-H "authorization: $AUTHORIZATION"`,
      );
      continue;
    }
    parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  }
  if (signed) parts.push(`-H "x-tif-timestamp: $TS"`, `-H "x-tif-nonce: $NONCE"`, `-H "x-tif-signature: $SIG"`);
  const text = bodyText(req.body, headerValue(headers["content-type"]));
  if (text !== undefined) parts.push(`--data-raw ${shellQuote(text)}`);
  lines.push(parts.join(" \\\n  "));
  return lines.join("\n");
}
