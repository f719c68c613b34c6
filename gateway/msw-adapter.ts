// msw adapter: the same simulator behind msw for a base URL, so a department's test suite can run without a server.
// Requests msw intercepts are handed to the in-process app (inject), so behaviour is identical to the server's.
import { http, HttpResponse, type HttpHandler } from "msw";
import { buildApp, type BuildOptions, type Simulator } from "./app.js";

export interface MswSimulator extends Simulator {
  handlers: HttpHandler[];
}

export function createMswHandlers(baseUrl: string, options: BuildOptions = {}): MswSimulator {
  const sim = buildApp({
    ...options,
    config: { logLevel: "silent", ...((options.config as Record<string, unknown>) ?? {}) },
  });
  const ready = sim.app.ready();
  const base = baseUrl.replace(/\/$/, "");
  const handler = http.all(`${base}/*`, async ({ request }) => {
    await ready;
    const u = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    const payload =
      request.method === "GET" || request.method === "HEAD" ? undefined : Buffer.from(await request.arrayBuffer());
    const res = await sim.app.inject({
      method: request.method as "GET",
      url: u.pathname + u.search,
      headers,
      payload,
      remoteAddress: "127.0.0.1",
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined || k === "content-length" || k === "connection" || k === "transfer-encoding") continue;
      for (const one of Array.isArray(v) ? v : [String(v)]) out.append(k, one);
    }
    return new HttpResponse(res.rawPayload.length ? res.rawPayload : null, { status: res.statusCode, headers: out });
  });
  return { ...sim, handlers: [handler] };
}
