// Everything one simulator instance holds: config, operation table, platforms, tenants, scenarios, seed.
import type { Logger as PinoLogger } from "pino";
import type { OperationTable } from "../contracts/loader.js";
import type { PlatformModule, SecuritySchemeVerifier } from "../mocks/shared/types.js";
import type { Seed } from "../mocks/shared/seed-types.js";
import type { GatesimConfig } from "./config.js";
import type { TenantRegistry } from "./tenants.js";
import type { ScenarioCatalogue } from "./scenarios.js";
import type { Journal } from "./journal.js";

export interface Runtime {
  config: GatesimConfig;
  table: OperationTable;
  platforms: Map<string, PlatformModule>;
  /** Credential verifiers by security scheme name, from the platforms that offer them (PlatformModule.securitySchemes). */
  securitySchemes: Map<string, SecuritySchemeVerifier>;
  tenants: TenantRegistry;
  scenarios: ScenarioCatalogue;
  seed: Seed;
  log: PinoLogger;
  /** Requests that matched no operation and could not be attributed to a tenant. */
  unmatched: Journal;
  adminToken: string;
  startedAt: number;
  /** The tenant open requests belong to when nothing names one: the first built-in tenant. */
  defaultTenant(): import("./tenants.js").TenantRuntime;
  version: string;
}
