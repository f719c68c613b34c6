// Outbound calls to departments (provider interfaces, webhooks): undici POST of JSON, signed the way the gateway signs
// calls to a department backend (facts §1.5, tifgo AuthSign), with a hard time limit.
import { randomBytes } from "node:crypto";
import type { Agent, Dispatcher } from "undici";
import { tifBackendHeaders } from "../gateway/tif-signature.js";

export interface SignedPostInput {
  url: string;
  body: unknown;
  /** The token the receiving department verifies with (its own paasToken). Never logged. */
  paasToken: string;
  /** Signing time (ms): the virtual clock of the side whose token signs. */
  now: number;
  timeoutMs: number;
  /** Extra headers (consumer paasid, serviceId, trace id, delivery id …). */
  headers?: Record<string, string>;
  /** Most bytes read from the answer; the rest is dropped and reported as truncated. */
  maxBytes?: number;
}

export interface SignedPostAnswer {
  status: number;
  /** Parsed JSON when the answer is JSON, else its text. */
  body: unknown;
  truncated: boolean;
}

/** Why an outbound call failed: no answer in time, or no answer at all (refused, reset, DNS). */
export class OutboundError extends Error {
  constructor(
    readonly kind: "timeout" | "down",
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = "OutboundError";
  }
}

export const DEFAULT_MAX_ANSWER_BYTES = 5 * 1024 * 1024;

/**
 * Keep-alive connection pool for department endpoints; close() it when the simulator stops. undici is loaded on the
 * first outbound call (about 0.1 s of module loading that start-up need not pay).
 */
export interface OutboundPool {
  get(): Promise<Agent>;
  close(): Promise<void>;
}

let undici: Promise<typeof import("undici")> | undefined;
const loadUndici = () => (undici ??= import("undici"));

export function createOutboundAgent(): OutboundPool {
  let agent: Promise<Agent> | undefined;
  return {
    get: () =>
      (agent ??= loadUndici().then(
        (u) => new u.Agent({ keepAliveTimeout: 4_000, connections: 64, connect: { timeout: 10_000 } }),
      )),
    close: async () => {
      if (agent) await (await agent).close();
    },
  };
}

function isTimeout(e: unknown): boolean {
  const err = e as { name?: string; code?: string } | undefined;
  return (
    err?.name === "TimeoutError" ||
    err?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    err?.code === "UND_ERR_BODY_TIMEOUT" ||
    err?.code === "UND_ERR_CONNECT_TIMEOUT"
  );
}

async function readCapped(
  body: Dispatcher.ResponseData["body"],
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let n = 0;
  let truncated = false;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (n + b.length > max) {
      chunks.push(b.subarray(0, max - n));
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(b);
    n += b.length;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), truncated };
}

/** POST `body` as JSON with x-tif backend headers; throws OutboundError on timeout or when nobody answers. */
export async function signedPost(pool: OutboundPool, input: SignedPostInput): Promise<SignedPostAnswer> {
  const [{ request }, dispatcher] = await Promise.all([loadUndici(), pool.get()]);
  const nonce = randomBytes(8).toString("hex");
  const headers = {
    "content-type": "application/json; charset=utf-8",
    ...tifBackendHeaders(input.paasToken, {}, input.now, nonce),
    ...input.headers,
  };
  const signal = AbortSignal.timeout(input.timeoutMs);
  try {
    const res = await request(input.url, {
      method: "POST",
      headers,
      body: JSON.stringify(input.body),
      dispatcher,
      signal,
    });
    const { text, truncated } = await readCapped(res.body, input.maxBytes ?? DEFAULT_MAX_ANSWER_BYTES);
    let body: unknown = text;
    if (!truncated && text.length) {
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: the caller's checks report it with the text seen
      }
    }
    return { status: res.statusCode, body, truncated };
  } catch (e) {
    if (isTimeout(e) || signal.aborted) throw new OutboundError("timeout", `no answer within ${input.timeoutMs} ms`);
    const err = e as { code?: string; message?: string };
    throw new OutboundError("down", err.code ?? err.message ?? "unreachable");
  }
}
