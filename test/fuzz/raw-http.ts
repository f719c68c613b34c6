// One HTTP/1.1 request written byte for byte on its own socket, so that the fuzz suite can send what a well-behaved
// client library refuses to (duplicate and CRLF-injected headers, NUL bytes, bad UTF-8, bodies that lie).
import { connect } from "node:net";

export interface RawRequest {
  method: string;
  /** Written as is: percent-encoding, traversal and all. */
  path: string;
  /** Written in order, duplicates kept; a value may carry its own CR/LF. */
  headers: [string, string][];
  body?: Buffer;
}

export interface RawAnswer {
  /** 0 when no status line came back before the bound or the socket closed. */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Why the answer is missing or partial (timeout, reset …). */
  error?: string;
  ms: number;
}

export function encodeRequest(r: RawRequest): Buffer {
  const lines = [`${r.method} ${r.path} HTTP/1.1`, "host: 127.0.0.1", "connection: close"];
  for (const [k, v] of r.headers) lines.push(`${k}: ${v}`);
  const body = r.body ?? Buffer.alloc(0);
  if (body.length || !["GET", "HEAD", "DELETE"].includes(r.method)) lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]);
}

/** Sends the request and reads until the server closes (the request asked it to) or `boundMs` passes. */
export function sendRaw(port: number, r: RawRequest, boundMs: number): Promise<RawAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let done = false;
    const socket = connect({ host: "127.0.0.1", port });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(Buffer.concat(chunks)), error, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => {
      error = `no answer within ${boundMs} ms`;
      finish();
    }, boundMs);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (e) => {
      // a server that answered and closed while the body was still being written: the answer is what counts
      error ??= (e as NodeJS.ErrnoException).code ?? e.message;
      finish();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    socket.write(encodeRequest(r));
  });
}

function parseAnswer(bytes: Buffer): Pick<RawAnswer, "status" | "headers" | "body"> {
  const head = bytes.indexOf("\r\n\r\n");
  if (head < 0) return { status: 0, headers: {}, body: bytes };
  const [statusLine, ...lines] = bytes.subarray(0, head).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = bytes.subarray(head + 4);
  if (headers["transfer-encoding"] === "chunked") body = dechunk(body);
  return { status, headers, body };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < b.length) {
    const nl = b.indexOf("\r\n", at);
    if (nl < 0) break;
    const size = parseInt(b.subarray(at, nl).toString("latin1"), 16);
    if (!size) break;
    out.push(b.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(out);
}
