// IP allow-lists (facts §1.5: the 粤省事 backend checks trusted IPs and CIDRs first): exact IPv4/IPv6 or IPv4 CIDR.

function v4(ip: string): number | undefined {
  const m = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function ipAllowed(ip: string, list: string[]): boolean {
  const addr = v4(ip);
  for (const entry of list) {
    const [base, bits] = entry.split("/");
    if (bits === undefined) {
      if (entry === ip || (addr !== undefined && v4(entry) === addr)) return true;
      continue;
    }
    const b = v4(base),
      n = Number(bits);
    if (addr === undefined || b === undefined || !(n >= 0 && n <= 32)) continue;
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    if ((addr & mask) === (b & mask)) return true;
  }
  return false;
}
