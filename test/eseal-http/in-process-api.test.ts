// The e-seal platform's in-process API for the e-licence platform: seal a document for an organisation on the
// calling tenant's state and clock, verify, and the LicenceSealer-shaped binding.
import { describe, expect, it } from "vitest";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { Clock } from "../../mocks/shared/clock.js";
import { makeInput, makeTestContext, testTenant } from "../../mocks/shared/test-context.js";
import { createEsealPlatform } from "../../mocks/eseal/platform.js";
import { EsealError } from "../../mocks/eseal/errors.js";
import { parseSignature } from "../../mocks/eseal/ses-parse.js";
import { usccCheck } from "../../mocks/shared/ids.js";
import type { LicenceSealer } from "../../mocks/elicence/licence-file.js";

const seed = createSeed("eseal-api-test", { persons: 2000, enterprises: 200 });
const platform = createEsealPlatform(seed);
const api = platform.api;
const T0 = Date.parse("2026-03-01T08:00:00Z");
const org = seed.enterprises.at(0)!;
const pdf = Buffer.from("%PDF-1.7 营业执照 …", "utf8");

function ctxAt(t = T0) {
  const clock = new Clock();
  clock.freeze(t);
  return makeTestContext({ seed, clock });
}

describe("in-process e-seal API", () => {
  it("seals a document with the organisation's seeded 法定名称章; verify passes on the same tenant", async () => {
    const ctx = ctxAt();
    const sealed = await api.sealDocument(ctx, org.uscc, pdf, "licence.pdf");
    expect(sealed.sealName).toBe(org.name);
    expect(sealed.sealId).toMatch(/^\d{13}$/);
    expect(sealed.signingTime).toBe(new Date(T0).toISOString());
    const parsed = parseSignature(sealed.signature);
    expect(parsed).toMatchObject({ version: 4, propertyInfo: "licence.pdf" });
    expect(parsed.seal.esID).toBe(sealed.sealId);
    expect((await api.verify(ctx, sealed.signature, pdf)).result).toBe("PASSED");
    expect((await api.verify(ctx, sealed.signature, Buffer.from("other"))).subIndication).toBe("HASH_MISMATCH");
    expect((await api.listSeals(ctx, org.uscc)).map((s) => s.sealCode)).toEqual([sealed.sealId]);
  });

  it("a revoked seal makes sealDocument throw EsealError SEAL_REVOKED on that tenant only", async () => {
    const ctx = ctxAt(),
      other = ctxAt();
    const before = await api.sealDocument(ctx, org.uscc, pdf, "a.pdf");
    ctx.clock.advance(60_000);
    const revoke = await platform.handlers.esealRevokeSeal(
      makeInput({
        operationId: "esealRevokeSeal",
        method: "POST",
        params: { sealCode: before.sealId },
        tenant: { ...testTenant, orgCode: org.uscc },
      }),
      ctx,
    );
    expect(revoke.status).toBe(200);
    await expect(api.sealDocument(ctx, org.uscc, pdf, "b.pdf")).rejects.toMatchObject({ code: "SEAL_REVOKED" });
    expect((await api.verify(ctx, before.signature, pdf)).subIndication).toBe("SEAL_REVOKED_AFTER_SIGNING");
    // another tenant: untouched
    expect((await api.sealDocument(other, org.uscc, pdf, "b.pdf")).sealId).toBe(before.sealId);
    expect((await api.verify(other, before.signature, pdf)).result).toBe("PASSED");
  });

  it("an organisation outside the seed needs its name for a first seal; without it, SEAL_NOT_FOUND", async () => {
    const ctx = ctxAt();
    const body = "11440500GT0000011";
    const uscc = body + usccCheck(body);
    const err = await api.sealDocument(ctx, uscc, pdf, "x.pdf").catch((e) => e);
    expect(err).toBeInstanceOf(EsealError);
    expect(err.code).toBe("SEAL_NOT_FOUND");
    const sealed = await api.sealDocument(ctx, uscc, pdf, "x.pdf", { orgName: "汕头市测试发证机关" });
    expect(sealed.sealName).toBe("汕头市测试发证机关");
    expect((await api.verify(ctx, sealed.signature, pdf)).result).toBe("PASSED");
  });

  it("sealerFor(ctx) is a LicenceSealer for the e-licence platform", async () => {
    const ctx = ctxAt();
    const sealer: LicenceSealer = api.sealerFor(ctx);
    const { signature, sealId } = await sealer.sealDocument(org.uscc, pdf, "licence.pdf", new Date(T0 - 1000));
    expect(parseSignature(signature).signingTime?.toISOString()).toBe(new Date(T0 - 1000).toISOString());
    expect(sealId).toMatch(/^\d{13}$/);
    const report = await sealer.verify(signature, pdf);
    expect(report.result).toBe("PASSED");
    expect(report.checks.length).toBe(8);
  });

  it("offers the test PKI's root and seal-maker certificates", () => {
    expect(api.pki.rootPem()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(api.pki.sealMakerDer()[0]).toBe(0x30);
  });
});
