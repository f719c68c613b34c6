// GB/T 36906-style sharing services (facts §4.5): query by holder, one-time download URL and download (watermarked),
// verify licence information, verify file, annotate (加注). Answers: HTTP 200, the result code in head.status.
import type { ElicenceHandlers } from "../types.js";
import { bodyOf, isAnswer, sharingGuard, str, type Body } from "./common.js";
import type { HandlerContext, HandlerInput } from "../../shared/types.js";
import { checkLicenceId } from "../../shared/ids.js";
import { licenceStatus, type Licence } from "../licences.js";
import {
  fileFormatOf,
  isOfdBytes,
  readLicenceFileInfo,
  readLicenceOfdInfo,
  verifyLicenceFile,
  verifyOfdLicenceFile,
  type Annotation,
  type FileVerification,
  type LicenceSealer,
  type OfdCheck,
  type SealVerification,
} from "../licence-file.js";
import { issueTicket, sessionValid, takeTicket, ticketTenant } from "../access-records.js";
import {
  accessTo,
  decodeBase64,
  esealOf,
  findTypeAnywhere,
  holderProblem,
  licenceSummary,
  organisationOf,
  parseInstant,
  type ElicenceDeps,
} from "../elicence-context.js";
import { cstTimestamp, iso, sharingRefusal, sharingResult, type SharingAnswer } from "../envelopes.js";
import type { LibraryHit } from "../library.js";
import { sealLicenceFile, type HandedFile } from "../sealed-files.js";
import { FILE_UNREADABLE } from "../file-verdict.js";

/** A handed-out file as the contract's LicenceFile (without the licence's own fields). */
const handed = (f: HandedFile) => ({
  fileName: f.fileName,
  fileFormat: f.fileFormat,
  fileData: f.bytes.toString("base64"),
  signature: f.signature.toString("base64"),
  sealId: f.sealId,
});

/** accessToken (if given or required) → 11; useCause (when the operation needs it) blank → 12. */
async function precheck(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  needCause: boolean,
): Promise<SharingAnswer<null> | { useCause: string }> {
  const b = bodyOf(input);
  const token = str(b.accessToken);
  if (token ? !(await sessionValid(ctx.store, token)) : deps.opts.requireSession)
    return sharingRefusal(
      11,
      token ? "会话令牌 accessToken 无效或已过期" : "缺少会话令牌 accessToken",
      token ? "the session token accessToken is invalid or expired" : "the session token accessToken is missing",
      { location: "/body/accessToken" },
    );
  const useCause = str(b.useCause) ?? "";
  if (needCause && !useCause)
    return sharingRefusal(12, "用证事由 useCause 不能为空", "useCause (purpose of use) is required", {
      location: "/body/useCause",
      seen: b.useCause,
    });
  return { useCause };
}

/** The licence named by certIdentifier: 12 when the identifier is malformed, 101 when no such licence. */
async function locate(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  id: string | undefined,
): Promise<LibraryHit | SharingAnswer<null>> {
  if (!id)
    return sharingRefusal(12, "证照标识 certIdentifier 不能为空", "certIdentifier is required", {
      location: "/body/certIdentifier",
    });
  const v = checkLicenceId(id);
  if (v)
    return sharingRefusal(
      12,
      `证照标识格式错误：${v.split(" / ")[0]}`,
      `malformed licence identifier: ${v.split(" / ")[1] ?? v}`,
      { location: "/body/certIdentifier", seen: id, rule: "gb36904-licence-id" },
    );
  const hit = await deps.library.find(ctx, input.tenant.paasid, id);
  if (!hit)
    return sharingRefusal(101, `证照 ${id} 不存在`, `licence ${id} does not exist`, {
      location: "/body/certIdentifier",
      seen: id,
      rule: "elicence.LICENCE_NOT_FOUND",
      hint: "用按持证主体查询取得证照标识 / get identifiers from the query by holder",
    });
  return hit;
}

function noAccess(l: Licence, typeName: string | undefined): SharingAnswer<null> {
  return sharingRefusal(
    100,
    `该用户无访问该证的权限！请先申请：本部门没有证照类型 ${l.typeCode}（${typeName ?? l.data.ZZMC}）的使用权限，也没有持证人对这张证照的用证授权`,
    `no permission for this licence — apply first: this department holds no permission for licence type ${l.typeCode} (${typeName ?? l.data.ZZMC}) and no redeemed usage grant from the holder for this licence`,
    { location: "/body", seen: l.typeCode, rule: "elicence.permission" },
  );
}

/** The licence, usable by the caller now: else 100 (no access) or 21/22/23 (its status). */
async function usable(
  deps: ElicenceDeps,
  input: HandlerInput,
  ctx: HandlerContext,
  hit: LibraryHit,
): Promise<SharingAnswer<null> | undefined> {
  const l = hit.licence;
  const type = await findTypeAnywhere(deps, ctx, input.tenant.paasid, l.typeCode);
  if (!(await accessTo(input, ctx, l))) return noAccess(l, type?.name);
  const st = licenceStatus(l, ctx.clock.now());
  if (!st.usable)
    return sharingRefusal(st.resultCode, st.zh, st.en, {
      location: "/body/certIdentifier",
      seen: l.id,
      rule: `elicence.status.${st.certState ?? st.stage}`,
    });
  return undefined;
}

/** The context whose e-seal state and clock judge the licence's seal: its issuing tenant's, else the caller's. */
const sealContext = (ctx: HandlerContext, hit: LibraryHit) =>
  hit.owner ? { store: hit.owner.store, clock: hit.owner.clock } : ctx;

/** The file to verify: an OFD carries its signature (SignedValue.dat); a PDF's is detached and must come with it. */
function fileOfBody(b: Body): { bytes: Buffer; fileFormat: "ofd" | "pdf"; sig?: Buffer } | SharingAnswer<null> {
  const bytes = decodeBase64(String(b.fileData ?? ""));
  if (!bytes)
    return sharingRefusal(12, "fileData 不是有效的 base64", "fileData is not valid base64", {
      location: "/body/fileData",
    });
  const fileFormat = isOfdBytes(bytes) ? "ofd" : "pdf";
  const sig = fileFormat === "pdf" ? decodeBase64(String(b.signature ?? "")) : undefined;
  if (fileFormat === "pdf" && !sig)
    return sharingRefusal(
      12,
      b.signature === undefined ? "PDF 文件须附 signature（分离的 SES_Signature）" : "signature 不是有效的 base64",
      b.signature === undefined
        ? "a PDF needs its detached SES_Signature in signature"
        : "signature is not valid base64",
      { location: "/body/signature" },
    );
  return { bytes, fileFormat, sig };
}

export const sharingHandlers = {
  elicenceQueryByHolder: (input, ctx, deps) =>
    sharingGuard(async () => {
      const pre = await precheck(deps, input, ctx, true);
      if (isAnswer(pre)) return pre;
      const b = bodyOf(input);
      const holderCode = str(b.holderCode) ?? "";
      const holderType = str(b.holderTypeCode) ?? "";
      if (!holderCode || !holderType)
        return sharingRefusal(12, "持证主体代码与代码类型不能为空", "holderCode and holderTypeCode are required", {
          location: holderCode ? "/body/holderTypeCode" : "/body/holderCode",
        });
      const now = ctx.clock.now();
      const hp = holderProblem(holderType, holderCode, now);
      if (hp)
        return sharingRefusal(103, hp.zh, hp.en, {
          location: hp.location,
          seen: hp.location === "/body/holderTypeCode" ? holderType : holderCode,
        });
      const typeCode = str(b.certTypeCode);
      if (typeCode) {
        const t = await findTypeAnywhere(deps, ctx, input.tenant.paasid, typeCode);
        if (!t || t.state !== "published")
          return sharingRefusal(
            13,
            t ? `证照类型 ${typeCode}（${t.name}）未发布` : `证照类型 ${typeCode} 不存在`,
            t ? `licence type ${typeCode} (${t.en}) is not published` : `licence type ${typeCode} does not exist`,
            { location: "/body/certTypeCode", seen: typeCode },
          );
      }
      const certNo = str(b.certNo);
      const hits = (await deps.library.byHolder(ctx, input.tenant.paasid, holderType, holderCode, typeCode)).filter(
        (h) => !certNo || h.licence.data.ZZBH === certNo,
      );
      const listed: Record<string, unknown>[] = [];
      const refusedTypes = new Map<string, string>();
      for (const h of hits) {
        const l = h.licence;
        const access = await accessTo(input, ctx, l);
        if (!access) {
          refusedTypes.set(l.typeCode, l.data.ZZMC ?? l.typeCode);
          continue;
        }
        const st = licenceStatus(l, now);
        listed.push(
          licenceSummary(
            l,
            undefined,
            { resultCode: st.resultCode, zh: st.zh, en: st.en, certState: st.certState },
            access,
          ),
        );
      }
      if (hits.length && !listed.length) {
        const names = [...refusedTypes].map(([c, n]) => `${n}（${c}）`).join("、");
        const namesEn = [...refusedTypes].map(([c, n]) => `${n} (${c})`).join(", ");
        return sharingRefusal(
          100,
          `该用户无访问该证的权限！请先申请：持证主体有 ${hits.length} 张证照，本部门对其类型 ${names} 均无使用权限或用证授权`,
          `no permission — apply first: the holder has ${hits.length} licence(s), and this department holds no permission or usage grant for their types ${namesEn}`,
          { location: "/body", rule: "elicence.permission", seen: [...refusedTypes.keys()] },
        );
      }
      // No event here: the query is the hot path and the gateway journals the call itself (useCause included).
      return sharingResult(0, { total: listed.length, hidden: hits.length - listed.length, licences: listed });
    }),

  elicenceDownloadUrl: (input, ctx, deps) =>
    sharingGuard(async () => {
      const pre = await precheck(deps, input, ctx, true);
      if (isAnswer(pre)) return pre;
      const hit = await locate(deps, input, ctx, str(bodyOf(input).certIdentifier));
      if (isAnswer(hit)) return hit;
      const refused = await usable(deps, input, ctx, hit);
      if (refused) return refused;
      const t = await issueTicket(
        ctx.store,
        input.tenant.paasid,
        hit.licence.id,
        pre.useCause,
        ctx.clock.now(),
        deps.opts.downloadTtlSeconds,
      );
      return sharingResult(0, {
        url: `/ebus/elicence/v1/download?token=${t.token}`,
        expiresAt: iso(t.expiresAt),
        certIdentifier: hit.licence.id,
        useCause: pre.useCause,
      });
    }),

  elicenceDownload: (input, ctx, deps) =>
    sharingGuard(async () => {
      const token = String(input.query.token ?? "");
      const paasid = ticketTenant(token);
      // The token names its tenant: use that tenant's store and clock, whatever tenant the open request landed on.
      const owner = paasid ? deps.library.tenant(paasid) : undefined;
      const tctx: HandlerContext = owner ? { ...ctx, store: owner.store, clock: owner.clock } : ctx;
      const taken = paasid ? await takeTicket(tctx.store, token, tctx.clock.now()) : { kind: "unknown" as const };
      if (taken.kind === "unknown")
        return {
          ...sharingRefusal(100, "下载地址无效", "this download URL is not valid", {
            location: "/query/token",
            hint: "重新获取下载地址 / get a new download URL",
          }),
          status: 404,
        };
      if (taken.kind !== "ok") {
        const used = taken.kind === "used";
        return {
          ...sharingRefusal(
            100,
            used
              ? `下载地址已于 ${cstTimestamp(taken.ticket.usedAt!)} 使用过，只能使用一次`
              : `下载地址已于 ${cstTimestamp(taken.ticket.expiresAt)} 过期`,
            used ? "this one-time download URL has already been used" : "this download URL has expired",
            {
              location: "/query/token",
              rule: used ? "elicence.download-once" : "elicence.download-expired",
              hint: "重新获取下载地址 / get a new download URL",
            },
          ),
          status: 410,
        };
      }
      const tk = taken.ticket;
      const hit = await deps.library.find(tctx, tk.paasid, tk.licenceId);
      if (!hit)
        return sharingRefusal(101, `证照 ${tk.licenceId} 已不存在`, `licence ${tk.licenceId} no longer exists`, {
          location: "/query/token",
        });
      const st = licenceStatus(hit.licence, tctx.clock.now());
      if (!st.usable)
        return sharingRefusal(st.resultCode, st.zh, st.en, { location: "/query/token", seen: hit.licence.id });
      const eseal = esealOf(ctx);
      if (!eseal)
        return sharingRefusal(
          101,
          "电子印章平台不可用，无法出具盖章文件",
          "the e-seal platform is not available, so no sealed file can be made",
          { rule: "elicence.seal" },
        );
      const type = (await findTypeAnywhere(deps, tctx, tk.paasid, hit.licence.typeCode))!;
      const sctx = sealContext(tctx, hit);
      const raw = input.query.format === "ofd" || input.query.format === "pdf" ? input.query.format : undefined;
      const file = await sealLicenceFile(raw ?? fileFormatOf(input.query.fileFormat), eseal, sctx, hit.licence, type, {
        now: sctx.clock.now(),
        watermark: tk.useCause,
      });
      ctx.emit("elicence.downloaded", { certIdentifier: hit.licence.id, useCause: tk.useCause, paasid: tk.paasid });
      if (raw)
        return {
          status: 200,
          contentType: file.contentType,
          headers: { "content-disposition": `attachment; filename="${file.fileName}"` },
          body: file.bytes,
        };
      return sharingResult(0, { ...handed(file), certIdentifier: hit.licence.id, useCause: tk.useCause });
    }),

  elicenceVerifyInfo: (input, ctx, deps) =>
    sharingGuard(async () => {
      const pre = await precheck(deps, input, ctx, false);
      if (isAnswer(pre)) return pre;
      const b = bodyOf(input);
      const fields = (b.fields && typeof b.fields === "object" ? b.fields : {}) as Record<string, unknown>;
      let hit: LibraryHit | SharingAnswer<null> | undefined;
      const id = str(b.certIdentifier);
      const typeCode = str(b.certTypeCode);
      if (id) hit = await locate(deps, input, ctx, id);
      else if (typeCode && str(fields.CZZTDM)) {
        const t = await findTypeAnywhere(deps, ctx, input.tenant.paasid, typeCode);
        if (!t || t.state !== "published")
          return sharingRefusal(
            13,
            `证照类型 ${typeCode} 不存在或未发布`,
            `licence type ${typeCode} does not exist or is not published`,
            { location: "/body/certTypeCode", seen: typeCode },
          );
        const hits = await deps.library.byHolder(
          ctx,
          input.tenant.paasid,
          t.holderType,
          String(fields.CZZTDM),
          typeCode,
        );
        hit = hits.find((h) => !str(fields.ZZBH) || h.licence.data.ZZBH === str(fields.ZZBH));
        if (!hit)
          return sharingRefusal(
            101,
            "没有与所给类型、持证主体代码（和证照编号）相符的证照",
            "no licence matches the given type, holder code (and number)",
            { location: "/body/fields" },
          );
      } else
        return sharingRefusal(
          12,
          "请给出 certIdentifier，或 certTypeCode 加 fields.CZZTDM",
          "give certIdentifier, or certTypeCode with fields.CZZTDM",
          { location: "/body/certIdentifier" },
        );
      if (isAnswer(hit)) return hit;
      const l = hit.licence;
      const type = await findTypeAnywhere(deps, ctx, input.tenant.paasid, l.typeCode);
      if (!(await accessTo(input, ctx, l))) return noAccess(l, type?.name);
      // Compare without echoing the platform's values (the caller proves what it holds, it does not read).
      const results = Object.entries(fields).map(([key, v]) => {
        const have = l.data[key];
        if (have === undefined) return { key, match: false, reason: "证照无此数据项 / the licence has no such item" };
        return String(v).trim() === have
          ? { key, match: true }
          : { key, match: false, reason: "与证照数据不一致 / differs from the licence data" };
      });
      const st = licenceStatus(l, ctx.clock.now());
      const data = {
        match: results.every((r) => r.match),
        certIdentifier: l.id,
        certState: st.certState ?? l.certState ?? "",
        fields: results,
      };
      return st.usable ? sharingResult(0, data) : sharingResult(st.resultCode, data, { zh: st.zh, en: st.en });
    }),

  elicenceVerifyFile: (input, ctx, deps) =>
    sharingGuard(async () => {
      const pre = await precheck(deps, input, ctx, false);
      if (isAnswer(pre)) return pre;
      const file = fileOfBody(bodyOf(input));
      if (isAnswer(file)) return file;
      const { bytes, fileFormat, sig } = file;
      const info =
        fileFormat === "ofd"
          ? await readLicenceOfdInfo(bytes)
          : await readLicenceFileInfo(bytes).catch(() => undefined);
      if (!info) {
        const why = FILE_UNREADABLE[fileFormat];
        return sharingResult(101, { result: "FAILED", reason: `${why.zh} / ${why.en}`, fileFormat }, why);
      }
      const id = info.ZZBS;
      const hit = id ? await deps.library.find(ctx, input.tenant.paasid, id) : undefined;
      if (!hit) {
        const why = id
          ? { zh: `证照 ${id} 在本平台不存在`, en: `licence ${id} is not known to this platform` }
          : { zh: "文件中没有证照标识 ZZBS", en: "the file carries no licence identifier ZZBS" };
        return sharingResult(
          101,
          { result: "FAILED", reason: `${why.zh} / ${why.en}`, ...(id ? { certIdentifier: id } : {}) },
          why,
        );
      }
      const eseal = esealOf(ctx);
      if (!eseal)
        return sharingRefusal(
          101,
          "电子印章平台不可用，无法验章",
          "the e-seal platform is not available, so the seal cannot be verified",
          { rule: "elicence.seal" },
        );
      const sctx = sealContext(ctx, hit);
      const sealer: LicenceSealer = {
        sealDocument: () => Promise.reject(new Error("not used when verifying")),
        verify: async (s, doc) => (await eseal.verify(sctx, s, doc)) as unknown as SealVerification,
      };
      const env = deps.library.envOf(hit.owner?.store ?? ctx.store);
      const now = { now: ctx.clock.now() };
      // an OFD's verification also lists its own checks (package, references, signature, seal owner)
      const v: FileVerification & { checks?: OfdCheck[] } =
        fileFormat === "ofd"
          ? await verifyOfdLicenceFile(env, bytes, sealer.verify, now)
          : await verifyLicenceFile(env, { pdf: bytes, signature: sig! }, sealer, now);
      let code = v.resultCode,
        zh = v.zh,
        en = v.en,
        result = v.result;
      // An annotated copy (加注件) is only good until its own end date (JZJYXQJZSJ, facts §4.3).
      const until = info.JZJYXQJZSJ ? parseInstant(info.JZJYXQJZSJ) : undefined;
      if (code === 0 && until !== undefined && ctx.clock.now() > until) {
        code = 22;
        result = "FAILED";
        zh = `加注件已过期（有效期至 ${info.JZJYXQJZSJ}）`;
        en = `the annotated copy has expired (valid until ${info.JZJYXQJZSJ})`;
      }
      const seal = {
        result: v.seal.result,
        ...(v.seal.subIndication ? { subIndication: v.seal.subIndication } : {}),
        checks: v.seal.checks,
      };
      const data = {
        result,
        reason: `${zh} / ${en}`,
        certIdentifier: hit.licence.id,
        certState: v.status?.certState ?? hit.licence.certState ?? "",
        fileFormat,
        ...(v.checks ? { checks: v.checks } : {}),
        seal,
      };
      return sharingResult(code, data, code === 0 ? undefined : { zh, en });
    }),

  elicenceAnnotate: (input, ctx, deps) =>
    sharingGuard(async () => {
      const pre = await precheck(deps, input, ctx, true);
      if (isAnswer(pre)) return pre;
      const b = bodyOf(input);
      const hit = await locate(deps, input, ctx, str(b.certIdentifier));
      if (isAnswer(hit)) return hit;
      const refused = await usable(deps, input, ctx, hit);
      if (refused) return refused;
      const now = ctx.clock.now();
      const expiry = str(b.expiryTime);
      const until = expiry ? parseInstant(expiry) : now + deps.opts.annotationDays * 86_400_000;
      if (until === undefined || until <= now)
        return sharingRefusal(
          12,
          "加注件有效期 expiryTime 应为将来的日期（YYYY-MM-DD 或 ISO 8601）",
          "expiryTime must be a future date (YYYY-MM-DD or ISO 8601)",
          { location: "/body/expiryTime", seen: expiry },
        );
      const eseal = esealOf(ctx);
      if (!eseal)
        return sharingRefusal(
          101,
          "电子印章平台不可用，无法制作加注件",
          "the e-seal platform is not available, so no annotated copy can be made",
          { rule: "elicence.seal" },
        );
      // The department that makes the copy seals it (JZJZZZ); without an organisation, the issuer's seal is used.
      const org = organisationOf(deps.seed, input.tenant);
      const annotation: Annotation = {
        JZJZZSJ: cstTimestamp(now).slice(0, 19),
        JZJZZZ: org?.name ?? input.tenant.name.split(" / ")[0],
        JZJZZSY: str(b.remark) ?? pre.useCause,
        JZJYXQJZSJ: cstTimestamp(until).slice(0, 10),
      };
      const type = (await findTypeAnywhere(deps, ctx, input.tenant.paasid, hit.licence.typeCode))!;
      const sctx = org ? ctx : sealContext(ctx, hit);
      const file = await sealLicenceFile(fileFormatOf(b.fileFormat), eseal, sctx, hit.licence, type, {
        now,
        watermark: pre.useCause,
        annotation,
        sealer: org,
      });
      ctx.emit("elicence.annotated", { certIdentifier: hit.licence.id, useCause: pre.useCause });
      return sharingResult(0, {
        ...handed(file),
        certIdentifier: hit.licence.id,
        useCause: pre.useCause,
        annotation,
      });
    }),
} satisfies ElicenceHandlers;
