// Contract-driven hostile requests: every operation in the contracts, first as a well-formed call (sampled from its
// own schemas, signed or authorised as it asks), then mutated the way a broken or hostile client would — wrong types,
// missing and extra fields, prototype keys, boundary numbers, huge strings, deep nesting, bad UTF-8, NUL bytes,
// duplicate and CRLF-injected headers, lying content types, empty and oversized bodies, traversal and broken
// percent-encoding in path parameters, forged tokens, unsigned, mis-signed, stale and replayed calls.
// Seeded: the same seed gives the same requests (the answers may differ only where they carry time).
import type { JsonSchema, Operation } from "../../contracts/loader.js";
import { sampleSchema } from "../../gateway/sample.js";
import { signedHeaders, tifSign } from "../../mocks/gateway/tif-signature.js";
import type { Prng } from "../../mocks/shared/prng.js";
import type { RawRequest } from "./raw-http.js";

export interface Credentials {
  paasid: string;
  paasToken: string;
  /** The tenant's clock now (ms): signatures are made on it, as a department's would be against the real gateway. */
  now(): number;
  adminToken: string;
  /** A bearer token identity issued to this tenant (client_credentials). */
  bearer: string;
}

export interface FuzzCase {
  operationId: string;
  /** The mutations applied, for the failure message. */
  mutations: string[];
  request: RawRequest;
  /** Send the same bytes again right after: the second answer must not be a success (a replay). */
  replay?: boolean;
}

const BASE64URL = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** Tokens a forger would try: not a JWT, alg none, HMAC with a guessed key, a real token with its claims raised. */
function forgedBearer(r: Prng, real: string): [string, string] {
  const [h, , s] = real.split(".");
  const claims = { sub: "admin", level: "L3", exp: 9999999999, iss: "http://127.0.0.1" };
  return r.pick<[string, string]>([
    ["garbage", "not-a-jwt"],
    ["empty", ""],
    ["alg none", `${BASE64URL({ alg: "none", typ: "JWT" })}.${BASE64URL(claims)}.`],
    ["HS256 random key", `${BASE64URL({ alg: "HS256", typ: "JWT" })}.${BASE64URL(claims)}.${r.hex(32)}`],
    ["claims swapped", `${h}.${BASE64URL(claims)}.${s}`],
    ["huge", "a".repeat(70_000)],
  ]);
}

function authHeaders(op: Operation, c: Credentials, r: Prng, muts: string[]): [string, string][] {
  const scheme = r.pick(op.security);
  const roll = r.next();
  if (scheme === "admin") {
    // mutating control-plane calls go with a wrong token only: a valid one could install fault rules (deliberate 5xx)
    const mutating = op.method !== "get";
    if (!mutating && roll < 0.7) return [["authorization", `Bearer ${c.adminToken}`]];
    muts.push("admin token wrong");
    return roll < 0.85 ? [["authorization", `Bearer ${r.hex(16)}`]] : [];
  }
  if (scheme === "bearer") {
    if (roll < 0.6) return [["authorization", `Bearer ${c.bearer}`]];
    const [what, token] = forgedBearer(r, c.bearer);
    muts.push(`bearer forged: ${what}`);
    return [["authorization", `Bearer ${token}`]];
  }
  if (scheme !== "tif") return [];
  return tifHeaders(op, c, r, muts);
}

function tifHeaders(op: Operation, c: Credentials, r: Prng, muts: string[]): [string, string][] {
  const now = c.now();
  const h = Object.entries(signedHeaders(c.paasid, c.paasToken, { now, nonce: r.hex(12), serviceId: op.serviceId }));
  const roll = r.next();
  if (roll < 0.8) return h;
  const set = (k: string, v: string) => h.map(([n, x]): [string, string] => [n, n === k ? v : x]);
  const ts = String(Math.floor(now / 1000));
  const variants: [string, () => [string, string][]][] = [
    ["unsigned", () => h.filter(([k]) => !k.startsWith("x-tif-") || k === "x-tif-serviceId")],
    ["wrong signature", () => set("x-tif-signature", r.hex(32))],
    ["stale timestamp", () => retimed(c, now - 3_600_000, op, r)],
    ["future timestamp", () => retimed(c, now + 3_600_000, op, r)],
    ["timestamp not a number", () => set("x-tif-timestamp", "12e3abc")],
    ["nonce huge", () => set("x-tif-nonce", "n".repeat(9000))],
    ["paasid unknown", () => set("x-tif-paasid", `ZZ-${r.hex(4)}`)],
    ["signature duplicated", () => [...h, ["x-tif-signature", tifSign(ts, c.paasToken, r.hex(6))]]],
    ["CRLF in a header value", () => [...h, ["x-note", "a\r\nx-injected: 1"]]],
    ["NUL in a header value", () => [...h, ["x-note", "a\u0000b"]]],
  ];
  const [what, make] = r.pick(variants);
  muts.push(what);
  return make();
}

function retimed(c: Credentials, at: number, op: Operation, r: Prng): [string, string][] {
  return Object.entries(signedHeaders(c.paasid, c.paasToken, { now: at, nonce: r.hex(12), serviceId: op.serviceId }));
}

const HOSTILE_SEGMENTS = [
  "../../../etc/passwd",
  "%2e%2e%2f%2e%2e%2fetc",
  "%ZZ",
  "%",
  "%00",
  "%C3%28",
  "a%0d%0ax-injected:%201",
  "汕头",
  "x".repeat(5000),
  "__proto__",
  "constructor",
  "-1",
  "1e400",
];

function fillPath(op: Operation, r: Prng, muts: string[]): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const spec = op.parameters.find((p) => p.in === "path" && p.name === name);
    if (r.next() < 0.3) {
      const seg = r.pick(HOSTILE_SEGMENTS);
      muts.push(`path ${name}=${seg.slice(0, 24)}`);
      return seg;
    }
    return encodeURIComponent(String(sampleSchema(spec?.schema ?? { type: "string" }, r)));
  });
}

function query(op: Operation, r: Prng, muts: string[]): string {
  const parts: string[] = [];
  for (const p of op.parameters.filter((x) => x.in === "query")) {
    if (!p.required && r.next() < 0.5) continue;
    const v =
      r.next() < 0.2 ? hostileQueryValue(r, muts, p.name) : encodeURIComponent(String(sampleSchema(p.schema ?? {}, r)));
    parts.push(`${encodeURIComponent(p.name)}=${v}`);
  }
  if (r.next() < 0.05) {
    muts.push("query repeated");
    parts.push(...parts);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function hostileQueryValue(r: Prng, muts: string[], name: string): string {
  const v = r.pick(["%ZZ", "-99999999999999999999", "1.5", "true", "x".repeat(20_000), "%00", "[]", "%E4%B8"]);
  muts.push(`query ${name}=${v.slice(0, 16)}`);
  return v;
}

/** A well-formed body for the operation's first media type: its example, else a sample of its schema. */
function sampleBody(op: Operation, r: Prng): { contentType: string; value: unknown } | undefined {
  const entry = Object.entries(op.requestBody?.content ?? {})[0];
  if (!entry) return undefined;
  const [contentType, media] = entry as [string, { schema?: JsonSchema; example?: unknown }];
  return { contentType, value: media.example ?? sampleSchema(media.schema ?? {}, r) };
}

const WRONG_TYPES: unknown[] = [null, 0, -1, 1e308, 2 ** 53 + 1, "", "x", true, [], {}, [[[]]], "1".repeat(300)];

/** Object mutations: a value of the wrong type, a field gone, fields nobody asked for. */
function mutateValue(v: unknown, r: Prng, muts: string[]): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    muts.push("body replaced by a wrong type");
    return r.pick(WRONG_TYPES);
  }
  const o = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(o);
  const roll = r.next();
  if (roll < 0.35 && keys.length) {
    const k = r.pick(keys);
    o[k] = r.pick(WRONG_TYPES);
    muts.push(`${k} wrong type`);
  } else if (roll < 0.6 && keys.length) {
    const k = r.pick(keys);
    delete o[k];
    muts.push(`${k} missing`);
  } else if (roll < 0.8) {
    o[`extra_${r.hex(2)}`] = "unexpected";
    muts.push("extra field");
  } else {
    const k = keys.length ? r.pick(keys) : "q";
    o[k] = "长".repeat(r.int(1000, 200_000));
    muts.push(`${k} huge string`);
  }
  return o;
}

function serialise(contentType: string, value: unknown): Buffer {
  if (contentType.includes("json")) return Buffer.from(JSON.stringify(value) ?? "null");
  if (contentType.includes("form-urlencoded") && value && typeof value === "object")
    return Buffer.from(new URLSearchParams(Object.entries(value).map(([k, v]) => [k, String(v)])).toString());
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** Byte-level bodies no serialiser makes. */
const RAW_BODIES: [string, (r: Prng) => Buffer, number][] = [
  ["empty body", () => Buffer.alloc(0), 5],
  ["prototype keys", () => Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'), 4],
  ["nested 100", () => Buffer.from(`{"a":${nested(100)}}`), 3],
  ["nested 3000", () => Buffer.from(`{"a":${nested(3000)}}`), 3],
  ["bad UTF-8", () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]), 4],
  ["NUL in JSON", () => Buffer.from('{"a":"x\u0000y","\u0000":1}'), 3],
  ["truncated JSON", () => Buffer.from('{"a":[1,2,'), 3],
  ["not JSON", () => Buffer.from("<xml>汕头</xml>"), 3],
  ["number overflow", () => Buffer.from('{"a":1e400,"b":-1e400,"c":123456789012345678901234567890}'), 3],
  ["2 MB", (r) => Buffer.from(JSON.stringify({ a: "x".repeat(2 * 1024 * 1024 + r.int(0, 99)) })), 1],
];

const LYING_TYPES = [
  "text/plain",
  "application/xml",
  "multipart/form-data",
  "application/json; charset=gbk",
  "application/x-www-form-urlencoded",
  "",
  "application/json, application/json",
];

function pickWeighted<T>(r: Prng, items: [string, T, number][]): [string, T, number] {
  let roll = r.next() * items.reduce((n, [, , w]) => n + w, 0);
  for (const it of items) if ((roll -= it[2]) < 0) return it;
  return items[items.length - 1];
}

function body(op: Operation, r: Prng, muts: string[]): { headers: [string, string][]; body?: Buffer } {
  const sample = sampleBody(op, r);
  const roll = r.next();
  if (!sample && roll < 0.8) return { headers: [] };
  const ct = sample?.contentType ?? "application/json";
  let bytes: Buffer;
  if (roll < 0.35) bytes = serialise(ct, sample?.value);
  else if (roll < 0.7) bytes = serialise(ct, mutateValue(sample?.value, r, muts));
  else {
    const [what, make] = pickWeighted(r, RAW_BODIES);
    muts.push(what);
    bytes = make(r);
  }
  const headers: [string, string][] = [["content-type", ct]];
  if (r.next() < 0.12) {
    const lie = r.pick(LYING_TYPES);
    muts.push(`content-type ${JSON.stringify(lie)}`);
    headers[0] = ["content-type", lie];
  }
  return { headers, body: bytes };
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** One hostile (or, a fifth of the time, well-formed) request for the operation. */
export function fuzzCase(op: Operation, c: Credentials, r: Prng): FuzzCase {
  const muts: string[] = [];
  let method = op.method.toUpperCase();
  if (r.next() < 0.04) {
    method = r.pick(METHODS);
    muts.push(`method ${method}`);
  }
  const path = fillPath(op, r, muts) + query(op, r, muts);
  const auth = authHeaders(op, c, r, muts);
  const b = method === "GET" && op.method === "get" && r.next() < 0.9 ? { headers: [] } : body(op, r, muts);
  const request: RawRequest = { method, path, headers: [...auth, ...b.headers], ...(b.body ? { body: b.body } : {}) };
  return {
    operationId: op.operationId,
    mutations: muts,
    request,
    replay: auth.some(([k]) => k === "x-tif-nonce") && r.next() < 0.05,
  };
}

/** A body over the configured limit (once per run: it is 11 MiB). */
export function oversized(op: Operation, c: Credentials, r: Prng): FuzzCase {
  const muts = ["11 MiB body"];
  const headers: [string, string][] = [...tifHeaders(op, c, r, []), ["content-type", "application/json"]];
  const body = Buffer.alloc(11 * 1024 * 1024, 0x20);
  return { operationId: op.operationId, mutations: muts, request: { method: "POST", path: op.path, headers, body } };
}
