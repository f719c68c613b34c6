// The test PKI's certificates (contracts/eseal.yaml, facts §3.3): root CA, seal maker, an organisation's signing
// certificate, in PEM (default) or DER.
import type { OperationHandler } from "../../shared/operations.js";
import { toPem } from "../certificate.js";
import { esealProblem } from "../errors.js";
import type { EsealDeps, EsealHandlers, EsealOperations } from "../types.js";
import { openSeals } from "./common.js";

function certificateResult(der: Buffer, format: "pem" | "der" | undefined, fileName: string) {
  if (format === "der")
    return {
      status: 200 as const,
      body: der,
      contentType: "application/pkix-cert",
      headers: { "content-disposition": `attachment; filename="${fileName}.cer"` },
    };
  return {
    status: 200 as const,
    body: toPem(der),
    contentType: "application/x-pem-file",
    headers: { "content-disposition": `attachment; filename="${fileName}.pem"` },
  };
}

export const esealGetOrgCertificate: OperationHandler<EsealOperations["esealGetOrgCertificate"], EsealDeps> = async (
  input,
  ctx,
  deps,
) => {
  const uscc = input.params.uscc;
  const seeded = ctx.seed.enterprises.byUscc(uscc);
  const name = seeded?.name ?? (await openSeals(ctx, deps)).svc.listSeals({ uscc })[0]?.orgName;
  if (!name)
    throw esealProblem("orgNotFound", {
      location: "/params/uscc",
      seen: uscc,
      zh: `单位 ${uscc} 不在种子数据中，本租户也没有它的印章`,
      en: `organisation ${uscc} is not in the seed data and has no seal in this tenant`,
      hint: "先为该单位制章（POST /ebus/eseal/v1/seals）/ apply for one of its seals first",
    });
  return certificateResult(deps.reg.pki.org({ uscc, name }).certDer, input.query.format, `org-${uscc}`);
};

export const pkiHandlers = {
  esealGetRootCertificate: (input, _ctx, { reg }) =>
    certificateResult(reg.pki.root.certDer, input.query.format, "gatesim-root-ca"),
  esealGetSealMakerCertificate: (input, _ctx, { reg }) =>
    certificateResult(reg.pki.sealMaker.certDer, input.query.format, "gatesim-seal-maker"),
  esealGetOrgCertificate,
} satisfies EsealHandlers;
