// The e-licence platform module (统一电子证照): issuance, sharing, usage authorisation and admin handlers over
// the shared licence library, the two native envelopes, scenarios, and the in-process API for other platforms.
import type { Seed } from "../shared/seed-types.js";
import type { HandlerContext, PlatformModule } from "../shared/types.js";
import { bindHandlers } from "../shared/operations.js";
import { adminHandlers } from "./handlers/admin.js";
import { ticketTenant } from "./access-records.js";
import { DEFAULT_OPTIONS, type ElicenceDeps, type ElicenceOptions } from "./elicence-context.js";
import { ELICENCE_PLATFORM, ELICENCE_SCENARIOS } from "./scenarios.js";
import { ELICENCE_ENVELOPES, elicenceEnvelope } from "./envelopes.js";
import { grantHandlers } from "./handlers/grants.js";
import { issuanceHandlers } from "./handlers/issuance.js";
import { LicenceLibrary, type LibraryHit } from "./library.js";
import { seedLicenceSource } from "./seed-licences.js";
import { sharingHandlers } from "./handlers/sharing.js";

export type { ElicenceOptions } from "./elicence-context.js";
export { ELICENCE_SCENARIOS } from "./scenarios.js";

/** What the e-licence platform offers other platforms in-process. */
export interface ElicenceApi {
  /** A licence by identifier from the shared library (any tenant's, or the seed's), as seen by `paasid`. */
  findLicence(
    ctx: Pick<HandlerContext, "store" | "clock">,
    paasid: string,
    id: string,
  ): Promise<LibraryHit | undefined>;
  /** A holder's current licences across tenants and the seed. */
  licencesOfHolder(
    ctx: Pick<HandlerContext, "store" | "clock">,
    paasid: string,
    holderTypeCode: string,
    holderCode: string,
  ): Promise<LibraryHit[]>;
}

export type ElicencePlatform = PlatformModule & { name: "elicence"; api: ElicenceApi };

/** The e-licence platform over a seed: pass it to buildApp's `platforms` (with identity, eseal, datashare). */
export function createElicencePlatform(seed: Seed, opts: ElicenceOptions = {}): ElicencePlatform {
  const library = new LicenceLibrary(seedLicenceSource(seed));
  const deps: ElicenceDeps = { seed, library, opts: { ...DEFAULT_OPTIONS, ...opts } };
  return {
    name: ELICENCE_PLATFORM,
    handlers: bindHandlers(deps, [issuanceHandlers, sharingHandlers, grantHandlers, adminHandlers]),
    envelope: elicenceEnvelope,
    envelopes: ELICENCE_ENVELOPES,
    scenarios: ELICENCE_SCENARIOS,
    api: {
      findLicence: (ctx, paasid, id) => library.find(ctx, paasid, id),
      licencesOfHolder: (ctx, paasid, t, c) => library.byHolder(ctx, paasid, t, c),
    },
    attachTenants: (directory) => library.attach(directory),
    attachStore: (store) => library.sequences.attach(store, "elicence.sequence"),
    // The open download route: the one-time token names its tenant (journal and clock follow it).
    resolveTenant: ({ query }) => ticketTenant(query.token),
  };
}
