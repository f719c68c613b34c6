// The e-seal platform module (统一电子印章), wiring only: REST handlers (handlers/) behind the gateway, per-tenant
// seal state in the tenant's store, seed-derived test PKI, scenarios and the in-process API for e-licence (facts §3, §8.3).
import type { Seed } from "../shared/seed-types.js";
import type { PlatformModule } from "../shared/types.js";
import { createEsealApi, type EsealApi } from "./eseal-api.js";
import { ESEAL_PLATFORM, ESEAL_SCENARIOS } from "./scenarios.js";
import { bindHandlers } from "../shared/operations.js";
import { pkiHandlers } from "./handlers/pki.js";
import { sealHandlers } from "./handlers/seals.js";
import { signatureHandlers } from "./handlers/signatures.js";
import { retryOnConflict, TenantSealRegistry, type TenantSealsOptions } from "./tenant-seals.js";

export type EsealPlatformOptions = TenantSealsOptions;

export type EsealPlatform = PlatformModule & { name: "eseal"; api: EsealApi };

export { ESEAL_ERRORS } from "./errors.js";
export { ESEAL_SCENARIOS } from "./scenarios.js";
export { SEEDED_SEAL } from "./tenant-seals.js";
export type { EsealApi, EsealApiContext, SealDocumentOptions, SealedDocument, BoundSealer } from "./eseal-api.js";

/** The e-seal platform over a seed: pass it to buildApp/startSimulator's `platforms`. */
export function createEsealPlatform(seed: Seed, opts: EsealPlatformOptions = {}): EsealPlatform {
  const registry = new TenantSealRegistry(seed, opts);
  return {
    name: ESEAL_PLATFORM,
    // a save that lost to another replica's runs the handler again on the new state (tenant-seals.ts)
    handlers: bindHandlers({ reg: registry }, [sealHandlers, signatureHandlers, pkiHandlers], (run) =>
      retryOnConflict(run),
    ),
    scenarios: ESEAL_SCENARIOS,
    api: createEsealApi(registry),
    attachStore: (store) => registry.attachStore(store),
  };
}
