// Builds a simulator with departments' own contracts mounted (the table loaded as `gatesim start --contract` does).
import { buildApp, type Simulator } from "../../gateway/app.js";
import { loadConfig } from "../../gateway/config.js";
import { tableFor } from "../../gateway/byoc/table.js";
import type { UserContractSpec } from "../../gateway/byoc/user-contracts.js";
import { ADMIN } from "../helpers.js";

export const PERMITS = "test/byoc/fixtures/permits.yaml";

export async function mount(
  contracts: UserContractSpec[],
  overrides: Record<string, unknown> = {},
): Promise<Simulator> {
  const config = loadConfig({ overrides: { logLevel: "silent", adminToken: ADMIN, contracts, ...overrides } });
  const sim = buildApp({ config, table: await tableFor(config) });
  await sim.app.ready();
  return sim;
}

/** `gatesim mock`'s simulator in process: one contract at its own paths, no x-tif checks, no built-in platforms. */
export async function mockSim(file: string, crud = false): Promise<Simulator> {
  const config = loadConfig({ overrides: { logLevel: "silent", adminToken: ADMIN, contracts: [{ file, crud }] } });
  const sim = buildApp({ config, table: await tableFor(config, undefined, "mock"), platforms: () => [] });
  await sim.app.ready();
  return sim;
}
