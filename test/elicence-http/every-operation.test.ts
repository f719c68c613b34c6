// Every e-licence operation answers a request sampled from its contract without a 5xx or a contract violation
// (the gateway replaces an answer outside the contract with 50001, so this also keeps handlers and contract in step).
import { describe, expect, it } from "vitest";
import { sampleSchema } from "../../gateway/sample.js";
import { prngFor } from "../../mocks/shared/prng.js";
import { tif, admin } from "../helpers.js";
import { A, elicenceSim } from "./helpers.js";

describe("every e-licence operation", () => {
  it("answers sampled requests without 5xx or contract violations", async () => {
    const h = await elicenceSim();
    const t = h.sim.tenant(A);
    const token = await h.login(h.person().id, A);
    const failures: string[] = [];
    for (const op of h.sim.runtime.table.operations.filter((o) => o.platform === "elicence")) {
      for (const round of [0, 1, 2]) {
        const r = prngFor("elicence-every-op", `${op.operationId}:${round}`);
        let url = op.path.replace(/\{([^}]+)\}/g, (_, name) =>
          name === "paasid"
            ? A
            : encodeURIComponent(
                String(
                  sampleSchema(
                    op.parameters.find((x) => x.in === "path" && x.name === name)?.schema ?? { type: "string" },
                    r,
                  ),
                ),
              ),
        );
        const query = op.parameters
          .filter((p) => p.in === "query" && p.required)
          .map((p) => `${p.name}=${encodeURIComponent(String(sampleSchema(p.schema, r)))}`);
        if (query.length) url += `?${query.join("&")}`;
        const headers: Record<string, string> = {};
        if (op.security.includes("tif")) Object.assign(headers, tif(t, { serviceId: op.serviceId }));
        else if (op.security.includes("bearer")) headers.authorization = `Bearer ${token}`;
        if (op.security.includes("admin")) Object.assign(headers, admin);
        const json = op.requestBody?.content["application/json"];
        let payload: string | undefined;
        if (json) {
          headers["content-type"] = "application/json";
          payload = JSON.stringify(
            round === 2 && json.example !== undefined ? json.example : sampleSchema(json.schema ?? {}, r),
          );
        }
        const res = await h.sim.app.inject({ method: op.method as "GET", url, headers, payload });
        if (res.statusCode >= 500 || res.headers["x-gatesim-contract-violations"])
          failures.push(`${op.operationId} → ${res.statusCode} ${res.body.slice(0, 400)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
