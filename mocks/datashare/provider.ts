// Department providers hooked by URL: the injected call interface and the check of answers against the catalogue.
import { diag } from "./errors.js";
import { checkItemValue } from "./item-values.js";
import type { Row } from "./base-libraries.js";
import type { CatalogueEntry, Diagnostic } from "./types.js";

/** One call to a department's data interface. */
export interface ProviderCall {
  url: string;
  serviceId: string;
  resourceCode: string;
  consumerPaasid: string;
  /** The §5.2 body forwarded to the provider: query conditions, audit_info and paging as the consumer sent them. */
  body: Record<string, unknown>;
  /** The caller must give up after this long and throw ProviderUnavailableError("timeout"). */
  timeoutMs: number;
  traceId?: string;
}

export interface ProviderAnswer {
  status: number;
  body: unknown;
}

/** Performs the HTTP call (signing, undici); throws ProviderUnavailableError when the provider is down or slow. */
export type ProviderCaller = (call: ProviderCall) => Promise<ProviderAnswer>;

export class ProviderUnavailableError extends Error {
  constructor(
    readonly kind: "timeout" | "down",
    detail = "",
  ) {
    super(kind === "timeout" ? `provider timed out ${detail}`.trim() : `provider unreachable ${detail}`.trim());
    this.name = "ProviderUnavailableError";
  }
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 5_000;

/** How a provider should answer (simulator's rule [SIM]): HTTP 200 with the gateway envelope, rows under data.data. */
const ANSWER_HINT =
  '按 {"errcode":0,"errmsg":"…","data":{"data":[{…}]}} 返回，行以信息项代码为键 / answer {"errcode":0,"errmsg":"…","data":{"data":[{…}]}} with rows keyed by item code';

export interface AnswerCheck {
  /** Rows found in the answer, null when the answer has no usable row list. */
  rows: Row[] | null;
  /** Everything that breaks the catalogue; locations are JSON pointers into the provider's answer. */
  violations: Diagnostic[];
}

/**
 * Check a provider's answer against its catalogue entry:
 * - HTTP 200, a JSON object with integer errcode 0 and a row array at data.data (a bare array is accepted, reported);
 * - every row is an object whose keys are the entry's item codes, values of the item's type, length and format;
 * - rows carry the query's key conditions unchanged (a row for another subject is a data leak).
 */
export function validateProviderAnswer(
  entry: CatalogueEntry,
  answer: ProviderAnswer,
  query: Record<string, unknown> = {},
): AnswerCheck {
  const v: Diagnostic[] = [];
  if (answer.status !== 200)
    v.push(
      diag(
        "/status",
        "http-status",
        answer.status,
        `提供方返回 HTTP ${answer.status} / provider answered HTTP ${answer.status}`,
        "成功时返回 200 / answer 200 on success",
      ),
    );
  let list: unknown;
  const b = answer.body;
  if (Array.isArray(b)) {
    v.push(
      diag(
        "",
        "envelope",
        "array",
        "应答缺少 {errcode, errmsg, data} 外层 / the answer lacks the {errcode, errmsg, data} envelope",
        ANSWER_HINT,
      ),
    );
    list = b;
  } else if (b && typeof b === "object") {
    const o = b as Record<string, unknown>;
    if (!Number.isInteger(o.errcode))
      v.push(diag("/errcode", "type:integer", o.errcode, "errcode 应为整数 / errcode must be an integer", ANSWER_HINT));
    else if (o.errcode !== 0)
      v.push(
        diag(
          "/errcode",
          "errcode",
          o.errcode,
          `提供方返回错误码 ${o.errcode}：${String(o.errmsg ?? "")} / provider returned errcode ${o.errcode}`,
          "查询成功时 errcode 应为 0 / errcode 0 on success",
        ),
      );
    if (typeof o.errmsg !== "string")
      v.push(diag("/errmsg", "type:string", o.errmsg, "errmsg 应为字符串 / errmsg must be a string", ANSWER_HINT));
    const data = o.data as Record<string, unknown> | null | undefined;
    if (!data || typeof data !== "object" || Array.isArray(data))
      v.push(diag("/data", "type:object", data, "data 应为对象 / data must be an object", ANSWER_HINT));
    else if (!Array.isArray(data.data))
      v.push(
        diag(
          "/data/data",
          "type:array",
          data.data,
          "data.data 应为行数组 / data.data must be an array of rows",
          ANSWER_HINT,
        ),
      );
    else list = data.data;
  } else {
    v.push(
      diag(
        "",
        "type:object",
        b === null ? null : typeof b,
        "应答不是 JSON 对象 / the answer is not a JSON object",
        ANSWER_HINT,
      ),
    );
  }
  if (!Array.isArray(list)) return { rows: null, violations: v };

  const base = Array.isArray(b) ? "" : "/data/data";
  const items = new Map(entry.items.map((i) => [i.code, i]));
  const keys = entry.keyItems.filter((k) => query[k] !== undefined);
  const rows: Row[] = [];
  list.forEach((r, i) => {
    const at = `${base}/${i}`;
    if (!r || typeof r !== "object" || Array.isArray(r)) {
      v.push(
        diag(
          at,
          "type:object",
          r,
          `第 ${i + 1} 行应为对象 / row ${i + 1} must be an object`,
          "以信息项代码为键 / keyed by item code",
        ),
      );
      return;
    }
    const row = r as Record<string, unknown>;
    for (const [k, val] of Object.entries(row)) {
      const item = items.get(k);
      if (!item) {
        v.push(
          diag(
            `${at}/${k}`,
            "unknown-item",
            k,
            `字段 ${k} 不在目录信息项中 / field ${k} is not a catalogue item`,
            `目录信息项 / catalogue items: ${[...items.keys()].join(", ")}`,
          ),
        );
        continue;
      }
      const p = checkItemValue(item, val);
      if (p) v.push(diag(`${at}/${k}`, p.rule, val, `第 ${i + 1} 行：${p.zh} / row ${i + 1}: ${p.en}`, p.hint));
    }
    for (const k of keys)
      if (k in row && row[k] !== query[k])
        v.push(
          diag(
            `${at}/${k}`,
            "matches-query",
            row[k],
            `第 ${i + 1} 行 ${k} 与查询条件 ${String(query[k])} 不符 / row ${i + 1}: ${k} differs from the query condition`,
            "只返回与查询条件相符的记录 / return only rows matching the query",
          ),
        );
    rows.push(row as Row);
  });
  return { rows, violations: v };
}
