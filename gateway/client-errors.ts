// Requests Node's HTTP parser refuses before any route sees them (a NUL or CR/LF inside a header, a request line and
// headers over 16 KiB, a request not sent in time): answered in the gateway's envelope, like every other refusal,
// instead of Fastify's own `{"error":"Bad Request","message":"Client Error"}`. Shared by both thread modes.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { GATEWAY_ERRORS, gatewayEnvelope, type CatalogueEntry } from "../mocks/gateway/errors.js";
import type { Diagnostic } from "../mocks/shared/types.js";
import { traceBootId } from "./trace-id.js";

/** How long the rest of a refused request may go on arriving (and be discarded) after the answer. */
const LINGER_MS = 2_000;
let seq = 0;
/** Sockets already answered: the parser goes on failing on what still arrives, and must not reset them. */
const answered = new WeakSet<Socket>();

function refusalOf(code: string | undefined): [CatalogueEntry, Diagnostic] {
  if (code === "HPE_HEADER_OVERFLOW")
    return [
      GATEWAY_ERRORS.headersTooLarge,
      {
        location: "/headers",
        rule: "http.header-size",
        message: "请求行与请求头合计超过 16 KiB / the request line and headers exceed 16 KiB together",
        hint: "长参数放进请求体，令牌与签名保持常规长度 / put long values in the body; keep tokens and signatures their usual size",
      },
    ];
  if (code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "ERR_HTTP_HEADERS_TIMEOUT")
    return [
      GATEWAY_ERRORS.requestTimeout,
      {
        location: "/",
        rule: "http.request-timeout",
        message: "请求头或请求体未在时限内发送完毕 / the headers or the body did not arrive in time",
        hint: "检查客户端是否写完了 Content-Length 所声明的字节 / check that the client sends every byte its Content-Length promises",
      },
    ];
  return [
    GATEWAY_ERRORS.malformedHttp,
    {
      location: "/",
      rule: "http.parse",
      seen: code,
      message:
        "HTTP/1.1 请求无法解析（如请求头含 NUL、CR/LF 或非法字符，或 Content-Length 冲突）/ the HTTP/1.1 request cannot be parsed (e.g. a header holding NUL, CR/LF or an invalid character, or conflicting Content-Length)",
      hint: "请求头值只用可见 ASCII 字符；中文等先做百分号编码 / use printable ASCII in header values; percent-encode anything else",
    },
  ];
}

/** Fastify's `clientErrorHandler`: answer, read what still arrives for a moment (so the answer is not lost to a reset), close. */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
  const [entry, diagnostic] = refusalOf(err.code);
  if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    const traceId = `${traceBootId}-c${(++seq).toString(36)}`;
    const body = JSON.stringify(gatewayEnvelope({ ...entry, diagnostics: [diagnostic] }, { traceId }));
    socket.end(
      `HTTP/1.1 ${entry.status} ${STATUS_CODES[entry.status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nx-gatesim-trace-id: ${traceId}\r\nconnection: close\r\n\r\n${body}`,
    );
    answered.add(socket);
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
    return;
  }
  socket.destroy(err);
}
