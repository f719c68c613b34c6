// An issued drug-business licence sealed as OFD by the real e-seal platform, for the OFD tests.
import { BUILTIN_LICENCE_TYPES } from "../../mocks/elicence/catalogue.js";
import { makeLicenceOfd, type OfdLicenceFile } from "../../mocks/elicence/licence-ofd.js";
import { createAndIssueLicence, type Licence } from "../../mocks/elicence/licences.js";
import { seedLicenceSource } from "../../mocks/elicence/seed-licences.js";
import { createEsealPlatform } from "../../mocks/eseal/platform.js";
import { Clock } from "../../mocks/shared/clock.js";
import { createSeed } from "../../mocks/shared/seed/index.js";
import { makeTestContext } from "../../mocks/shared/test-context.js";
import { DRUG_LICENCE_ISSUER, drugLicenceFields } from "./drug-licence.js";

export function ofdFixture() {
  const seed = createSeed("licence-ofd-test", { persons: 200, enterprises: 40 });
  const eseal = createEsealPlatform(seed);
  const clock = new Clock();
  clock.freeze(Date.parse("2026-03-01T10:00:00+08:00"));
  const ctx = makeTestContext({ seed, clock });
  const typeOf = (l: Licence) => BUILTIN_LICENCE_TYPES.find((t) => t.code === l.typeCode)!;
  const sealAs = (org: { uscc: string; name: string }) => (original: Buffer, propertyInfo: string) =>
    eseal.api.sealDocument(ctx, org.uscc, original, propertyInfo, { orgName: org.name, now: clock.now() });
  const verify = (signature: Buffer, document: Buffer) => eseal.api.verify(ctx, signature, document);
  /** Issue the licence and seal it as OFD with the issuer's seal. */
  async function issue(): Promise<{ licence: Licence; file: OfdLicenceFile }> {
    const { licence } = await createAndIssueLicence(
      { store: ctx.store, seedLicences: seedLicenceSource(seed) },
      drugLicenceFields(),
      { now: clock.now(), issuer: DRUG_LICENCE_ISSUER },
    );
    const file = await makeLicenceOfd(licence, typeOf(licence), sealAs(DRUG_LICENCE_ISSUER), { now: clock.now() });
    return { licence, file };
  }
  return { seed, eseal, clock, ctx, typeOf, sealAs, verify, issue };
}
