// Checks a GatewayMsg body's query conditions and paging against the resource's catalogue items (→ errcode 1002).
import { diag } from "./errors.js";
import { checkItemValue } from "./item-values.js";
import type { CatalogueEntry, Diagnostic, InfoItem } from "./types.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ParsedQuery {
  conditions: Record<string, unknown>;
  page: number;
  pageSize: number;
  /** Fields asked for in metadata.fields (item codes), or undefined for "all granted". */
  fields?: string[];
}

/** Items by code, once per catalogue entry (entries are replaced, not changed, when the catalogue changes). */
const itemIndex = new WeakMap<CatalogueEntry, ReadonlyMap<string, InfoItem>>();
function itemsOf(entry: CatalogueEntry): ReadonlyMap<string, InfoItem> {
  let m = itemIndex.get(entry);
  if (!m) itemIndex.set(entry, (m = new Map(entry.items.map((i) => [i.code, i]))));
  return m;
}

/**
 * - `query` is an object whose keys are item codes and whose values are scalars of the item's type, length and format;
 * - the entry's key items (e.g. SFZH) are present;
 * - paging in `metadata` [SIM]: page ≥ 1, 1 ≤ page_size ≤ 100; `metadata.fields` lists item codes.
 */
export function checkQueryConditions(
  entry: CatalogueEntry,
  body: Record<string, unknown>,
  now: number,
): { parsed: ParsedQuery; diagnostics: Diagnostic[] } {
  const d: Diagnostic[] = [];
  const items = itemsOf(entry);
  // built only when a diagnostic needs it (hot path)
  const available = () => `可用 / available: ${entry.items.map((i) => `${i.code}(${i.name})`).join(", ")}`;
  const q = body.query;
  const conditions: Record<string, unknown> = {};
  if (q === undefined || q === null) {
    if (entry.keyItems.length)
      d.push(
        diag(
          "/body/query",
          "required",
          q,
          `缺少查询条件 query，须包含 ${entry.keyItems.join("、")} / query is missing; it must contain ${entry.keyItems.join(", ")}`,
          `如 {"${entry.keyItems[0]}": "…"} / e.g. {"${entry.keyItems[0]}": "…"}`,
        ),
      );
  } else if (typeof q !== "object" || Array.isArray(q)) {
    d.push(
      diag(
        "/body/query",
        "type:object",
        Array.isArray(q) ? "array" : typeof q,
        "query 应为对象，键为信息项代码 / query must be an object keyed by item code",
        available(),
      ),
    );
  } else {
    for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
      const item = items.get(k);
      if (!item) {
        d.push(
          diag(
            `/body/query/${k}`,
            "unknown-item",
            k,
            `${k} 不是资源 ${entry.resourceCode} 的信息项 / ${k} is not an item of ${entry.resourceCode}`,
            available(),
          ),
        );
        continue;
      }
      if (v !== null && typeof v === "object") {
        d.push(
          diag(
            `/body/query/${k}`,
            "scalar",
            v,
            `${k} 的条件值应为单个值 / the condition on ${k} must be a single value`,
            "不支持数组或对象 / arrays and objects are not supported",
          ),
        );
        continue;
      }
      const p = checkItemValue(item, v, now);
      if (p) {
        d.push(diag(`/body/query/${k}`, p.rule, v, p.zh + " / " + p.en, p.hint));
        continue;
      }
      if (v !== null && v !== undefined && v !== "") conditions[k] = v;
    }
    for (const k of entry.keyItems)
      if (conditions[k] === undefined && !d.some((x) => x.location === `/body/query/${k}`))
        d.push(
          diag(
            `/body/query/${k}`,
            "required",
            undefined,
            `缺少必填查询条件 ${k}（${items.get(k)?.name ?? ""}） / required condition ${k} is missing`,
            `本资源按 ${entry.keyItems.join("、")} 查询 / this resource is queried by ${entry.keyItems.join(", ")}`,
          ),
        );
  }
  const md = body.metadata;
  let page = 1;
  let pageSize = DEFAULT_PAGE_SIZE;
  let fields: string[] | undefined;
  if (md !== undefined && md !== null) {
    if (typeof md !== "object" || Array.isArray(md))
      d.push(
        diag(
          "/body/metadata",
          "type:object",
          typeof md,
          "metadata 应为对象 / metadata must be an object",
          '如 {"page":1,"page_size":20} / e.g. {"page":1,"page_size":20}',
        ),
      );
    else {
      const m = md as Record<string, unknown>;
      if (m.page !== undefined) {
        if (Number.isSafeInteger(m.page) && (m.page as number) >= 1) page = m.page as number;
        else
          d.push(
            diag(
              "/body/metadata/page",
              "page",
              m.page,
              "page 应为不小于1的整数 / page must be an integer ≥ 1",
              "从 1 开始 / starts at 1",
            ),
          );
      }
      if (m.page_size !== undefined) {
        if (
          Number.isSafeInteger(m.page_size) &&
          (m.page_size as number) >= 1 &&
          (m.page_size as number) <= MAX_PAGE_SIZE
        )
          pageSize = m.page_size as number;
        else
          d.push(
            diag(
              "/body/metadata/page_size",
              "page-size",
              m.page_size,
              `page_size 应为 1–${MAX_PAGE_SIZE} 的整数 / page_size must be an integer 1–${MAX_PAGE_SIZE}`,
              `默认 ${DEFAULT_PAGE_SIZE} / default ${DEFAULT_PAGE_SIZE}`,
            ),
          );
      }
      if (m.fields !== undefined) {
        if (!Array.isArray(m.fields))
          d.push(
            diag(
              "/body/metadata/fields",
              "type:array",
              typeof m.fields,
              "fields 应为信息项代码数组 / fields must be an array of item codes",
              available(),
            ),
          );
        else {
          fields = [];
          m.fields.forEach((f, i) => {
            if (typeof f === "string" && items.has(f)) fields!.push(f);
            else
              d.push(
                diag(
                  `/body/metadata/fields/${i}`,
                  "unknown-item",
                  f,
                  `${String(f)} 不是本资源的信息项 / ${String(f)} is not an item of this resource`,
                  available(),
                ),
              );
          });
        }
      }
    }
  }
  return { parsed: { conditions, page, pageSize, ...(fields ? { fields } : {}) }, diagnostics: d };
}
