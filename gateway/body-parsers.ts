// Body parsing: JSON must be valid UTF-8 (bad bytes are refused, not silently replaced), prototype poisoning is
// refused, and so is nesting deeper than `jsonMaxDepth` (found by one flat scan of the bytes, before any recursive work:
// a body 2,000 levels deep once tied up the HTTP thread's hand-over); form bodies (OAuth token calls) become objects;
// anything else arrives as a Buffer for the contract to judge.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** What the body parsers and the server options need to know: the same on the app and on the HTTP thread. */
export interface BodyLimits {
  bodyLimitBytes: number;
  jsonMaxDepth: number;
}

/** The error code of a JSON body nested deeper than allowed (answered 40006 with a diagnostic, app.ts). */
export const JSON_TOO_DEEP = "GATESIM_JSON_TOO_DEEP";

const utf8 = new TextDecoder("utf-8", { fatal: true });

class BodyError extends Error {
  statusCode = 400;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function decode(buf: Buffer): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw new BodyError("请求体不是合法的 UTF-8 / the body is not valid UTF-8", "FST_ERR_BAD_UTF8");
  }
}

/**
 * The deepest nesting of arrays and objects in JSON text, or `max + 1` as soon as it goes past `max`. Brackets inside
 * strings do not count. A body with no more bytes than `max` cannot go past it, so small bodies are not scanned.
 */
export function jsonDepthOver(buf: Uint8Array, max: number): boolean {
  if (buf.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const RAW = Symbol("gatesim.rawBody");

/** application/…+json: read by the JSON parser like application/json. */
const PLUS_JSON = /^application\/[a-z.+-]*\+json$/;

/** Whether a request of this Content-Type has its body read by the JSON parser below. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const mt = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return mt === "application/json" || PLUS_JSON.test(mt);
}

/** The bytes as received (audit hashes are taken over them, not over a re-serialisation). */
export function rawBodyOf(req: object): Buffer | undefined {
  return (req as { [RAW]?: Buffer })[RAW];
}

/** Attach the bytes as received to a request (the body parsers, and the HTTP thread for the requests it hands over). */
export function keepRaw(req: object, buf: Buffer): void {
  (req as { [RAW]?: Buffer })[RAW] = buf;
}

export function registerBodyParsers(app: FastifyInstance, limits: BodyLimits): void {
  const defaultJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  const parseJson = (
    req: Parameters<typeof defaultJson>[0],
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    const buf = body as Buffer;
    keepRaw(req, buf);
    if (buf.length === 0) return done(null, undefined);
    if (jsonDepthOver(buf, limits.jsonMaxDepth))
      return done(
        new BodyError(
          `JSON 嵌套超过 ${limits.jsonMaxDepth} 层 / JSON nested deeper than ${limits.jsonMaxDepth} levels`,
          JSON_TOO_DEEP,
        ),
        undefined,
      );
    let text: string;
    try {
      text = decode(buf);
    } catch (e) {
      return done(e as Error, undefined);
    }
    defaultJson(req, text, done);
  };
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parseJson);
  app.addContentTypeParser(PLUS_JSON, { parseAs: "buffer" }, parseJson);
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer" }, (req, body, done) => {
    keepRaw(req, body as Buffer);
    try {
      const params = new URLSearchParams(decode(body as Buffer));
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of params) {
        const prev = out[k];
        out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      done(null, out);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser("text/plain", { parseAs: "buffer" }, (req, body, done) => {
    keepRaw(req, body as Buffer);
    try {
      done(null, decode(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
}

/** Refusals sent before the body was read: an upload over the limit, a path that cannot be percent-decoded. */
const ANSWERED_BEFORE_THE_BODY = new Set(["FST_ERR_CTP_BODY_TOO_LARGE", "FST_ERR_BAD_URL"]);

/** How long a refused oversized upload may go on being read (and discarded) after its 413 was sent. */
const LINGER_MS = 10_000;

/**
 * After a 413, read and discard what the client still sends instead of closing at once. Fastify marks the answer
 * `connection: close`, so Node closes the socket as soon as the 413 is written — with the client's unread bytes in the
 * receive buffer, which makes the kernel send RST and the client lose the 413 (it saw EPIPE). Without that header Node
 * drains the rest of the request itself; an upload still unfinished LINGER_MS after the answer is cut off.
 */
export function lingerAfterTooLarge(err: { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  if (!ANSWERED_BEFORE_THE_BODY.has(err.code ?? "")) return;
  reply.removeHeader("connection");
  const raw = req.raw;
  reply.raw.once("finish", () => {
    if (raw.complete) return;
    const t = setTimeout(() => {
      if (!raw.complete) raw.socket?.destroy();
    }, LINGER_MS);
    t.unref();
    raw.once("end", () => clearTimeout(t));
  });
}
