// Every operation of every contract is routed and answers without an unexplained 404 or a 5xx.
import { describe, expect, it } from "vitest";
import { admin, makeSim, tif } from "../helpers.js";
import { sampleSchema } from "../../gateway/sample.js";
import { prngFor } from "../../mocks/shared/prng.js";

describe("every operation", () => {
  it("answers a plausible request with something other than an unexplained 404 or a 5xx", async () => {
    const sim = await makeSim();
    const t = sim.tenant();
    const failures: string[] = [];
    for (const op of sim.runtime.table.operations) {
      const r = prngFor("every-op", op.operationId);
      let url = op.path.replace(/\{([^}]+)\}/g, (_, name) => {
        if (name === "paasid") return t.tenant.paasid;
        const p = op.parameters.find((x) => x.in === "path" && x.name === name);
        return encodeURIComponent(String(sampleSchema(p?.schema ?? { type: "string" }, r)));
      });
      const query = op.parameters
        .filter((p) => p.in === "query" && p.required)
        .map((p) => `${p.name}=${encodeURIComponent(String(sampleSchema(p.schema, r)))}`);
      if (query.length) url += `?${query.join("&")}`;
      const headers: Record<string, string> = {};
      if (op.security.includes("tif")) Object.assign(headers, tif(t, { serviceId: op.serviceId }));
      if (op.security.includes("admin")) Object.assign(headers, admin);
      let payload: string | undefined;
      const json = op.requestBody?.content["application/json"];
      if (json) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(sampleSchema(json.schema ?? {}, r));
      } else if (op.requestBody?.content["application/x-www-form-urlencoded"]) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        payload = "";
      }
      const res = await sim.app.inject({ method: op.method as "GET", url, headers, payload });
      let body: { errcode?: number; _diagnostics?: { rule: string }[] } | undefined;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
      // A 404 is fine when the platform explains it (e.g. "no such client"); a route or service that does not exist is not.
      const rules = (body?._diagnostics ?? []).map((d) => d.rule);
      const unexplained404 =
        res.statusCode === 404 &&
        (rules.includes("route.exists") ||
          rules.includes("gateway.service-registered") ||
          (!rules.length && !res.body.includes("error")));
      if (res.statusCode >= 500 || unexplained404)
        failures.push(`${op.operationId} ${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
      expect(res.headers["x-gatesim-trace-id"], op.operationId).toBeTruthy();
    }
    expect(failures).toEqual([]);
  });
});
