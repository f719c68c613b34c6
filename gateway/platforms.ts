// The platform modules a default simulator runs, besides the gateway's own and the control plane.
import type { PlatformModule } from "../mocks/shared/types.js";
import type { Seed } from "../mocks/shared/seed-types.js";
import { createIdentityPlatform } from "../mocks/identity/platform.js";
import { createEsealPlatform } from "../mocks/eseal/platform.js";
import { createElicencePlatform } from "../mocks/elicence/platform.js";
import { createDatasharePlatform } from "../mocks/datashare/platform.js";
import { DEFAULTS, type GatesimConfig } from "./config.js";

/** The base URL clients reach the simulator at: the OIDC issuer, links, redirects. */
export function publicUrlOf(config: Readonly<GatesimConfig>): string {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return config.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

export function defaultPlatforms(seed: Seed, config: Readonly<GatesimConfig>): PlatformModule[] {
  // a complete config handed to buildApp is used as given, so sections added later may be missing from it
  const outboundAllowHosts = (config.outbound ?? DEFAULTS.outbound).allowHosts;
  const identity = createIdentityPlatform({
    seed,
    issuer: publicUrlOf(config),
    keySeed: config.seed,
    config: { outboundAllowHosts },
  });
  return [
    {
      ...identity,
      onTenant: { create: (p) => void identity.api.ensureTenant(p), reset: (p) => void identity.api.resetTenant(p) },
    },
    createEsealPlatform(seed),
    createElicencePlatform(seed),
    createDatasharePlatform(seed, {
      config: { outboundAllowHosts, auditCap: (config.datashare ?? DEFAULTS.datashare).auditCap },
    }),
  ];
}
