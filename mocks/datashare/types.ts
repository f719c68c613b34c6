// Domain types of the data-sharing platform (facts §4.6, §5.1, §5.3, §5.4, §8.5).
import type { Clock } from "../shared/clock.js";
import type { Diagnostic } from "../shared/types.js";
import type { Store } from "../shared/store.js";

/** 信息项数据类型 (facts §5.1): 字符型C 数值型N 货币型Y 日期型D 日期时间型T 逻辑型L 备注型M 通用型G 双精度型B 整型I 浮点型F. */
export type ItemDataType = "C" | "N" | "Y" | "D" | "T" | "L" | "M" | "G" | "B" | "I" | "F";

/** Semantic formats checked beyond the data type (names as registered with Ajv, contracts/CONVENTIONS.md). */
export type ItemFormat = "gb11643-id" | "gb32100-uscc" | "subject-code" | "gb2260-division" | "parcel-code";

/** 信息项 (information item) of a resource. */
export interface InfoItem {
  /** 信息项名称, e.g. 姓名. */
  name: string;
  /** Field code in upper-case pinyin initials as used on the wire (facts §5.2), e.g. XM, SFZH, CSRQ. */
  code: string;
  type: ItemDataType;
  /** 数据长度 in bytes (GBK counting: ASCII 1, other characters 2); 0 = unbounded. */
  length: number;
  /** Personal or otherwise sensitive: masked by default in grants (§8.5 masking). */
  sensitive?: boolean;
  format?: ItemFormat;
}

/** 共享类型 (facts §5.1). */
export type ShareType = "无条件共享" | "有条件共享" | "不予共享";

/** 资源属性分类: 基础 / 主题 / 部门 (facts §5.1); its 类 code is 1 / 2 / 3 in that order [I]. */
export type CatalogueClass = "基础" | "主题" | "部门";

/** 信息资源分类 类/项/目/细目 (facts §5.1): 1, 2, 3 digits and a variable-length 细目. */
export interface Classification {
  class: "1" | "2" | "3";
  item: string;
  category: string;
  subcategory?: string;
  /** Human labels of the levels, e.g. ["基础信息资源", "人口", "居民身份"]. */
  labels: string[];
}

export type LibraryName =
  | "population.person"
  | "population.household"
  | "legal.entity"
  | "spatial.parcel"
  | "credit.penalties"
  | "credit.licences"
  | "credit.redblack"
  | "dept.pension"
  | "dept.food-licence";

/** Where a resource's rows come from: a base library, rows uploaded by the provider (编目挂接), or the provider's URL. */
export type DataSource =
  | { kind: "library"; library: LibraryName }
  | { kind: "rows"; rowCount: number; hookedAt: number }
  | { kind: "url"; url: string; timeoutMs?: number; hookedAt: number }
  | { kind: "none" };

export type ResourceStatus = "published" | "withdrawn";

export interface ShareAttributes {
  type: ShareType;
  /** 共享条件 — required for 有条件共享. */
  conditions?: string;
  /** 共享方式, e.g. 共享平台/接口. */
  method: string;
  /** Legal basis for 不予共享 (facts §5.1 [R]). */
  legalBasis?: string;
}

export interface OpenAttributes {
  /** 是否向社会开放 */
  open: boolean;
  /** 开放类型 when open. */
  type?: "无条件开放" | "有条件开放";
}

export type UpdateCycle = "实时" | "每日" | "每周" | "每旬" | "每月" | "每季度" | "每半年" | "每年" | "不定期";

/** One catalogue resource with the core metadata of the 2017 guide (facts §5.1). */
export interface CatalogueEntry {
  /** 信息资源代码 = classification code + "/" + sequence code. */
  resourceCode: string;
  catalogueClass: CatalogueClass;
  classification: Classification;
  name: string;
  provider: string;
  /** 信息资源提供方代码: the provider's USCC. */
  providerCode: string;
  summary: string;
  /** 信息资源格式, e.g. 数据库/接口, 电子表格. */
  format: string;
  items: InfoItem[];
  /** Items a query must carry (e.g. SFZH for the person query); empty = any condition or none. */
  keyItems: string[];
  share: ShareAttributes;
  open: OpenAttributes;
  updateCycle: UpdateCycle;
  /** YYYY-MM-DD */
  publishDate: string;
  relatedCodes: string[];
  status: ResourceStatus;
  withdrawnAt?: number;
  withdrawReason?: string;
  /** GatewayMsg serviceId: "C" + 13 digits, derived from the resource code (facts §8.5). */
  serviceId: string;
  /** The tenant that compiled this entry; undefined for seeded entries. */
  ownerPaasid?: string;
  source: DataSource;
}

export type ApplicationStatus = "pending" | "approved" | "denied" | "refused";

/** A consumer's application for a resource's fields (facts §5.3, §8.5). */
export interface Application {
  id: string;
  consumerPaasid: string;
  resourceCode: string;
  serviceId: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  /** 事项编码 of the service item the data is needed for. */
  itemCode: string;
  shareType: ShareType;
  status: ApplicationStatus;
  createdAt: number;
  decidedAt?: number;
  decidedBy?: string;
  /** Reviewer's comment, or the legal basis of a 不予共享 refusal. */
  reason?: string;
  grantId?: string;
}

export type GrantStatus = "active" | "withdrawn";

/** A consumer's right to call one serviceId (facts §5.3 [I] model shape). */
export interface Grant {
  id: string;
  paasid: string;
  serviceId: string;
  resourceCode: string;
  applicationId: string;
  /** Purpose and 事项编码 from the application, recorded with every call. */
  purpose: string;
  itemCode: string;
  allowedFields: string[];
  maskedFields: string[];
  /** Maximum number of successful calls. */
  quota: number;
  /** ms since the epoch on the consumer's clock. */
  validUntil: number;
  status: GrantStatus;
  createdAt: number;
  withdrawnAt?: number;
  withdrawnBy?: string;
}

/** One call in the append-only audit log (facts §5.4, §8.5). */
export interface AuditEntry {
  seq: number;
  id: string;
  time: number;
  consumerPaasid: string;
  provider: string;
  providerCode: string;
  ownerPaasid?: string;
  serviceId: string;
  resourceCode: string;
  resourceName: string;
  auditInfo: unknown;
  purpose?: string;
  itemCode?: string;
  fieldsReturned: string[];
  rowCount: number;
  errcode: number;
  reason?: string;
  requestHash: string;
  latencyMs: number;
  traceId?: string;
  /** Contract violations found in a provider's answer (URL-hooked resources). */
  providerViolations?: number;
}

/** A tenant as the data-sharing domain needs to see it. */
export interface DatashareTenant {
  paasid: string;
  /** The organisation (USCC) the tenant acts for: matched against catalogue provider codes for approvals. */
  orgCode?: string;
  store: Store;
  clock: Clock;
}

/** Access to tenants' stores: a provider's approval writes into the consumer's namespace. */
export interface TenantDirectory {
  /** Platform-level state shared by all tenants (catalogue, review queue, audit log). */
  platform: Store;
  /** True once `platform` is the configured (JSON-keeping, maybe durable) store: sequences come from its counters. */
  durable?: boolean;
  /** The platform's clock, for admin actions that belong to no tenant. */
  clock: Clock;
  tenant(paasid: string): DatashareTenant | undefined;
}

/** Who acts on the management API. */
export type Actor = { kind: "tenant"; paasid: string } | { kind: "admin" };

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

export type { Diagnostic };

// ------------------------------------------------------------------ the HTTP API's operation table
import type { components, operations } from "../../contracts/types/datashare.js";
import type { OperationHandlers } from "../shared/operations.js";
import type { Datashare } from "./datashare.js";
import type { GatewayTenantDirectory } from "./gateway-directory.js";
import type { ProviderViolationLog } from "./provider-violations.js";
import type { WebhookScheduler } from "./webhook-scheduler.js";

/** operationId → request and answers, read from contracts/types/datashare.d.ts (generated from the contract). */
export type DatashareOperations = operations;
export type DatashareSchemas = components["schemas"];

/** What every data-sharing handler gets besides the request: the domain, the tenants, webhooks, violation log. */
export interface DatashareDeps {
  ds: Datashare;
  directory: GatewayTenantDirectory;
  webhooks: WebhookScheduler;
  violations: ProviderViolationLog;
}

export type DatashareHandlers = OperationHandlers<DatashareOperations, DatashareDeps>;
