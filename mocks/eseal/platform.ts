// The e-seal platform module (统一电子印章, issue 4): REST handlers behind the gateway, per-tenant seal state in the
// tenant's store, shared seed-derived test PKI, scenarios and the in-process API for e-licence (facts §3, §8.3).
import type { Seed } from "../shared/seed-types.js";
import type { PlatformModule } from "../shared/types.js";
import { createEsealApi, type EsealApi } from "./eseal-api.js";
import { ESEAL_PLATFORM, ESEAL_SCENARIOS } from "./scenarios.js";
import { createEsealHandlers } from "./http-handlers.js";
import { TenantSealRegistry, type TenantSealsOptions } from "./tenant-seals.js";

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
    handlers: createEsealHandlers(registry),
    scenarios: ESEAL_SCENARIOS,
    api: createEsealApi(registry),
    attachStore: (store) => registry.attachStore(store),
  };
}
