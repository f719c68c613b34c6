// A stand-in for the e-seal platform behind LicenceSealer: an HMAC "signature" per organisation, seals revocable.
import { createHash, createHmac } from "node:crypto";
import type { LicenceSealer, SealVerification } from "../../mocks/elicence/licence-file.js";

export interface FakeSealer extends LicenceSealer {
  revokeSeal(orgUscc: string): void;
  calls: { orgUscc: string; propertyInfo: string }[];
}

const KEY = "fake-sealer-test-key";

export function fakeSealer(): FakeSealer {
  const revoked = new Set<string>();
  const calls: FakeSealer["calls"] = [];
  const mac = (org: string, digest: string) =>
    createHmac("sha256", KEY)
      .update(org + ":" + digest)
      .digest("hex");
  return {
    calls,
    revokeSeal: (org) => void revoked.add(org),
    async sealDocument(orgUscc, document, propertyInfo) {
      calls.push({ orgUscc, propertyInfo });
      const digest = createHash("sha256").update(document).digest("hex");
      const signature = Buffer.from(JSON.stringify({ org: orgUscc, digest, mac: mac(orgUscc, digest) }));
      return { signature, sealId: `seal-${orgUscc}`, sealName: "电子证照专用章" };
    },
    async verify(signature, document): Promise<SealVerification> {
      let sig: { org: string; digest: string; mac: string };
      try {
        sig = JSON.parse(signature.toString("utf8"));
      } catch {
        return {
          result: "FAILED",
          subIndication: "FORMAT_FAILURE",
          checks: [{ id: "format", result: "FAILED", zh: "签名格式错误", en: "malformed signature" }],
        };
      }
      const digest = createHash("sha256").update(document).digest("hex");
      const checks = [
        {
          id: "digest",
          result: digest === sig.digest ? "PASSED" : "FAILED",
          zh: "文档摘要不一致",
          en: "document digest mismatch",
        },
        {
          id: "signature",
          result: mac(sig.org, sig.digest) === sig.mac ? "PASSED" : "FAILED",
          zh: "签名值无效",
          en: "signature value invalid",
        },
        { id: "seal-status", result: revoked.has(sig.org) ? "FAILED" : "PASSED", zh: "印章已撤销", en: "seal revoked" },
      ];
      return { result: checks.every((c) => c.result === "PASSED") ? "PASSED" : "FAILED", checks };
    },
  };
}
