// Helpers for the identity platform's over-the-wire tests: a listening simulator, a test relying party (node:http),
// control-plane calls (clients, clock, journal) and the small bits of HTTP a browser or an RP library would do.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type StartOptions, type StartedSimulator } from "../../gateway/index.js";

export const ADMIN_TOKEN = "identity-http-admin-token-0123456789";
export const PAASID = "C90-44050001";
export const OTHER_PAASID = "C90-44050002";

export interface Sim extends StartedSimulator {
  /** fetch against the simulator; never follows redirects (a relying party reads Location itself). */
  get(path: string, init?: RequestInit): Promise<Response>;
  /** POST application/x-www-form-urlencoded. */
  form(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** Control-plane call with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function startSim(
  config: Record<string, unknown> = {},
  opts: Omit<StartOptions, "config"> = {},
): Promise<Sim> {
  const sim = await startSimulator({ ...opts, config: { adminToken: ADMIN_TOKEN, ...config } });
  const get = (path: string, init: RequestInit = {}) => fetch(sim.url + path, { redirect: "manual", ...init });
  return {
    ...sim,
    get,
    form: (path, fields, headers = {}) =>
      get(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(fields).toString(),
      }),
    admin: (method, path, body) =>
      get(path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
  };
}

export interface IdentityClientView {
  clientId: string;
  secret?: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  requiredLevel: string;
  autoApprove: boolean;
  public: boolean;
  backchannelLogoutUri?: string;
}

/** The tenant's registered clients as the control plane shows them (secrets included: that is where you read them). */
export async function clientsOf(sim: Sim, paasid = PAASID): Promise<IdentityClientView[]> {
  const r = await sim.admin("GET", `/_gatesim/identity/tenants/${paasid}/clients`);
  if (r.status !== 200) throw new Error(`list clients: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { clients: IdentityClientView[] }).clients;
}

export async function registerClient(
  sim: Sim,
  client: Record<string, unknown>,
  paasid = PAASID,
): Promise<IdentityClientView> {
  const r = await sim.admin("POST", `/_gatesim/identity/tenants/${paasid}/clients`, client);
  if (r.status !== 201) throw new Error(`register client: ${r.status} ${await r.text()}`);
  return (await r.json()) as IdentityClientView;
}

export interface JournalEntry {
  time: string;
  traceId: string;
  operationId: string | null;
  method: string;
  url: string;
  status: number;
  event?: string;
  response?: { body?: any };
  request?: { headers?: Record<string, unknown>; body?: unknown };
  violations?: unknown[];
}

export async function journalOf(sim: Sim, paasid = PAASID, query = ""): Promise<JournalEntry[]> {
  const r = await sim.admin("GET", `/_gatesim/tenants/${paasid}/journal${query ? `?${query}` : ""}`);
  if (r.status !== 200) throw new Error(`journal: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { entries: JournalEntry[] }).entries;
}

export async function advanceClock(sim: Sim, ms: number, paasid = PAASID): Promise<void> {
  const r = await sim.admin("POST", `/_gatesim/tenants/${paasid}/clock`, { action: "advance", ms });
  if (r.status !== 200) throw new Error(`clock: ${r.status} ${await r.text()}`);
}

export interface RpRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A relying party's web server: records every request (callbacks, back-channel logout POSTs) and answers 200. */
export interface TestRp {
  url: string;
  callback: string;
  backchannel: string;
  requests: RpRequest[];
  /** Resolves with the first request to `path` (already received or yet to come). */
  next(path: string, timeoutMs?: number): Promise<RpRequest>;
  close(): Promise<void>;
}

export async function startRp(): Promise<TestRp> {
  const requests: RpRequest[] = [];
  const waiters: { path: string; resolve: (r: RpRequest) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: RpRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      const path = rec.url.split("?")[0];
      for (const w of waiters.filter((w) => w.path === path)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(rec);
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试应用 / Test RP</title></head><body><h1>已回到应用 / Back at the relying party</h1><p id="path">${path}</p></body></html>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    callback: `${url}/callback`,
    backchannel: `${url}/backchannel-logout`,
    requests,
    next(path, timeoutMs = 5000) {
      const seen = requests.find((r) => r.url.split("?")[0] === path);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request to ${path} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ path, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export const basic = (id: string, secret: string): string =>
  "Basic " + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64");

/** Query parameters of a 302's Location (fails loudly with the body when the answer is not a redirect). */
export async function locationParams(r: Response): Promise<URLSearchParams & { url: URL }> {
  const loc = r.headers.get("location");
  if (r.status !== 302 || !loc) throw new Error(`expected a 302 redirect, got ${r.status}: ${await r.text()}`);
  const url = new URL(loc);
  return Object.assign(url.searchParams, { url });
}

/** `name=value` of a Set-Cookie answer, as a browser would send it back. */
export function cookieOf(r: Response): string {
  const sc = r.headers.getSetCookie()[0];
  if (!sc) throw new Error("no Set-Cookie in the answer");
  return sc.split(";")[0];
}

/** A hidden input's value on the persona page. */
export function formValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
  if (!m) throw new Error(`no hidden input ${name} on the page`);
  return m[1];
}

export interface PersonaView {
  id: string;
  kind: "person" | "operator";
  name: string;
  level: string;
  locked: boolean;
  uid: string;
  idNumber: string;
  enterprise?: { uscc: string; name: string };
}

export async function personasOf(sim: Sim): Promise<PersonaView[]> {
  const r = await sim.admin("GET", "/_gatesim/identity/personas");
  if (r.status !== 200) throw new Error(`personas: ${r.status}`);
  return ((await r.json()) as { personas: PersonaView[] }).personas;
}

export function pick(personas: PersonaView[], level: string, kind: "person" | "operator" = "person"): PersonaView {
  const p = personas.find((x) => x.level === level && x.kind === kind && !x.locked);
  if (!p) throw new Error(`no ${kind} persona at ${level}`);
  return p;
}
