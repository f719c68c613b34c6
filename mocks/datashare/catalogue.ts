// The resource catalogue (facts §5.1): search/list/get, departments' own entries, withdrawal, data hooking (编目挂接).
import { outboundPolicy, withoutUrlPassword, type OutboundPolicy } from "../shared/outbound.js";
import { checkUscc } from "../shared/ids.js";
import type { Store, StoreChange } from "../shared/store.js";
import type { Row } from "./base-libraries.js";
import { parseCsv } from "./csv.js";
import { DatashareError, diag } from "./errors.js";
import { checkItemValue, coerceText } from "./item-values.js";
import { SEEDED_ROWS, seededEntries } from "./seed-catalogue.js";
import type { Seed } from "../shared/seed-types.js";
import { serviceIdFor } from "./service-id.js";
import type {
  Actor,
  CatalogueClass,
  CatalogueEntry,
  Classification,
  Diagnostic,
  InfoItem,
  OpenAttributes,
  Page,
  ShareAttributes,
  ShareType,
  TenantDirectory,
  UpdateCycle,
} from "./types.js";

const K_ENTRY = "ds.entry";
const K_SID = "ds.sid";
const K_ROWS = "ds.rows";

export const DATA_TYPES = ["C", "N", "Y", "D", "T", "L", "M", "G", "B", "I", "F"] as const;
export const SHARE_TYPES: readonly ShareType[] = ["无条件共享", "有条件共享", "不予共享"];
export const UPDATE_CYCLES: readonly UpdateCycle[] = [
  "实时",
  "每日",
  "每周",
  "每旬",
  "每月",
  "每季度",
  "每半年",
  "每年",
  "不定期",
];
/** Most errors reported for one upload; the count of the rest is given. */
const MAX_ROW_ERRORS = 100;

export interface SearchQuery {
  /** Whitespace-separated terms, all of which must match name, summary, provider, codes or items. */
  keyword?: string;
  shareType?: ShareType;
  catalogueClass?: CatalogueClass;
  providerCode?: string;
  status?: CatalogueEntry["status"] | "any";
  page?: number;
  pageSize?: number;
}

/** What a department sends to compile (编制) a catalogue entry. */
export interface CompileInput {
  resourceCode?: string;
  classification: Classification;
  name: string;
  provider?: string;
  providerCode?: string;
  summary: string;
  format?: string;
  items: InfoItem[];
  keyItems?: string[];
  share: ShareAttributes;
  open?: OpenAttributes;
  updateCycle: UpdateCycle;
  publishDate?: string;
  relatedCodes?: string[];
}

export interface HookRowsInput {
  /** JSON rows keyed by item code. */
  rows?: unknown;
  /** CSV text whose header names item codes (or item names). */
  csv?: string;
}

export class Catalogue {
  private readonly seeded = new Map<string, CatalogueEntry>();
  private readonly seededBySid = new Map<string, string>();
  /** serviceIds of compiled entries, for the gateway's synchronous resolveService. */
  private readonly compiledSids = new Set<string>();
  /**
   * Resource codes with a stored entry (compiled, or a seeded one changed: withdrawn, …). A seeded code not in it is
   * answered from the seed without a store read (the hot path of every signed query). Loaded from a durable store at
   * start (attach) and kept by the other replicas' writes (follow).
   */
  private readonly stored = new Set<string>();

  constructor(
    private readonly directory: TenantDirectory,
    seed: Seed,
    private readonly outbound: OutboundPolicy = outboundPolicy(),
  ) {
    for (const e of seededEntries(seed)) {
      this.seeded.set(e.resourceCode, e);
      this.seededBySid.set(e.serviceId, e.resourceCode);
    }
  }

  private get store(): Store {
    return this.directory.platform;
  }

  async get(resourceCode: string): Promise<CatalogueEntry | undefined> {
    if (!this.stored.has(resourceCode)) return this.seeded.get(resourceCode);
    return (await this.store.get<CatalogueEntry>(K_ENTRY, resourceCode)) ?? this.seeded.get(resourceCode);
  }

  /** A durable store handed over at start: what it keeps is known again (compiled serviceIds route, changed entries). */
  async attach(): Promise<void> {
    for (const e of await this.store.list<CatalogueEntry>(K_ENTRY)) {
      this.stored.add(e.resourceCode);
      if (!this.seededBySid.has(e.serviceId)) this.compiledSids.add(e.serviceId);
    }
  }

  /** Another replica wrote to the platform's namespace: entries it stored and serviceIds it compiled are known here. */
  follow(change: StoreChange): void {
    if (change.kind === K_ENTRY && change.op === "put") this.stored.add(change.id);
    else if (change.kind === K_SID && change.op === "put") this.compiledSids.add(change.id);
    else if (change.kind === K_SID && change.op === "delete") this.compiledSids.delete(change.id);
  }

  async byServiceId(serviceId: string): Promise<CatalogueEntry | undefined> {
    const code = this.seededBySid.get(serviceId) ?? (await this.store.get<string>(K_SID, serviceId));
    return code === undefined ? undefined : this.get(code);
  }

  /** Synchronous: whether a serviceId names a catalogue resource (withdrawn ones included). */
  hasServiceId(serviceId: string): boolean {
    return this.seededBySid.has(serviceId) || this.compiledSids.has(serviceId);
  }

  /** An entry by resource code or serviceId, or a 1101 refusal. */
  async require(ref: { resourceCode?: string; serviceId?: string }): Promise<CatalogueEntry> {
    const e = ref.resourceCode
      ? await this.get(ref.resourceCode)
      : ref.serviceId
        ? await this.byServiceId(ref.serviceId)
        : undefined;
    if (!e)
      throw new DatashareError("resourceNotFound", {
        zh: `未找到资源 ${ref.resourceCode ?? ref.serviceId ?? "（未指定）"}`,
        en: `no resource ${ref.resourceCode ?? ref.serviceId ?? "(none given)"}`,
      });
    return e;
  }

  /** Every entry, stored versions overriding seeded ones, ordered by resource code. */
  async all(): Promise<CatalogueEntry[]> {
    const map = new Map(this.seeded);
    for (const e of await this.store.list<CatalogueEntry>(K_ENTRY)) map.set(e.resourceCode, e);
    return [...map.values()].sort((a, b) =>
      a.resourceCode < b.resourceCode ? -1 : a.resourceCode > b.resourceCode ? 1 : 0,
    );
  }

  async search(q: SearchQuery = {}): Promise<Page<CatalogueEntry>> {
    const terms = (q.keyword ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const status = q.status ?? "published";
    const hits = (await this.all()).filter((e) => {
      if (status !== "any" && e.status !== status) return false;
      if (q.shareType && e.share.type !== q.shareType) return false;
      if (q.catalogueClass && e.catalogueClass !== q.catalogueClass) return false;
      if (q.providerCode && e.providerCode !== q.providerCode) return false;
      if (!terms.length) return true;
      const hay = [
        e.name,
        e.summary,
        e.provider,
        e.providerCode,
        e.resourceCode,
        e.serviceId,
        ...e.classification.labels,
        ...e.items.flatMap((i) => [i.name, i.code]),
      ]
        .join("\u0001")
        .toLowerCase();
      return terms.every((t) => hay.includes(t));
    });
    return paginate(hits, q.page, q.pageSize);
  }

  list(q: Omit<SearchQuery, "keyword"> = {}): Promise<Page<CatalogueEntry>> {
    return this.search(q);
  }

  /** Whether the actor may manage (withdraw, hook, review applications of) an entry. */
  isProvider(actor: Actor, entry: CatalogueEntry): boolean {
    if (actor.kind === "admin") return true;
    if (entry.ownerPaasid !== undefined) return entry.ownerPaasid === actor.paasid;
    const t = this.directory.tenant(actor.paasid);
    return !!t?.orgCode && t.orgCode === entry.providerCode;
  }

  /** Mutating a seeded entry changes it for every tenant, so only admins and owners may. */
  private requireOwner(actor: Actor, entry: CatalogueEntry): void {
    if (actor.kind === "admin" || (entry.ownerPaasid !== undefined && entry.ownerPaasid === actor.paasid)) return;
    throw new DatashareError("notProvider", {
      zh: `资源 ${entry.resourceCode} 不是本应用编制的`,
      en: `resource ${entry.resourceCode} was not compiled by this application`,
    });
  }

  /** A department compiles (编制) a new entry; it is published at once and gets its serviceId. */
  async compile(actor: Actor, input: CompileInput, now: number): Promise<CatalogueEntry> {
    const owner = actor.kind === "tenant" ? this.directory.tenant(actor.paasid) : undefined;
    const providerCode = input.providerCode ?? owner?.orgCode ?? "";
    const diags = validateCompileInput(input, providerCode);
    if (diags.length)
      throw new DatashareError(
        "entryInvalid",
        { zh: `${diags.length} 处错误`, en: `${diags.length} problem(s)` },
        diags,
      );
    if (actor.kind === "tenant" && owner?.orgCode && input.providerCode && input.providerCode !== owner.orgCode)
      throw new DatashareError("notProvider", {
        zh: "提供方代码必须是本应用所属单位的统一社会信用代码",
        en: "providerCode must be the USCC of the organisation this application belongs to",
      });
    const c = input.classification;
    const classCode = c.class + c.item + c.category + (c.subcategory ?? "");
    let resourceCode = input.resourceCode;
    if (resourceCode === undefined) {
      const taken = new Set((await this.all()).map((e) => e.resourceCode));
      for (let seq = 1; ; seq++) {
        resourceCode = `${classCode}/${String(seq).padStart(6, "0")}`;
        if (!taken.has(resourceCode)) break;
      }
    } else if (await this.get(resourceCode)) {
      throw new DatashareError("codeTaken", {
        zh: `信息资源代码 ${resourceCode} 已存在`,
        en: `resource code ${resourceCode} exists`,
      });
    } else if (!resourceCode.startsWith(classCode + "/")) {
      throw new DatashareError(
        "entryInvalid",
        { zh: "资源代码与分类不符", en: "resource code does not match the classification" },
        [
          diag(
            "/resourceCode",
            "classification-prefix",
            resourceCode,
            `信息资源代码应以分类码 ${classCode}/ 开头 / must start with the classification code ${classCode}/`,
            `如 ${classCode}/000001 / e.g. ${classCode}/000001`,
          ),
        ],
      );
    }
    let serviceId = serviceIdFor(resourceCode);
    for (let salt = 1; this.seededBySid.has(serviceId) || (await this.store.get(K_SID, serviceId)); salt++)
      serviceId = serviceIdFor(resourceCode, salt);
    const entry: CatalogueEntry = {
      resourceCode,
      catalogueClass: c.class === "1" ? "基础" : c.class === "2" ? "主题" : "部门",
      classification: c,
      name: input.name,
      provider: input.provider ?? owner?.paasid ?? providerCode,
      providerCode,
      summary: input.summary,
      format: input.format ?? "数据库/接口",
      items: input.items.map((i) => ({ ...i })),
      keyItems: input.keyItems ?? [],
      share: input.share,
      open: input.open ?? { open: false },
      updateCycle: input.updateCycle,
      publishDate: input.publishDate ?? new Date(now + 8 * 3600_000).toISOString().slice(0, 10),
      relatedCodes: input.relatedCodes ?? [],
      status: "published",
      serviceId,
      ...(actor.kind === "tenant" ? { ownerPaasid: actor.paasid } : {}),
      source: { kind: "none" },
    };
    await this.save(entry);
    await this.store.put(K_SID, serviceId, resourceCode);
    this.compiledSids.add(serviceId);
    return entry;
  }

  private save(entry: CatalogueEntry): Promise<void> {
    this.stored.add(entry.resourceCode);
    return this.store.put(K_ENTRY, entry.resourceCode, entry, {
      index: { owner: entry.ownerPaasid ?? "", sid: entry.serviceId },
    });
  }

  async withdraw(actor: Actor, resourceCode: string, reason: string, now: number): Promise<CatalogueEntry> {
    const e = await this.require({ resourceCode });
    this.requireOwner(actor, e);
    const next: CatalogueEntry = { ...e, status: "withdrawn", withdrawnAt: now, withdrawReason: reason };
    await this.save(next);
    return next;
  }

  async republish(actor: Actor, resourceCode: string): Promise<CatalogueEntry> {
    const e = await this.require({ resourceCode });
    this.requireOwner(actor, e);
    const { withdrawnAt: _a, withdrawReason: _b, ...rest } = e;
    const next: CatalogueEntry = { ...rest, status: "published" };
    await this.save(next);
    return next;
  }

  /** 编目挂接 by uploaded rows: every row checked against the items; all-or-nothing, with row/column errors. */
  async hookRows(
    actor: Actor,
    resourceCode: string,
    input: HookRowsInput,
    now: number,
  ): Promise<{ entry: CatalogueEntry; rowCount: number }> {
    const e = await this.require({ resourceCode });
    this.requireOwner(actor, e);
    const { rows, diagnostics } = input.csv !== undefined ? readCsvRows(e, input.csv) : readJsonRows(e, input.rows);
    if (diagnostics.length) {
      const shown = diagnostics.slice(0, MAX_ROW_ERRORS);
      const more = diagnostics.length - shown.length;
      throw new DatashareError(
        "rowsInvalid",
        {
          zh: `${diagnostics.length} 处错误${more ? `（仅列出前 ${MAX_ROW_ERRORS} 处）` : ""}`,
          en: `${diagnostics.length} problem(s)${more ? ` (first ${MAX_ROW_ERRORS} listed)` : ""}`,
        },
        shown,
      );
    }
    await this.store.put(K_ROWS, resourceCode, rows);
    const entry: CatalogueEntry = { ...e, source: { kind: "rows", rowCount: rows.length, hookedAt: now } };
    await this.save(entry);
    return { entry, rowCount: rows.length };
  }

  /** 编目挂接 by the provider's own interface: gatesim will call it for every query. */
  async hookUrl(
    actor: Actor,
    resourceCode: string,
    url: string,
    now: number,
    timeoutMs?: number,
  ): Promise<CatalogueEntry> {
    const e = await this.require({ resourceCode });
    this.requireOwner(actor, e);
    const bad = this.outbound.refusal(url);
    if (bad)
      throw new DatashareError("entryInvalid", { zh: "提供方接口地址不可用", en: "provider URL not usable" }, [
        diag("/url", "url", withoutUrlPassword(url), bad.message, bad.hint),
      ]);
    if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000))
      throw new DatashareError("entryInvalid", { zh: "超时应为 1–60000 毫秒", en: "timeout must be 1–60000 ms" });
    const entry: CatalogueEntry = {
      ...e,
      source: { kind: "url", url, hookedAt: now, ...(timeoutMs ? { timeoutMs } : {}) },
    };
    await this.save(entry);
    return entry;
  }

  /** Rows hooked to a resource (uploaded or seeded). */
  async rowsOf(resourceCode: string): Promise<readonly Row[]> {
    return (await this.store.get<Row[]>(K_ROWS, resourceCode)) ?? SEEDED_ROWS[resourceCode] ?? [];
  }

  /** Forget the entries a tenant compiled (tenant reset). */
  async forgetOwner(paasid: string): Promise<number> {
    const owned = await this.store.list<CatalogueEntry>(K_ENTRY, { index: "owner", value: paasid });
    for (const e of owned) {
      await this.store.delete(K_ENTRY, e.resourceCode);
      await this.store.delete(K_ROWS, e.resourceCode);
      await this.store.delete(K_SID, e.serviceId);
      this.compiledSids.delete(e.serviceId);
    }
    return owned.length;
  }
}

export function paginate<T>(all: T[], page = 1, pageSize = 20): Page<T> {
  const p = Math.max(1, Math.floor(page) || 1);
  const s = Math.min(100, Math.max(1, Math.floor(pageSize) || 20));
  return { total: all.length, page: p, pageSize: s, items: all.slice((p - 1) * s, p * s) };
}

function validateCompileInput(input: CompileInput, providerCode: string): Diagnostic[] {
  const d: Diagnostic[] = [];
  const need = (ok: boolean, location: string, rule: string, seen: unknown, message: string, hint: string) => {
    if (!ok) d.push(diag(location, rule, seen, message, hint));
  };
  const c = input.classification ?? ({} as Classification);
  need(
    ["1", "2", "3"].includes(c.class),
    "/classification/class",
    "class",
    c.class,
    "“类”应为1位：1 基础、2 主题、3 部门 / class must be 1 digit: 1 base, 2 thematic, 3 departmental",
    "如 3 / e.g. 3",
  );
  need(
    /^\d{2}$/.test(c.item ?? ""),
    "/classification/item",
    "item",
    c.item,
    "“项”应为2位数字 / item must be 2 digits",
    "如 05 / e.g. 05",
  );
  need(
    /^\d{3}$/.test(c.category ?? ""),
    "/classification/category",
    "category",
    c.category,
    "“目”应为3位数字 / category must be 3 digits",
    "如 001 / e.g. 001",
  );
  need(
    c.subcategory === undefined || /^\d{1,6}$/.test(c.subcategory),
    "/classification/subcategory",
    "subcategory",
    c.subcategory,
    "“细目”应为数字 / subcategory must be digits",
    "可省略 / may be omitted",
  );
  need(
    Array.isArray(c.labels),
    "/classification/labels",
    "labels",
    c.labels,
    "应给出分类名称列表 / labels must be a list",
    '如 ["部门信息资源","汕头市某局","业务"] / e.g. ["部门信息资源", …]',
  );
  need(
    typeof input.name === "string" && input.name.length > 0 && input.name.length <= 100,
    "/name",
    "name",
    input.name,
    "信息资源名称必填，最长100字 / name is required, at most 100 characters",
    "如 “食品经营许可证信息” / e.g. 食品经营许可证信息",
  );
  need(
    typeof input.summary === "string" && input.summary.length > 0,
    "/summary",
    "summary",
    input.summary,
    "信息资源摘要必填 / summary is required",
    "简述资源内容 / describe the resource",
  );
  need(
    !checkUscc(providerCode),
    "/providerCode",
    "gb32100-uscc",
    providerCode,
    `信息资源提供方代码应为统一社会信用代码：${checkUscc(providerCode) ?? ""} / providerCode must be a USCC`,
    "填写本单位统一社会信用代码 / give your organisation's USCC",
  );
  need(
    UPDATE_CYCLES.includes(input.updateCycle),
    "/updateCycle",
    "update-cycle",
    input.updateCycle,
    `更新周期应为 ${UPDATE_CYCLES.join("/")} 之一 / updateCycle must be one of the listed values`,
    "如 每日 / e.g. 每日",
  );
  const items = Array.isArray(input.items) ? input.items : [];
  need(
    items.length > 0,
    "/items",
    "items",
    input.items,
    "至少需要一个信息项 / at least one information item is required",
    "列出信息项名称、代码、数据类型和长度 / list the items",
  );
  const codes = new Set<string>();
  items.forEach((it, i) => {
    const at = `/items/${i}`;
    need(
      /^[A-Z][A-Z0-9_]{0,29}$/.test(it?.code ?? ""),
      `${at}/code`,
      "item-code",
      it?.code,
      "信息项代码应为大写拼音首字母，如 XM、SFZH / item code must be upper-case pinyin initials, e.g. XM, SFZH",
      "只用大写字母、数字和下划线 / use A-Z, 0-9, _",
    );
    need(
      !codes.has(it?.code),
      `${at}/code`,
      "unique",
      it?.code,
      "信息项代码重复 / duplicate item code",
      "每个信息项代码唯一 / item codes must be unique",
    );
    codes.add(it?.code);
    need(
      typeof it?.name === "string" && it.name.length > 0,
      `${at}/name`,
      "item-name",
      it?.name,
      "信息项名称必填 / item name is required",
      "如 姓名 / e.g. 姓名",
    );
    need(
      (DATA_TYPES as readonly string[]).includes(it?.type),
      `${at}/type`,
      "data-type",
      it?.type,
      `数据类型应为 ${DATA_TYPES.join("/")} 之一 / type must be one of ${DATA_TYPES.join("/")}`,
      "如 C 字符型 / e.g. C for character",
    );
    need(
      Number.isInteger(it?.length) && it.length >= 0,
      `${at}/length`,
      "length",
      it?.length,
      "数据长度应为非负整数（字节） / length must be a non-negative integer (bytes)",
      "0 表示不限 / 0 means unbounded",
    );
  });
  (input.keyItems ?? []).forEach((k, i) =>
    need(
      codes.has(k),
      `/keyItems/${i}`,
      "key-item",
      k,
      "查询条件项必须是本资源的信息项 / key items must be items of this resource",
      `可用 / available: ${[...codes].join(", ")}`,
    ),
  );
  const s = input.share ?? ({} as ShareAttributes);
  need(
    SHARE_TYPES.includes(s.type),
    "/share/type",
    "share-type",
    s.type,
    "共享类型应为 无条件共享/有条件共享/不予共享 / share type must be 无条件共享, 有条件共享 or 不予共享",
    "如 有条件共享 / e.g. 有条件共享",
  );
  need(
    s.type !== "有条件共享" || !!s.conditions,
    "/share/conditions",
    "conditions-required",
    s.conditions,
    "有条件共享必须填写共享条件 / conditional sharing requires conditions",
    "写明使用条件 / state the conditions",
  );
  need(
    s.type !== "不予共享" || !!s.legalBasis,
    "/share/legalBasis",
    "legal-basis-required",
    s.legalBasis,
    "不予共享必须给出法律依据 / not-shared requires a legal basis",
    "引用法律法规条款 / cite the law",
  );
  need(
    typeof s.method === "string" && s.method.length > 0,
    "/share/method",
    "method",
    s.method,
    "共享方式必填 / share method is required",
    "如 共享平台/接口 / e.g. 共享平台/接口",
  );
  need(
    input.publishDate === undefined || /^\d{4}-\d{2}-\d{2}$/.test(input.publishDate),
    "/publishDate",
    "date",
    input.publishDate,
    "发布日期格式 YYYY-MM-DD / publishDate must be YYYY-MM-DD",
    "可省略，默认今天 / may be omitted (today)",
  );
  return d;
}

function rowProblems(entry: CatalogueEntry, row: Record<string, unknown>, at: string, label: string): Diagnostic[] {
  const d: Diagnostic[] = [];
  const byCode = new Map(entry.items.map((i) => [i.code, i]));
  for (const [k, v] of Object.entries(row)) {
    const item = byCode.get(k);
    if (!item) {
      d.push(
        diag(
          `${at}/${k}`,
          "unknown-item",
          k,
          `${label}：列 ${k} 不是目录信息项 / ${label}: column ${k} is not a catalogue item`,
          `可用 / available: ${[...byCode.keys()].join(", ")}`,
        ),
      );
      continue;
    }
    const p = checkItemValue(item, v);
    if (p) d.push(diag(`${at}/${k}`, p.rule, v, `${label}：${p.zh} / ${label}: ${p.en}`, p.hint));
  }
  return d;
}

function readJsonRows(entry: CatalogueEntry, rows: unknown): { rows: Row[]; diagnostics: Diagnostic[] } {
  if (!Array.isArray(rows))
    return {
      rows: [],
      diagnostics: [
        diag(
          "/rows",
          "array",
          typeof rows,
          "上传数据应为 JSON 数组 / rows must be a JSON array",
          "每行一个以信息项代码为键的对象 / one object per row keyed by item code",
        ),
      ],
    };
  const d: Diagnostic[] = [];
  rows.forEach((r, i) => {
    if (!r || typeof r !== "object" || Array.isArray(r))
      d.push(
        diag(
          `/rows/${i}`,
          "object",
          r,
          `第 ${i + 1} 行应为对象 / row ${i + 1} must be an object`,
          "以信息项代码为键 / keyed by item code",
        ),
      );
    else d.push(...rowProblems(entry, r as Record<string, unknown>, `/rows/${i}`, `第 ${i + 1} 行 row ${i + 1}`));
  });
  return { rows: d.length ? [] : (rows as Row[]), diagnostics: d };
}

function readCsvRows(entry: CatalogueEntry, csv: string): { rows: Row[]; diagnostics: Diagnostic[] } {
  const parsed = parseCsv(csv);
  const d: Diagnostic[] = parsed.errors.map((e) =>
    diag(
      `/csv/${e.line}`,
      "csv-syntax",
      undefined,
      `第 ${e.line} 行：${e.zh} / line ${e.line}: ${e.en}`,
      "按 RFC 4180 书写 CSV / write RFC 4180 CSV",
    ),
  );
  const [header, ...body] = parsed.rows;
  if (!header)
    return {
      rows: [],
      diagnostics: [
        ...d,
        diag(
          "/csv",
          "header",
          undefined,
          "CSV 缺少表头 / CSV has no header row",
          "第一行列出信息项代码 / list item codes on the first line",
        ),
      ],
    };
  const items = header.map((h) => entry.items.find((i) => i.code === h.trim() || i.name === h.trim()));
  header.forEach((h, c) => {
    if (!items[c])
      d.push(
        diag(
          `/csv/1/${c}`,
          "unknown-item",
          h,
          `表头第 ${c + 1} 列 “${h}” 不是目录信息项 / header column ${c + 1} "${h}" is not a catalogue item`,
          `可用 / available: ${entry.items.map((i) => i.code).join(", ")}`,
        ),
      );
  });
  const rows: Row[] = [];
  body.forEach((cells, r) => {
    const line = r + 2;
    if (cells.length !== header.length)
      d.push(
        diag(
          `/csv/${line}`,
          "column-count",
          cells.length,
          `第 ${line} 行有 ${cells.length} 列，表头有 ${header.length} 列 / line ${line} has ${cells.length} columns, the header ${header.length}`,
          "检查逗号和引号 / check commas and quotes",
        ),
      );
    const row: Row = {};
    cells.forEach((text, c) => {
      const item = items[c];
      if (!item) return;
      const v = coerceText(item, text);
      if (v === undefined) {
        d.push(
          diag(
            `/csv/${line}/${item.code}`,
            `type:${item.type}`,
            text,
            `第 ${line} 行 ${item.code}（${item.name}）不能解析为目录类型 ${item.type} / line ${line}: ${item.code} cannot be read as type ${item.type}`,
            "按目录信息项类型填写 / follow the item's type",
          ),
        );
        return;
      }
      const p = checkItemValue(item, v);
      if (p)
        d.push(
          diag(`/csv/${line}/${item.code}`, p.rule, text, `第 ${line} 行：${p.zh} / line ${line}: ${p.en}`, p.hint),
        );
      row[item.code] = v as Row[string];
    });
    rows.push(row);
  });
  return { rows: d.length ? [] : rows, diagnostics: d };
}
