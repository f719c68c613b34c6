// The e-licence platform's framework-free core: catalogue, issuance domain, licence file, seeded licences.
export * from "./errors.js";
export * from "./licence-states.js";
export * from "./issuers.js";
export * from "./catalogue.js";
export * from "./licences.js";
export * from "./licence-file.js";
export * from "./seed-licences.js";
export { createElicencePlatform, type ElicencePlatform, type ElicenceApi, type ElicenceOptions } from "./platform.js";
