// Ugly inputs against every operation of every contract: wrong JSON types, empty and garbage bodies, odd path values.
// Each must get a 4xx (or a 2xx where the contract allows it) in the platform's own format — never a 5xx.
import { describe, expect, it } from "vitest";
import { admin, makeSim, tif } from "../helpers.js";

const BODIES: [string, string | undefined, string][] = [
  ["empty", "", "application/json"],
  ["null", "null", "application/json"],
  ["array", "[1,2,3]", "application/json"],
  ["string", '"汕头"', "application/json"],
  [
    "wrong types",
    '{"audit_info":7,"query":"x","serviceId":[],"fields":{},"digest":12,"document":true,"client_id":{"a":1}}',
    "application/json",
  ],
  ["deep", `${"[".repeat(2000)}${"]".repeat(2000)}`, "application/json"],
  ["bad utf-8", "\u00ff", "application/json"],
  ["form garbage", "a=%ZZ&&=b&client_id=", "application/x-www-form-urlencoded"],
];
const PATH_VALUES = ["%00", "..%2F..%2Fetc%2Fpasswd", "x".repeat(400), "%E4%B8%AD%E6%96%87", "-1"];

describe("ugly inputs on every operation", () => {
  it("never produce a 5xx", async () => {
    const sim = await makeSim();
    const t = sim.tenant();
    const failures: string[] = [];
    for (const op of sim.runtime.table.operations) {
      const headers = (): Record<string, string> => ({
        ...(op.security.includes("tif") ? tif(t, { serviceId: op.serviceId }) : {}),
        ...(op.security.includes("admin") ? admin : {}),
      });
      const paths = op.path.includes("{")
        ? PATH_VALUES.map((v) => op.path.replace(/\{([^}]+)\}/g, (_, n) => (n === "paasid" ? t.tenant.paasid : v)))
        : [op.path];
      for (const url of paths) {
        for (const [name, payload, ct] of op.method === "GET" || op.method === "DELETE"
          ? [["none", undefined, ""] as [string, undefined, string]]
          : BODIES) {
          const h = headers();
          if (payload !== undefined) h["content-type"] = ct;
          const res = await sim.app.inject({
            method: op.method as "GET",
            url,
            headers: h,
            payload:
              name === "bad utf-8"
                ? Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])
                : payload,
          });
          if (res.statusCode >= 500)
            failures.push(
              `${op.operationId} ${op.method} ${url.slice(0, 80)} [${name}] → ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
