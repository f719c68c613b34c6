// Licence catalogue submission and the 2-hour delivery rule (facts §4.6, plan 附件2): exactly 2 h is on time.
import type { LicenceCatalogueRecord } from "../shared/licence-catalogue-record.js";
import { checkDivisionCode, checkIdNumber, checkLicenceId, checkUscc } from "../shared/ids.js";
import type { Clock } from "../shared/clock.js";
import type { Store } from "../shared/store.js";
import { parseQueryTimestamp } from "./audit-info.js";
import { DatashareError, diag } from "./errors.js";
import { isDateValue } from "./item-values.js";
import type { Diagnostic } from "./types.js";

const K_LICENCE = "ds.licence-catalogue";

/** Default delivery deadline: 2 hours (facts §4.6 [D]); threshold configurable [I]. */
export const DEFAULT_LICENCE_DEADLINE_SECONDS = 7_200;

export type { LicenceCatalogueRecord } from "../shared/licence-catalogue-record.js";

export interface LicenceSubmissionInput extends LicenceCatalogueRecord {
  /** When the catalogue information was produced (issuance): ms, 10/13-digit epoch, ISO 8601, or CST wall time. */
  produced_at: string | number;
}

export interface LicenceSubmission {
  record: LicenceCatalogueRecord;
  producedAt: number;
  arrivedAt: number;
  delaySeconds: number;
  thresholdSeconds: number;
  late: boolean;
  source: "api" | "elicence";
  submitter: string;
}

const REQUIRED: (keyof LicenceCatalogueRecord)[] = [
  "certificate_area_code",
  "certificate_holder",
  "certificate_holder_code",
  "certificate_holder_type",
  "certificate_name",
  "certificate_number",
  "certificate_source_id",
  "certificate_type",
  "certificate_type_code",
  "issue_date",
  "issue_dept",
  "issue_dept_code",
];

function parseProducedAt(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  return typeof v === "string" ? parseQueryTimestamp(v) : null;
}

/** Diagnostics for one record (`at` is the JSON pointer of the record). */
export function checkLicenceRecord(r: Partial<LicenceSubmissionInput>, at: string, now: number): Diagnostic[] {
  const d: Diagnostic[] = [];
  if (!r || typeof r !== "object")
    return [
      diag(
        at,
        "type:object",
        r,
        "记录应为对象 / the record must be an object",
        "见 certificate_* 字段 / see the certificate_* fields",
      ),
    ];
  for (const k of REQUIRED)
    if (typeof r[k] !== "string" || !(r[k] as string).trim())
      d.push(
        diag(
          `${at}/${k}`,
          "required",
          r[k],
          `缺少 ${k} / ${k} is missing`,
          "证照目录信息各字段均为必填字符串 / every catalogue field is a required string",
        ),
      );
  const bad = (k: keyof LicenceCatalogueRecord, rule: string, verdict: string | null) => {
    if (verdict && typeof r[k] === "string" && r[k])
      d.push(diag(`${at}/${k}`, rule, r[k], `${k} 无效 / ${k} is invalid`, verdict));
  };
  bad(
    "certificate_area_code",
    "gb2260-division",
    typeof r.certificate_area_code === "string" ? checkDivisionCode(r.certificate_area_code) : null,
  );
  bad("issue_dept_code", "gb32100-uscc", typeof r.issue_dept_code === "string" ? checkUscc(r.issue_dept_code) : null);
  if (typeof r.certificate_holder_code === "string") {
    if (r.certificate_holder_type === "111")
      bad("certificate_holder_code", "gb11643-id", checkIdNumber(r.certificate_holder_code, now));
    else if (r.certificate_holder_type === "001")
      bad("certificate_holder_code", "gb32100-uscc", checkUscc(r.certificate_holder_code));
  }
  if (typeof r.certificate_source_id === "string" && r.certificate_source_id.startsWith("1.2.156."))
    bad("certificate_source_id", "gb36904-licence-id", checkLicenceId(r.certificate_source_id));
  if (typeof r.issue_date === "string" && r.issue_date && !isDateValue(r.issue_date))
    d.push(
      diag(`${at}/issue_date`, "date", r.issue_date, "issue_date 应为日期 / issue_date must be a date", "YYYY-MM-DD"),
    );
  const produced = parseProducedAt(r.produced_at);
  if (produced === null)
    d.push(
      diag(
        `${at}/produced_at`,
        "timestamp",
        r.produced_at,
        "缺少或无法识别证照目录信息产生时间 produced_at / produced_at is missing or unreadable",
        "毫秒数、ISO 8601 或 yyyy-MM-dd HH:mm:ss（北京时间） / epoch ms, ISO 8601 or yyyy-MM-dd HH:mm:ss (CST)",
      ),
    );
  else if (produced > now)
    d.push(
      diag(
        `${at}/produced_at`,
        "not-future",
        r.produced_at,
        "produced_at 晚于到达时间 / produced_at is later than the arrival",
        `当前 / now: ${new Date(now).toISOString()}`,
      ),
    );
  return d;
}

export class LicenceCatalogue {
  constructor(private readonly thresholdSeconds = DEFAULT_LICENCE_DEADLINE_SECONDS) {}

  /** A department submits records; all-or-nothing, each accepted record stamped with its arrival and lateness. */
  async submit(
    store: Store,
    clock: Clock,
    submitter: string,
    records: unknown,
    source: LicenceSubmission["source"] = "api",
  ): Promise<LicenceSubmission[]> {
    const now = clock.now();
    if (!Array.isArray(records) || records.length === 0)
      throw new DatashareError("licenceRecordInvalid", { zh: "应提交至少一条记录", en: "submit at least one record" }, [
        diag(
          "/records",
          "array",
          Array.isArray(records) ? 0 : typeof records,
          "records 应为非空数组 / records must be a non-empty array",
          "每条一个证照目录记录 / one licence catalogue record each",
        ),
      ]);
    const d = records.flatMap((r, i) => checkLicenceRecord(r as Partial<LicenceSubmissionInput>, `/records/${i}`, now));
    if (d.length)
      throw new DatashareError("licenceRecordInvalid", { zh: `${d.length} 处错误`, en: `${d.length} problem(s)` }, d);
    const out: LicenceSubmission[] = [];
    for (const r of records as LicenceSubmissionInput[]) {
      const { produced_at, ...record } = r;
      const producedAt = parseProducedAt(produced_at)!;
      const delayMs = now - producedAt;
      const s: LicenceSubmission = {
        record: pick(record),
        producedAt,
        arrivedAt: now,
        delaySeconds: delayMs / 1000,
        thresholdSeconds: this.thresholdSeconds,
        // exactly the threshold is on time; one millisecond more is late
        late: delayMs > this.thresholdSeconds * 1000,
        source,
        submitter,
      };
      await store.put(K_LICENCE, record.certificate_source_id, s, {
        index: { late: String(s.late), number: record.certificate_number },
      });
      out.push(s);
    }
    return out;
  }

  /** Called in-process by the e-licence platform when it issues a licence (production time = issuance). */
  async publishOnIssuance(
    store: Store,
    clock: Clock,
    issuer: string,
    record: LicenceCatalogueRecord,
    producedAt: number,
  ): Promise<LicenceSubmission> {
    const [s] = await this.submit(store, clock, issuer, [{ ...record, produced_at: producedAt }], "elicence");
    return s;
  }

  async list(store: Store, opts: { lateOnly?: boolean } = {}): Promise<LicenceSubmission[]> {
    return opts.lateOnly
      ? store.list<LicenceSubmission>(K_LICENCE, { index: "late", value: "true" })
      : store.list<LicenceSubmission>(K_LICENCE);
  }

  async get(store: Store, sourceId: string): Promise<LicenceSubmission | undefined> {
    return store.get<LicenceSubmission>(K_LICENCE, sourceId);
  }

  /** The 2-hour rule's summary for a tenant. */
  async report(
    store: Store,
  ): Promise<{ total: number; late: number; onTime: number; maxDelaySeconds: number; thresholdSeconds: number }> {
    const all = await this.list(store);
    const late = all.filter((s) => s.late).length;
    return {
      total: all.length,
      late,
      onTime: all.length - late,
      maxDelaySeconds: all.reduce((m, s) => Math.max(m, s.delaySeconds), 0),
      thresholdSeconds: this.thresholdSeconds,
    };
  }
}

function pick(r: LicenceCatalogueRecord): LicenceCatalogueRecord {
  const o = {} as LicenceCatalogueRecord;
  for (const k of REQUIRED) o[k] = r[k];
  return o;
}
