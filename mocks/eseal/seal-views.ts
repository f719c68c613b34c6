// JSON views of seals for the REST API (contracts/eseal.yaml Seal / SealSummary / SealStatus): what a caller sees.
import type { SealRecord } from "./seal-service.js";
import type { EsealSchemas } from "./types.js";

export type EffectiveStatus = "active" | "suspended" | "revoked" | "expired" | "not-yet-valid";

export const API_BASE = "/ebus/eseal/v1";
export const SEAL_FORMAT = "GB/T 38540-2020 SESeal v4";

const iso = (ms: number) => new Date(ms).toISOString();

/** Lifecycle status combined with the validity period on the tenant's clock (revoked/suspended win over dates). */
export function effectiveStatus(s: SealRecord, now: number): EffectiveStatus {
  if (s.status !== "active") return s.status;
  if (now < Date.parse(s.validStart)) return "not-yet-valid";
  if (now > Date.parse(s.validEnd)) return "expired";
  return "active";
}

export function sealStatusView(s: SealRecord, now: number): EsealSchemas["SealStatus"] {
  return {
    sealCode: s.sealCode,
    status: s.status,
    effectiveStatus: effectiveStatus(s, now),
    statusSince: iso(s.statusSince),
    ...(s.status === "revoked" && s.revocationReason ? { revocationReason: s.revocationReason } : {}),
    validStart: s.validStart,
    validEnd: s.validEnd,
    checkedAt: iso(now),
  };
}

export function sealSummaryView(s: SealRecord, now: number): EsealSchemas["SealSummary"] {
  const mm = s.pictureMm ?? 42;
  const { checkedAt: _checkedAt, ...status } = sealStatusView(s, now);
  return {
    ...status,
    orgUscc: s.orgUscc,
    orgName: s.orgName,
    typeCode: s.typeCode,
    typeName: s.typeName,
    name: s.name,
    createdAt: s.createdAt,
    certSerial: s.certSerial,
    picture: { type: "SVG" as const, widthMm: mm, heightMm: mm, href: `${API_BASE}/seals/${s.sealCode}/picture` },
  };
}

/** The whole record: the DER SESeal and the picture itself as well. */
export function sealView(s: SealRecord, now: number): EsealSchemas["Seal"] {
  const v = sealSummaryView(s, now);
  return { ...v, format: SEAL_FORMAT, sealDer: s.sealDer, picture: { ...v.picture, svg: s.pictureSvg } };
}
