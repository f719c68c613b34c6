// The platform modules a default simulator runs, besides the gateway's own and the control plane.
import type { PlatformModule } from "../mocks/shared/types.js";
import type { Seed } from "../mocks/shared/seed-types.js";
import type { GatesimConfig } from "./config.js";

export function defaultPlatforms(_seed: Seed, _config: Readonly<GatesimConfig>): PlatformModule[] {
  return [];
}
