// The gateway's error catalogue (facts §8.1, a simulator choice) plus gatesim's documented extensions.
// HTTP status = the first three digits of errcode. One entry per code; test/platform-catalogues.test.ts keeps it in
// step with the README's table.
import { defineCatalogue, entryByCode, gatewayCoded, type ErrorEntry } from "../shared/error-catalogue.js";
import type { Problem } from "../shared/types.js";

export type CatalogueEntry = ErrorEntry<number>;

export const GATEWAY_ERRORS = defineCatalogue({
  // facts §8.1
  headerMissing: gatewayCoded(40001, "x-tif 请求头缺失或重复", "an x-tif header is missing or duplicated"),
  timestampInvalid: gatewayCoded(40002, "时间戳格式错误或超出 ±180 秒", "timestamp malformed or outside ±180 s"),
  nonceReused: gatewayCoded(40003, "nonce 在 600 秒内重复使用", "nonce reused within 600 s"),
  signatureMismatch: gatewayCoded(40004, "签名不匹配", "signature mismatch"),
  unknownPaasid: gatewayCoded(40101, "未知的 paasid", "unknown paasid"),
  serviceNotGranted: gatewayCoded(40301, "该 paasid 未获授权调用此 serviceId", "serviceId not granted to this paasid"),
  ipNotAllowed: gatewayCoded(40302, "调用方 IP 不在白名单内", "caller IP not in the allow-list"),
  rateLimited: gatewayCoded(42901, "超过调用频率限制", "rate limit exceeded"),
  upstreamUnavailable: gatewayCoded(50201, "上游平台不可用", "upstream platform unavailable"),
  upstreamTimeout: gatewayCoded(50401, "上游平台超时", "upstream timeout"),
  // gatesim extensions (no public table exists; same envelope and status rule)
  contractViolation: gatewayCoded(40005, "请求不符合接口契约", "request does not match the contract"),
  badBody: gatewayCoded(40006, "请求体无法解析", "request body cannot be parsed"),
  malformedHttp: gatewayCoded(40007, "HTTP 请求格式错误", "malformed HTTP request"),
  tokenInvalid: gatewayCoded(40102, "访问令牌缺失或无效", "access token missing or invalid"),
  adminTokenInvalid: gatewayCoded(40103, "管理令牌缺失或无效", "control-plane token missing or invalid"),
  adminForbidden: gatewayCoded(40303, "该令牌无权操作此租户", "this token may not act on this tenant"),
  notFound: gatewayCoded(40401, "没有匹配的接口", "no operation matches this path"),
  unknownService: gatewayCoded(40402, "未知的 serviceId", "unknown serviceId"),
  resourceNotFound: gatewayCoded(40403, "资源不存在", "resource not found"),
  methodNotAllowed: gatewayCoded(40501, "该路径不支持此方法", "method not allowed on this path"),
  notAcceptable: gatewayCoded(40601, "没有符合 Accept 的应答类型", "no answer media type matches Accept"),
  requestTimeout: gatewayCoded(40801, "请求未在时限内发送完毕", "the request was not received in time"),
  conflict: gatewayCoded(40901, "资源已存在", "resource already exists"),
  bodyTooLarge: gatewayCoded(41301, "请求体过大", "request body too large"),
  unsupportedMediaType: gatewayCoded(41501, "不支持的 Content-Type", "unsupported Content-Type"),
  headersTooLarge: gatewayCoded(43101, "请求行与请求头过大", "request line and headers too large"),
  contractBroken: gatewayCoded(
    50001,
    "模拟平台的应答不符合自身契约（gatesim 缺陷）",
    "the simulated platform answered outside its own contract (a gatesim bug)",
  ),
});

export type GatewayErrorName = keyof typeof GATEWAY_ERRORS;

export function gatewayErrorByCode(code: number): CatalogueEntry | undefined {
  return entryByCode(GATEWAY_ERRORS, code);
}

/** `{errcode, errmsg, data}` with the zh-CN message first and English after " / ". */
export function gatewayEnvelope(problem: Problem, opts: { traceId: string }): Record<string, unknown> {
  return {
    errcode: Number(problem.code),
    errmsg: `${problem.zh} / ${problem.en}`,
    data: null,
    _diagnostics: problem.diagnostics ?? [],
    _trace_id: opts.traceId,
  };
}
