// Deterministic GatewayMsg serviceIds for catalogue resources: "C" + 13 digits shaped like real ones (facts §1.2, §8.5).
import { createHash } from "node:crypto";

const BASE = 1_500_000_000_000n;
const SPAN = 200_000_000_000n;

/** serviceId for a resource code; `salt` > 0 picks another id when the first collides. */
export function serviceIdFor(resourceCode: string, salt = 0): string {
  const h = createHash("sha256")
    .update(salt ? `${resourceCode}#${salt}` : resourceCode)
    .digest();
  return `C${BASE + (h.readBigUInt64BE(0) % SPAN)}`;
}

export function isServiceId(v: string): boolean {
  return /^C\d{13}$/.test(v);
}
