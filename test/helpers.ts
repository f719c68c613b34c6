// Test helpers: build the simulator in-process (inject(), never a port) and sign calls like a department would.
import { buildApp, type BuildOptions, type Simulator } from "../gateway/app.js";
import { signedHeaders } from "../mocks/gateway/tif-signature.js";
import type { TenantRuntime } from "../gateway/tenants.js";

export const ADMIN = "test-admin-token-0123456789";

export async function makeSim(
  opts: BuildOptions & { overrides?: Record<string, unknown> } = {},
): Promise<Simulator & { tenant: (paasid?: string) => TenantRuntime }> {
  const { overrides, ...rest } = opts;
  const sim = buildApp({ config: { logLevel: "silent", adminToken: ADMIN, ...(overrides ?? {}) }, ...rest });
  await sim.app.ready();
  return { ...sim, tenant: (paasid = "C90-44050001") => sim.runtime.tenants.get(paasid)! };
}

/** x-tif headers for a tenant, signed at the tenant's clock time. */
export function tif(
  t: TenantRuntime,
  opts: { nonce?: string; serviceId?: string; upper?: boolean; now?: number } = {},
): Record<string, string> {
  return signedHeaders(t.tenant.paasid, t.tenant.paasToken, { now: opts.now ?? t.clock.now(), ...opts });
}

export const admin = { authorization: `Bearer ${ADMIN}` };
