// The one way a platform writes its refusals down (architecture.md §6): a catalogue of camelCase keys, each entry with
// the platform's native code, the HTTP status, zh-CN and English text and, where there is one, how to get past it.
// Every platform's errors.ts builds its catalogue with defineCatalogue; test/platform-catalogues.test.ts walks each
// against its contract's code table and its docs.
import type { Diagnostic, Problem } from "./types.js";

export interface ErrorEntry<C extends number | string = number | string> {
  /** The platform's native code (errcode, result code …). */
  readonly code: C;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  /** How to get past it, "中文 / English": the default hint of the refusal's diagnostics. */
  readonly hint?: string;
}

/** An entry in the gateway's style: the HTTP status is the errcode's first three digits (facts §8.1). */
export function gatewayCoded(code: number, zh: string, en: string, hint?: string): ErrorEntry<number> {
  return { code, status: Math.floor(code / 100), zh, en, ...(hint ? { hint } : {}) };
}

const KEY = /^[a-z][a-zA-Z0-9]*$/;
const CJK = /[\u3400-\u9fff]/;

/**
 * A platform's catalogue, frozen. Refuses (at module load) a key that is not camelCase, a code given twice, or an
 * entry without zh-CN text — mistakes a reviewer should never have to spot.
 */
export function defineCatalogue<const T extends Record<string, ErrorEntry>>(entries: T): Readonly<T> {
  const seen = new Map<number | string, string>();
  for (const [key, e] of Object.entries(entries)) {
    if (!KEY.test(key)) throw new Error(`error catalogue key ${key} is not camelCase`);
    if (seen.has(e.code)) throw new Error(`error catalogue: ${key} repeats code ${e.code} of ${seen.get(e.code)}`);
    if (!CJK.test(e.zh) || !e.en) throw new Error(`error catalogue: ${key} needs zh-CN and English text`);
    seen.set(e.code, key);
  }
  return Object.freeze(entries);
}

export interface Detail {
  zh: string;
  en: string;
}

/** "中文：细节 / English: detail" — an entry's text, with what exactly was wrong when there is a detail. */
export function bilingualText(entry: Pick<ErrorEntry, "zh" | "en">, detail?: Detail): string {
  const { zh, en } = problemText(entry, detail);
  return `${zh} / ${en}`;
}

function problemText(entry: Pick<ErrorEntry, "zh" | "en">, detail?: Detail): Detail {
  return detail ? { zh: `${entry.zh}：${detail.zh}`, en: `${entry.en}: ${detail.en}` } : { zh: entry.zh, en: entry.en };
}

/** The refusal an entry stands for, with the detail and the diagnostics (each given the entry's hint when it has none). */
export function problemOf(entry: ErrorEntry, detail?: Detail, diagnostics?: Diagnostic[]): Problem {
  const ds = diagnostics?.map((d) => (d.hint || !entry.hint ? d : { ...d, hint: entry.hint }));
  return {
    code: entry.code,
    status: entry.status,
    ...problemText(entry, detail),
    ...(ds?.length ? { diagnostics: ds } : {}),
  };
}

/** The entry of a native code, when the catalogue has one. */
export function entryByCode<T extends Record<string, ErrorEntry>>(catalogue: T, code: unknown): T[keyof T] | undefined {
  for (const e of Object.values(catalogue)) if (e.code === code) return e as T[keyof T];
  return undefined;
}
