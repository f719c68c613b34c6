// The data-sharing error catalogue: errcodes of facts §8.5, gateway codes of §8.1, and [SIM] management-API codes.
import { defineCatalogue, problemOf, type ErrorEntry } from "../shared/error-catalogue.js";
import { ProblemError } from "../shared/problem.js";
import type { Diagnostic } from "../shared/types.js";

export type ErrorDef = ErrorEntry<number>;

export const DATASHARE_ERRORS = defineCatalogue({
  ok: { code: 0, status: 200, zh: "成功", en: "OK" },
  // §8.5 [SIM]
  auditInvalid: { code: 1001, status: 400, zh: "审计信息缺失或无效", en: "audit_info missing or invalid" },
  queryInvalid: { code: 1002, status: 400, zh: "查询条件无效", en: "query condition invalid" },
  noGrant: {
    code: 1003,
    status: 403,
    zh: "未获得该资源的共享授权",
    en: "no grant for this resource",
    hint: "先申请并获批该资源 / apply for the resource and get approved first",
  },
  quotaExhausted: { code: 1004, status: 429, zh: "授权调用次数已用完", en: "grant quota exhausted" },
  resourceWithdrawn: {
    code: 1005,
    status: 410,
    zh: "资源已撤销",
    en: "resource withdrawn",
    hint: "资源已撤销，不能再申请或查询 / the resource is withdrawn",
  },
  // gateway codes (§8.1) raised when calling a department provider
  providerDown: { code: 50201, status: 502, zh: "上游服务不可用", en: "upstream platform unavailable" },
  providerTimeout: { code: 50401, status: 504, zh: "上游服务超时", en: "upstream timeout" },
  // management API, simulator-defined [SIM]
  resourceNotFound: {
    code: 1101,
    status: 404,
    zh: "目录中没有该资源",
    en: "no such resource in the catalogue",
    hint: "用 GET /ebus/datashare/v1/catalogue 查找资源代码或 serviceId / find the resource code or serviceId with GET /ebus/datashare/v1/catalogue",
  },
  applicationInvalid: { code: 1102, status: 400, zh: "共享申请无效", en: "sharing application invalid" },
  notProvider: {
    code: 1103,
    status: 403,
    zh: "只有资源提供方或管理员可以执行此操作",
    en: "only the resource's provider or an admin may do this",
    hint: "由资源提供方（编制该目录的应用或其所属单位的应用）操作 / the resource's provider must do this",
  },
  notPending: {
    code: 1104,
    status: 409,
    zh: "申请不在待审核状态",
    en: "application is not pending",
    hint: "只有待审核的申请可以批准或驳回 / only pending applications can be decided",
  },
  entryInvalid: { code: 1105, status: 400, zh: "目录信息无效", en: "catalogue entry invalid" },
  codeTaken: { code: 1106, status: 409, zh: "信息资源代码已被使用", en: "resource code already in use" },
  rowsInvalid: {
    code: 1107,
    status: 422,
    zh: "挂接数据不符合目录信息项",
    en: "hooked rows do not match the catalogue items",
  },
  licenceRecordInvalid: { code: 1108, status: 400, zh: "证照目录信息无效", en: "licence catalogue record invalid" },
  subscriptionInvalid: { code: 1109, status: 400, zh: "订阅无效", en: "subscription invalid" },
  notFound: { code: 1110, status: 404, zh: "记录不存在", en: "record not found" },
});

export type DatashareErrorName = keyof typeof DATASHARE_ERRORS;

/** A refusal of a management operation; the gateway renders `problem` in the platform envelope (a ProblemError). */
export class DatashareError extends ProblemError {
  constructor(
    readonly kind: DatashareErrorName,
    detail?: { zh: string; en: string },
    diagnostics?: Diagnostic[],
  ) {
    super(problemOf(DATASHARE_ERRORS[kind], detail, diagnostics));
    this.name = "DatashareError";
  }
  get code(): number {
    return this.problem.code as number;
  }
}

/** Shorthand for one diagnostic. */
export function diag(location: string, rule: string, seen: unknown, message: string, hint: string): Diagnostic {
  return seen === undefined ? { location, rule, message, hint } : { location, rule, seen, message, hint };
}
