// What the e-licence handler groups share: reading a body field, telling an answer from a value, and the two guards
// that turn domain and e-seal refusals into the operation's own envelope.
import type { HandlerInput } from "../../shared/types.js";
import { isElicenceError } from "../errors.js";
import {
  issuanceFromError,
  issuanceRefusal,
  sharingFromError,
  sharingRefusal,
  type IssuanceRefusal,
  type SharingAnswer,
} from "../envelopes.js";

export type Body = Record<string, unknown>;

/** The body as an object of fields (GatewayMsg bodies are open: the licence type decides its items). */
export const bodyOf = (input: Pick<HandlerInput, "body">): Body =>
  input.body && typeof input.body === "object" && !Array.isArray(input.body) ? (input.body as Body) : {};

/** A non-blank string, trimmed. */
export const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** An answer a check gave instead of its value (a refusal to return as it is). */
export const isAnswer = <T>(v: T): v is Extract<T, { status: number; body: unknown }> =>
  !!v && typeof v === "object" && typeof (v as { status?: unknown }).status === "number" && "body" in v;

const esealRefusal = (e: unknown) => {
  const ee = e as { name?: string; code?: string; zh?: string; en?: string; status?: number };
  return ee?.name === "EsealError" ? ee : undefined;
};

/** Sharing services: domain refusals → head.status with diagnostics; an e-seal refusal → 101; a bug propagates. */
export async function sharingGuard<R>(fn: () => Promise<R>): Promise<R | SharingAnswer<null>> {
  try {
    return await fn();
  } catch (e) {
    if (isElicenceError(e)) return sharingFromError(e);
    const ee = esealRefusal(e);
    if (ee)
      return sharingRefusal(101, `电子印章平台无法盖章：${ee.zh}`, `the e-seal platform could not seal: ${ee.en}`, {
        rule: "elicence.seal",
      });
    throw e;
  }
}

/** GatewayMsg services: domain and e-seal refusals → `{ack_code: "FAILURE"}`; anything else is a gatesim bug. */
export async function issuanceGuard<R>(now: () => number, fn: () => Promise<R>): Promise<R | IssuanceRefusal> {
  try {
    return await fn();
  } catch (e) {
    if (isElicenceError(e)) return issuanceFromError(e, now());
    const ee = esealRefusal(e);
    if (ee)
      return issuanceRefusal(
        ee.status && ee.status < 500 ? 409 : 503,
        `ESEAL_${ee.code}`,
        `电子印章平台拒绝盖章：${ee.zh}`,
        `the e-seal platform refused to seal: ${ee.en}`,
        101,
        now(),
        { location: "/body", rule: "elicence.seal" },
      );
    throw e;
  }
}
