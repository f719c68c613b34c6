// gatesim as a library: start a simulator inside a test framework's global setup, or build it without a port.
import { buildApp, type BuildOptions } from "./app.js";
import { loadConfig, type GatesimConfig } from "./config.js";
import { listen } from "./server.js";
import { signedHeaders } from "../mocks/gateway/tif-signature.js";

export { buildApp } from "./app.js";
export { loadConfig, ConfigError } from "./config.js";
export {
  signedHeaders,
  tifSign,
  tifSignUser,
  makeNonce,
  verifyTifBackendSignature,
} from "../mocks/gateway/tif-signature.js";
export {
  checkIdNumber,
  checkUscc,
  checkOrgCode,
  checkDivisionCode,
  checkLicenceId,
  makeLicenceId,
} from "../mocks/shared/ids.js";

export interface StartOptions extends Omit<BuildOptions, "config"> {
  /** Config overrides; port defaults to 0 (any free port) and logLevel to "silent". */
  config?: Partial<GatesimConfig> & Record<string, unknown>;
}

export interface TestApp {
  paasid: string;
  paasToken: string;
  controlToken: string;
  name: string;
  /** x-tif headers for one call, signed now on this tenant's clock. */
  sign(opts?: { serviceId?: string; upper?: boolean }): Record<string, string>;
}

export interface StartedSimulator {
  url: string;
  adminToken: string;
  apps: TestApp[];
  close(): Promise<void>;
}

/** Start a listening simulator (for vitest/jest globalSetup); close() when done. */
export async function startSimulator(options: StartOptions = {}): Promise<StartedSimulator> {
  const { config: overrides, ...rest } = options;
  const config = loadConfig({ overrides: { port: 0, logLevel: "silent", ...(overrides ?? {}) } });
  const sim = await listen(config, rest);
  const apps = sim.runtime.tenants.list().map((t) => ({
    paasid: t.tenant.paasid,
    paasToken: t.tenant.paasToken,
    controlToken: t.tenant.controlToken,
    name: t.tenant.name,
    sign: (o: { serviceId?: string; upper?: boolean } = {}) =>
      signedHeaders(t.tenant.paasid, t.tenant.paasToken, { now: t.clock.now(), ...o }),
  }));
  return { url: sim.url, adminToken: sim.runtime.adminToken, apps, close: sim.close };
}

export { buildApp as createSimulator };
export type { GatesimConfig, BuildOptions };
