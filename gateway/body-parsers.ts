// Body parsing: JSON must be valid UTF-8 (bad bytes are refused, not silently replaced), prototype poisoning is
// refused; form bodies (OAuth token calls) become objects; anything else arrives as a Buffer for the contract to judge.
import type { FastifyInstance } from "fastify";

const utf8 = new TextDecoder("utf-8", { fatal: true });

class BodyError extends Error {
  statusCode = 400;
  constructor(message: string, readonly code: string) {
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

export function registerBodyParsers(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  const parseJson = (req: Parameters<typeof defaultJson>[0], body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const buf = body as Buffer;
    keepRaw(req, buf);
    if (buf.length === 0) return done(null, undefined);
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
