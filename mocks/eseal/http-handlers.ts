// The e-seal REST handlers behind the gateway (contracts/eseal.yaml, facts §8.3): seal types, 制章, list/get, picture,
// status, suspend/resume/revoke, 盖章, 验章, PKI downloads. Each runs on the calling tenant's store and clock.
import type { Handler, HandlerContext, HandlerInput, HandlerResult } from "../shared/types.js";
import { CORRUPTED_SCENARIO, SCENARIO_HEADER_NAME } from "./scenarios.js";
import { toPem } from "./certificate.js";
import { decodeBase64 } from "./decode-base64.js";
import { esealProblem, toHttpProblem } from "./errors.js";
import { assertActsFor, callerOrg } from "./seal-ownership.js";
import { effectiveStatus, sealStatusView, sealSummaryView, sealView, API_BASE } from "./seal-views.js";
import type { SealRecord } from "./seal-service.js";
import { retryOnConflict, type TenantSealRegistry, type TenantSeals } from "./tenant-seals.js";
import { OID_SM2_WITH_SM3 } from "./oids.js";
import type { OfdCheck } from "../shared/ofd-signature.js";
import { summarise, type CheckId, type CheckResult, type VerificationReport } from "./verification-report.js";

const DEFAULT_VALIDITY_MS = 3 * 365 * 86_400_000;

const ok = (data: unknown, status = 200, headers?: Record<string, string>): HandlerResult => ({
  status,
  body: { errcode: 0, errmsg: "ok", data },
  ...(headers ? { headers } : {}),
});
const bodyOf = (input: HandlerInput): Record<string, unknown> =>
  input.body && typeof input.body === "object" && !Buffer.isBuffer(input.body)
    ? (input.body as Record<string, unknown>)
    : {};
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The scenario in force for this request; `scenario` is read when the gateway passes it (tenant rules), else the header. */
function scenarioOf(input: HandlerInput): string | undefined {
  const fromGateway = (input as HandlerInput & { scenario?: unknown }).scenario;
  if (typeof fromGateway === "string") return fromGateway;
  const h = input.headers[SCENARIO_HEADER_NAME];
  return Array.isArray(h) ? h[0] : h;
}

/**
 * The one look-up of a seal by code for every operation: only the calling tenant's own seals (those it made) and the
 * seeded ones are found; another tenant's seal is "not found" here, its code being unique platform-wide. Acting on a
 * seal (sign, suspend, resume, revoke) further needs assertActsFor (seal-ownership.ts).
 */
function mustFind(ts: TenantSeals, sealCode: string, location = "/params/sealCode"): SealRecord {
  const seal = ts.find(sealCode);
  if (!seal)
    throw esealProblem("sealNotFound", {
      location,
      seen: sealCode,
      zh: `印章 ${sealCode} 不存在（本租户未登记该印章编码）`,
      en: `seal ${sealCode} does not exist (no seal with this code is registered for this tenant)`,
    });
  return seal;
}

const sealSubject = (s: SealRecord) => ({
  zh: `印章 ${s.sealCode}「${s.name}」`,
  en: `seal ${s.sealCode} "${s.name}"`,
});

function certificateResult(der: Buffer, format: unknown, fileName: string): HandlerResult {
  if (format === "der")
    return {
      status: 200,
      body: der,
      contentType: "application/pkix-cert",
      headers: { "content-disposition": `attachment; filename="${fileName}.cer"` },
    };
  return {
    status: 200,
    body: toPem(der),
    contentType: "application/x-pem-file",
    headers: { "content-disposition": `attachment; filename="${fileName}.pem"` },
  };
}

function parseInstant(v: unknown, location: string): number | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  if (Number.isNaN(t))
    throw esealProblem("invalidValidity", {
      location,
      seen: v,
      zh: "时间格式无效",
      en: "invalid date-time",
      hint: "使用 RFC 3339 时间，如 2026-01-01T00:00:00+08:00 / use an RFC 3339 date-time",
    });
  return t;
}

/** Decodes the original for 盖章/验章: exactly one of digest (SM3 hex) and document (base64), or none when optional. */
function original(b: Record<string, unknown>, required: boolean): { digest?: Buffer; document?: Buffer } {
  const hasDigest = b.digest !== undefined,
    hasDoc = b.document !== undefined;
  if (hasDigest && hasDoc)
    throw esealProblem("badInput", {
      location: "/body",
      rule: "eseal.digest-xor-document",
      zh: "digest 与 document 只能提供一个",
      en: "give either digest or document, not both",
      hint: "小文档发 document（base64），大文档发 digest（SM3，64 位十六进制）/ send document (base64) for small files, digest (SM3, 64 hex) for large ones",
    });
  if (!hasDigest && !hasDoc) {
    if (!required) return {};
    throw esealProblem("badInput", {
      location: "/body",
      rule: "eseal.digest-or-document",
      zh: "缺少原文：请提供 digest 或 document",
      en: "the original is missing: give digest or document",
      hint: "digest = SM3(原文) 的 64 位十六进制；document = 原文的 base64 / digest = SM3 of the original as 64 hex; document = the original as base64",
    });
  }
  if (hasDigest) {
    const d = str(b.digest) ?? "";
    if (!/^[0-9a-fA-F]{64}$/.test(d))
      throw esealProblem("invalidDigest", {
        location: "/body/digest",
        seen: d,
        zh: "digest 应为 64 位十六进制的 SM3 杂凑值",
        en: "digest must be the 64-hex-character SM3 hash",
      });
    return { digest: Buffer.from(d, "hex") };
  }
  return { document: decodeBase64(b.document, "/body/document", { zh: "document（原文）", en: "document" }) };
}

/** An OFD's own checks in the report's terms: ofd-package, ofd-references.method, ofd-reference:/path. */
function ofdChecks(checks: OfdCheck[]): CheckResult[] {
  return checks.map((c) => ({
    id: (c.id === "signature" ? "ofd-package" : `ofd-${c.id}`) as CheckId,
    result: c.result,
    ...(c.result === "FAILED"
      ? { subIndication: c.id.startsWith("reference:") ? "HASH_MISMATCH" : "FORMAT_FAILURE" }
      : {}),
    zh: c.zh,
    en: c.en,
  })) as CheckResult[];
}

export function createEsealHandlers(reg: TenantSealRegistry): Record<string, Handler> {
  const handlers = esealHandlers(reg);
  // a save that lost to another replica's runs the handler again on the new state (tenant-seals.ts)
  return Object.fromEntries(
    Object.entries(handlers).map(([id, h]) => [
      id,
      ((input, ctx) => retryOnConflict(async () => h(input, ctx))) as Handler,
    ]),
  );
}

function esealHandlers(reg: TenantSealRegistry): Record<string, Handler> {
  const open = (ctx: HandlerContext) => reg.open(ctx.store);

  /** An OFD file's first signature (SignedValue.dat over Signature.xml) after its package and Reference checks. */
  async function verifyOfd(b: Record<string, unknown>, ctx: HandlerContext): Promise<VerificationReport> {
    const bytes = decodeBase64(b.ofd, "/body/ofd", { zh: "ofd（OFD 文件）", en: "ofd" });
    // zip and XML load on the first OFD, not at start-up
    const { readOfdSignature } = await import("../shared/ofd-signature.js");
    const parts = readOfdSignature(bytes);
    const own = ofdChecks(parts.checks);
    if (!parts.signature) return summarise(own);
    const ts = await open(ctx);
    const report = ts.verify(parts.signature, { document: parts.signedXml }, ctx.clock.now());
    await ts.save();
    return summarise([...own, ...report.checks], report.signature);
  }

  return {
    esealListSealTypes: () => ok(reg.sealTypes.map((t) => ({ code: t.code, name: t.name, en: t.en }))),

    async esealApplySeal(input, ctx) {
      const b = bodyOf(input);
      const uscc = str(b.orgUscc)!;
      const seeded = ctx.seed.enterprises.byUscc(uscc);
      let orgName = str(b.orgName)?.trim();
      if (seeded) {
        if (seeded.status !== "存续" && seeded.status !== "在业")
          throw esealProblem("invalidOrg", {
            location: "/body/orgUscc",
            seen: uscc,
            zh: `${seeded.name}（${uscc}）登记状态为「${seeded.status}」，不能制章`,
            en: `${seeded.name} (${uscc}) is registered as "${seeded.status}" and cannot have seals made`,
          });
        if (orgName && orgName !== seeded.name)
          throw esealProblem("invalidOrg", {
            location: "/body/orgName",
            seen: orgName,
            zh: `统一社会信用代码 ${uscc} 登记的名称是「${seeded.name}」`,
            en: `USCC ${uscc} is registered under the name "${seeded.name}"`,
            hint: "省略 orgName 或使用登记名称 / omit orgName or use the registered name",
          });
        orgName = seeded.name;
      }
      if (!orgName)
        throw esealProblem("invalidOrg", {
          location: "/body/orgName",
          zh: `种子数据中没有 ${uscc}，请提供单位名称 orgName`,
          en: `${uscc} is not in the seed data; give the organisation name (orgName)`,
        });
      assertActsFor(
        input,
        ctx.seed,
        { uscc, name: orgName },
        {
          zh: "为该单位制章",
          en: "apply for this organisation's seals",
          subject: { zh: "所申请的印章", en: "the seal applied for" },
        },
      );
      const now = ctx.clock.now();
      const start = parseInstant(b.validFrom, "/body/validFrom") ?? now;
      const end = parseInstant(b.validTo, "/body/validTo") ?? start + DEFAULT_VALIDITY_MS;
      const ts = await open(ctx);
      ts.ensureSeeded(uscc);
      await ts.reserveSequence(str(b.divisionCode) ?? uscc.slice(2, 8));
      let rec: SealRecord;
      try {
        rec = ts.svc.makeSeal({
          org: { uscc, name: orgName },
          type: str(b.type)!,
          name: str(b.name)?.trim() || undefined,
          validity: { start, end },
          now,
          divisionCode: str(b.divisionCode),
          diameterMm: typeof b.diameterMm === "number" ? b.diameterMm : undefined,
        });
      } catch (e) {
        toHttpProblem(e);
      }
      await ts.save();
      ctx.emit("eseal.seal-made", { sealCode: rec.sealCode, orgUscc: uscc, typeCode: rec.typeCode });
      return ok(sealView(rec, now), 201, { location: `${API_BASE}/seals/${rec.sealCode}` });
    },

    async esealListSeals(input, ctx) {
      const uscc = str(input.query.orgUscc) ?? callerOrg(input, ctx.seed);
      if (!uscc)
        throw esealProblem("badInput", {
          location: "/query/orgUscc",
          rule: "eseal.org-required",
          zh: "请用 orgUscc 指明单位（调用方没有所属单位）",
          en: "name the organisation with orgUscc (the caller acts for none)",
        });
      const now = ctx.clock.now();
      const ts = await open(ctx);
      const all = ts.listFor(uscc);
      await ts.save();
      const status = str(input.query.status),
        type = str(input.query.type);
      const seals = all.filter(
        (s) => (!status || effectiveStatus(s, now) === status) && (!type || s.typeCode === type),
      );
      const orgName = ctx.seed.enterprises.byUscc(uscc)?.name ?? all[0]?.orgName ?? null;
      return ok({ orgUscc: uscc, orgName, total: seals.length, seals: seals.map((s) => sealSummaryView(s, now)) });
    },

    async esealGetSeal(input, ctx) {
      const ts = await open(ctx);
      const seal = mustFind(ts, input.params.sealCode);
      await ts.save();
      return ok(sealView(seal, ctx.clock.now()));
    },

    async esealGetSealPicture(input, ctx) {
      const ts = await open(ctx);
      const seal = mustFind(ts, input.params.sealCode);
      await ts.save();
      return {
        status: 200,
        body: seal.pictureSvg,
        contentType: "image/svg+xml; charset=utf-8",
        headers: { "cache-control": "public, max-age=86400, immutable" },
      };
    },

    async esealGetSealStatus(input, ctx) {
      const ts = await open(ctx);
      const seal = mustFind(ts, input.params.sealCode);
      await ts.save();
      return ok(sealStatusView(seal, ctx.clock.now()));
    },

    esealSuspendSeal: lifecycle(reg, "suspend"),
    esealResumeSeal: lifecycle(reg, "resume"),
    esealRevokeSeal: lifecycle(reg, "revoke"),

    async esealSign(input, ctx) {
      const b = bodyOf(input);
      const ts = await open(ctx);
      const seal = mustFind(ts, str(b.sealCode)!, "/body/sealCode");
      await ts.save();
      assertActsFor(
        input,
        ctx.seed,
        { uscc: seal.orgUscc, name: seal.orgName },
        { zh: "用该印章盖章", en: "sign with this seal", subject: sealSubject(seal) },
      );
      const { digest, document } = original(b, true);
      const now = ctx.clock.now();
      const propertyInfo = str(b.propertyInfo) ?? "document";
      let r;
      try {
        r = digest
          ? ts.svc.signDigest({ sealCode: seal.sealCode, digest, now, propertyInfo })
          : ts.svc.signDocument({ sealCode: seal.sealCode, document: document!, now, propertyInfo });
      } catch (e) {
        toHttpProblem(e, "/body/sealCode");
      }
      let sig = r.signature;
      if (scenarioOf(input) === CORRUPTED_SCENARIO) {
        // Last byte = the end of the SM2 value (SEQUENCE{r,s}); the structure still parses, the signature fails.
        sig = Buffer.from(sig);
        sig[sig.length - 1] ^= 0x01;
      }
      ctx.emit("eseal.signed", { sealCode: seal.sealCode, dataHash: r.dataHash, signingTime: r.signingTime });
      return ok({
        signature: sig.toString("base64"),
        format: "GB/T 38540-2020 SES_Signature v4",
        sealCode: seal.sealCode,
        sealName: seal.name,
        orgUscc: seal.orgUscc,
        signingTime: r.signingTime,
        dataHash: r.dataHash,
        digestAlgorithm: "SM3",
        signatureAlgorithm: OID_SM2_WITH_SM3,
        propertyInfo,
        signerCertSerial: seal.certSerial,
      });
    },

    async esealVerify(input, ctx) {
      const b = bodyOf(input);
      if (b.ofd !== undefined) return ok(await verifyOfd(b, ctx));
      const sig = decodeBase64(b.signature, "/body/signature", { zh: "signature（签章数据）", en: "signature" });
      const { digest, document } = original(b, false);
      const ts = await open(ctx);
      let report;
      try {
        report = ts.verify(sig, { digest, document }, ctx.clock.now());
      } catch (e) {
        toHttpProblem(e, digest ? "/body/digest" : "/body/document");
      }
      await ts.save();
      return ok(report);
    },

    esealGetRootCertificate: (input) => certificateResult(reg.pki.root.certDer, input.query.format, "gatesim-root-ca"),
    esealGetSealMakerCertificate: (input) =>
      certificateResult(reg.pki.sealMaker.certDer, input.query.format, "gatesim-seal-maker"),

    async esealGetOrgCertificate(input, ctx) {
      const uscc = input.params.uscc;
      const seeded = ctx.seed.enterprises.byUscc(uscc);
      const name = seeded?.name ?? (await open(ctx)).svc.listSeals({ uscc })[0]?.orgName;
      if (!name)
        throw esealProblem("orgNotFound", {
          location: "/params/uscc",
          seen: uscc,
          zh: `单位 ${uscc} 不在种子数据中，本租户也没有它的印章`,
          en: `organisation ${uscc} is not in the seed data and has no seal in this tenant`,
          hint: "先为该单位制章（POST /ebus/eseal/v1/seals）/ apply for one of its seals first",
        });
      return certificateResult(reg.pki.org({ uscc, name }).certDer, input.query.format, `org-${uscc}`);
    },
  };
}

const LIFECYCLE = {
  suspend: { zh: "挂起该印章", en: "suspend this seal", event: "eseal.seal-suspended" },
  resume: { zh: "恢复该印章", en: "resume this seal", event: "eseal.seal-resumed" },
  revoke: { zh: "注销该印章", en: "revoke this seal", event: "eseal.seal-revoked" },
} as const;

function lifecycle(reg: TenantSealRegistry, act: keyof typeof LIFECYCLE): Handler {
  return async (input, ctx) => {
    const ts = await reg.open(ctx.store);
    const seal = mustFind(ts, input.params.sealCode);
    await ts.save();
    assertActsFor(
      input,
      ctx.seed,
      { uscc: seal.orgUscc, name: seal.orgName },
      { ...LIFECYCLE[act], subject: sealSubject(seal) },
    );
    const now = ctx.clock.now();
    const reason = str(bodyOf(input).reason);
    try {
      if (act === "revoke") ts.svc.revoke(seal.sealCode, now, reason);
      else ts.svc[act](seal.sealCode, now);
    } catch (e) {
      toHttpProblem(e, "/params/sealCode");
    }
    await ts.save();
    ctx.emit(LIFECYCLE[act].event, { sealCode: seal.sealCode, ...(reason ? { reason } : {}) });
    return ok(sealStatusView(seal, now));
  };
}
