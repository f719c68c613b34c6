// Checks the caller and audit_info fields of a §5.2 GatewayMsg body (mandatory per facts §5.4, §8.5) → errcode 1001.
import { isIP } from "node:net";
import { checkIdNumber, checkOrgCode, checkUscc, isRealDate } from "../shared/ids.js";
import { diag } from "./errors.js";
import type { Diagnostic } from "./types.js";

/**
 * Codes accepted in audit_info.query_object_id_type and how the id is checked. "01" is the value seen with person ID
 * numbers (facts §5.2 [C]); 10 is ZJLX for 身份证 in Guangdong data (§2.5 [C]); 111/001 are GB/T 36903 holder types
 * (§2.5 [C]); the rest follow GA/T 517 style [R]; 99 other [SIM].
 */
export const QUERY_OBJECT_TYPES: Readonly<Record<string, { zh: string; en: string; format?: "id" | "uscc" | "org" }>> =
  Object.freeze({
    "01": { zh: "居民身份证", en: "resident ID card", format: "id" },
    "10": { zh: "身份证", en: "ID card", format: "id" },
    "111": { zh: "公民身份号码", en: "citizen ID number", format: "id" },
    "001": { zh: "统一社会信用代码", en: "unified social credit code", format: "uscc" },
    "002": { zh: "组织机构代码", en: "organisation code", format: "org" },
    "414": { zh: "普通护照", en: "passport" },
    "511": { zh: "台湾居民来往大陆通行证", en: "Taiwan residents' mainland travel permit" },
    "516": { zh: "港澳居民来往内地通行证", en: "HK/Macao residents' mainland travel permit" },
    "99": { zh: "其他", en: "other" },
  });

const TS_FORMS = "13位毫秒、10位秒、yyyyMMddHHmmss 或 ISO 8601 / 13-digit ms, 10-digit s, yyyyMMddHHmmss or ISO 8601";

const ALL_DIGITS = /^\d+$/;
const WALL_DASHED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A wall-clock time without a zone is China Standard Time (UTC+8); null when it is not a real instant. */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  return isRealDate(y, mo, d) && h < 24 && mi < 60 && s < 60 ? Date.UTC(y, mo - 1, d, h - 8, mi, s) : null;
}

/** Accepts the timestamp shapes seen in clients (facts §5.2: "<string>"); the value must be a real instant. Chosen
 *  by length first: two of these run on every GatewayMsg call. */
export function parseQueryTimestamp(v: string): number | null {
  if (v.length === 13 || v.length === 10 || v.length === 14) {
    if (!ALL_DIGITS.test(v)) return null;
    if (v.length === 13) return +v;
    if (v.length === 10) return +v * 1000;
    return wallClock(
      +v.slice(0, 4),
      +v.slice(4, 6),
      +v.slice(6, 8),
      +v.slice(8, 10),
      +v.slice(10, 12),
      +v.slice(12, 14),
    );
  }
  const m = WALL_DASHED.exec(v);
  if (m) return wallClock(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  if (ISO_ZONED.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

type Obj = Record<string, unknown>;

interface FieldRule {
  required: boolean;
  max: number;
  zh: string;
  hint: string;
}

// Rules are module constants so a valid body costs no string building (hot path: every GatewayMsg call).
const TYPE_LIST = Object.keys(QUERY_OBJECT_TYPES).join(", ");
const TYPE_TABLE = Object.entries(QUERY_OBJECT_TYPES)
  .map(([k, t]) => `${k} ${t.zh}`)
  .join("，");
const USCC_HINT = "18位统一社会信用代码 / an 18-character USCC";
const R = {
  system_id: { required: true, max: 64, zh: "系统标识", hint: "与 x-tif-paasid 相同 / same as x-tif-paasid" },
  vender_id: { required: true, max: 18, zh: "承建商统一社会信用代码", hint: USCC_HINT },
  department_id: { required: true, max: 18, zh: "使用部门统一社会信用代码", hint: USCC_HINT },
  UID: { required: true, max: 64, zh: "操作用户标识", hint: "填写经办人用户标识 / the operator's user id" },
  query_timestamp: { required: true, max: 32, zh: "查询时间", hint: TS_FORMS },
  operator_id: {
    required: true,
    max: 64,
    zh: "经办人标识",
    hint: "经办人在本系统的账号或工号 / the operator's account or staff id",
  },
  operator_name: { required: true, max: 50, zh: "经办人姓名", hint: "经办人真实姓名 / the operator's real name" },
  query_object_id_type: { required: true, max: 8, zh: "查询对象证件类型", hint: `可用 / accepted: ${TYPE_LIST}` },
  query_object_id: {
    required: true,
    max: 64,
    zh: "查询对象证件号码",
    hint: "被查询人的身份证号或单位的统一社会信用代码 / the data subject's ID number or USCC",
  },
  item_id: { required: false, max: 64, zh: "事项标识", hint: "政务服务事项标识 / the service item id" },
  item_code: {
    required: true,
    max: 64,
    zh: "事项编码",
    hint: "政务服务事项编码，如 11440100696927671X3442011817001 / the service item code, e.g. 11440100696927671X3442011817001",
  },
  item_sequence: { required: false, max: 64, zh: "办件流水号", hint: "本次办件的流水号 / the case serial number" },
  terminal_info: {
    required: true,
    max: 64,
    zh: "终端信息",
    hint: "经办终端的 IP 地址，如 10.1.2.3 / the operator terminal's IP address, e.g. 10.1.2.3",
  },
} satisfies Record<string, FieldRule>;

function str(o: Obj, key: string, at: string, d: Diagnostic[], opts: FieldRule): string | undefined {
  const v = o[key];
  if (typeof v === "string" && v !== "" && v.length <= opts.max) return v; // the usual case, no string building
  const loc = `${at}/${key}`;
  if (v === undefined || v === null || v === "") {
    if (opts.required) d.push(diag(loc, "required", v, `缺少 ${key}（${opts.zh}） / ${key} is missing`, opts.hint));
    return undefined;
  }
  if (typeof v !== "string") {
    d.push(diag(loc, "type:string", v, `${key} 应为字符串 / ${key} must be a string`, opts.hint));
    return undefined;
  }
  if (v.length > opts.max) {
    d.push(
      diag(
        loc,
        "maxLength",
        v,
        `${key} 超过 ${opts.max} 个字符 / ${key} is longer than ${opts.max} characters`,
        opts.hint,
      ),
    );
    return undefined;
  }
  return v;
}

/**
 * Diagnostics for the caller fields and audit_info of a GatewayMsg body; [] when all are fine.
 * - body must be a JSON object; system_id must equal the calling paasid (facts §5.2 "same as paasid");
 * - vender_id (承建商) and department_id (使用部门) are GB 32100 codes; UID names the operator; query_timestamp parses;
 * - audit_info is present, with operator_id, operator_name, query_object_id (+ type, format checked by type),
 *   item_code (事项编码; a 31-char 事项实施编码 embeds a checked USCC, §5.2 [I]), terminal_info (client IP) and
 *   query_timestamp; item_id and item_sequence (办件流水号) are optional.
 */
export function checkAuditFields(body: unknown, ctx: { paasid: string; now: number }): Diagnostic[] {
  const d: Diagnostic[] = [];
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    d.push(
      diag(
        "/body",
        "type:object",
        body === null ? null : typeof body,
        "请求体应为 JSON 对象 / the body must be a JSON object",
        "按 GatewayMsg 请求体格式发送 / send the GatewayMsg body (system_id, query, audit_info, …)",
      ),
    );
    return d;
  }
  const b = body as Obj;
  const systemId = str(b, "system_id", "/body", d, R.system_id);
  if (systemId !== undefined && systemId !== ctx.paasid)
    d.push(
      diag(
        "/body/system_id",
        "equals-paasid",
        systemId,
        `system_id 应与 x-tif-paasid 相同 / system_id must equal x-tif-paasid`,
        `填写 ${ctx.paasid} / use ${ctx.paasid}`,
      ),
    );
  for (const key of ["vender_id", "department_id"] as const) {
    const v = str(b, key, "/body", d, R[key]);
    const bad = v !== undefined ? checkUscc(v) : null;
    if (bad)
      d.push(diag(`/body/${key}`, "gb32100-uscc", v, `${key}（${R[key].zh}）无效 / ${key} is not a valid USCC`, bad));
  }
  str(b, "UID", "/body", d, R.UID);
  const qts = str(b, "query_timestamp", "/body", d, R.query_timestamp);
  if (qts !== undefined && parseQueryTimestamp(qts) === null)
    d.push(
      diag(
        "/body/query_timestamp",
        "timestamp",
        qts,
        "query_timestamp 不是有效时间 / query_timestamp is not a valid time",
        TS_FORMS,
      ),
    );

  const ai = b.audit_info;
  if (ai === undefined || ai === null) {
    d.push(
      diag(
        "/body/audit_info",
        "required",
        ai,
        "缺少 audit_info（审计信息必填） / audit_info is missing (mandatory)",
        "提供 operator_id、operator_name、query_object_id、query_object_id_type、item_code、terminal_info、query_timestamp / supply the audit fields",
      ),
    );
    return d;
  }
  if (typeof ai !== "object" || Array.isArray(ai)) {
    d.push(
      diag(
        "/body/audit_info",
        "type:object",
        Array.isArray(ai) ? "array" : typeof ai,
        "audit_info 应为对象 / audit_info must be an object",
        "见 §5.2 的字段 / see the §5.2 fields",
      ),
    );
    return d;
  }
  const a = ai as Obj;
  const at = "/body/audit_info";
  str(a, "operator_id", at, d, R.operator_id);
  str(a, "operator_name", at, d, R.operator_name);
  const type = str(a, "query_object_id_type", at, d, R.query_object_id_type);
  const known = type !== undefined ? QUERY_OBJECT_TYPES[type] : undefined;
  if (type !== undefined && !known)
    d.push(
      diag(
        `${at}/query_object_id_type`,
        "enum",
        type,
        `未知的证件类型代码 ${type} / unknown id type code ${type}`,
        `可用 / accepted: ${TYPE_TABLE}`,
      ),
    );
  const objId = str(a, "query_object_id", at, d, R.query_object_id);
  if (objId !== undefined && known?.format) {
    const bad =
      known.format === "id"
        ? checkIdNumber(objId, ctx.now)
        : known.format === "uscc"
          ? checkUscc(objId)
          : checkOrgCode(objId);
    if (bad)
      d.push(
        diag(
          `${at}/query_object_id`,
          known.format === "id" ? "gb11643-id" : known.format === "uscc" ? "gb32100-uscc" : "gb11714-org",
          objId,
          `query_object_id 不是有效的${known.zh} / query_object_id is not a valid ${known.en}`,
          bad,
        ),
      );
  }
  str(a, "item_id", at, d, R.item_id);
  const itemCode = str(a, "item_code", at, d, R.item_code);
  if (itemCode !== undefined) {
    if (!/^[0-9A-Za-z-]+$/.test(itemCode))
      d.push(
        diag(
          `${at}/item_code`,
          "pattern",
          itemCode,
          "item_code 只能含字母、数字和连字符 / item_code may contain only letters, digits and hyphens",
          "如 11440100696927671X3442011817001 / e.g. 11440100696927671X3442011817001",
        ),
      );
    else if (itemCode.length === 31 && /^[0-9A-HJ-NPQRTUWXY]{18}/.test(itemCode)) {
      const bad = checkUscc(itemCode.slice(0, 18));
      if (bad)
        d.push(
          diag(
            `${at}/item_code`,
            "item-code-uscc",
            itemCode,
            "事项实施编码前18位应为实施主体的统一社会信用代码 / the first 18 characters of an implementation code must be the implementing body's USCC",
            bad,
          ),
        );
    }
  }
  str(a, "item_sequence", at, d, R.item_sequence);
  const term = str(a, "terminal_info", at, d, R.terminal_info);
  if (term !== undefined && !isIP(term))
    d.push(
      diag(
        `${at}/terminal_info`,
        "ip",
        term,
        "terminal_info 应为终端 IP 地址 / terminal_info must be the terminal's IP address",
        "IPv4 或 IPv6，如 10.1.2.3 / IPv4 or IPv6, e.g. 10.1.2.3",
      ),
    );
  const ats = str(a, "query_timestamp", at, d, R.query_timestamp);
  if (ats !== undefined && parseQueryTimestamp(ats) === null)
    d.push(
      diag(
        `${at}/query_timestamp`,
        "timestamp",
        ats,
        "audit_info.query_timestamp 不是有效时间 / audit_info.query_timestamp is not a valid time",
        TS_FORMS,
      ),
    );
  return d;
}
