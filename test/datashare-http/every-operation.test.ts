// Every data-sharing operation, driven with a request sampled from its own contract, answers without a 5xx — in
// particular never 50001 (a handler answering outside its contract).
import { describe, expect, it } from "vitest";
import { tif } from "../helpers.js";
import { sampleSchema } from "../../gateway/sample.js";
import { prngFor } from "../../mocks/shared/prng.js";
import { makeDsSim } from "./helpers.js";

describe("every data-sharing operation with the module loaded", () => {
  it("answers a sampled request without a 5xx and within its contract", async () => {
    const w = await makeDsSim();
    const t = w.t("stmarket");
    const failures: string[] = [];
    const ops = w.sim.runtime.table.operations.filter((o) => o.platform === "datashare");
    expect(ops.length).toBeGreaterThanOrEqual(25);
    for (const op of ops) {
      const r = prngFor("ds-every-op", op.operationId);
      let url = op.path.replace(/\{([^}]+)\}/g, (_, name) => {
        const p = op.parameters.find((x) => x.in === "path" && x.name === name);
        return encodeURIComponent(String(sampleSchema(p?.schema ?? { type: "string" }, r)));
      });
      if (op.operationId === "datashareCatalogueGet") url = "/ebus/datashare/v1/catalogue/C1534277412332";
      const headers: Record<string, string> = { ...tif(t, { serviceId: op.serviceId }) };
      let payload: string | undefined;
      const json = op.requestBody?.content["application/json"];
      if (json) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(json.example ?? sampleSchema(json.schema ?? {}, r));
      }
      const res = await w.sim.app.inject({ method: op.method as "GET", url, headers, payload });
      if (res.statusCode >= 500 || res.headers["x-gatesim-contract-violations"])
        failures.push(`${op.operationId} ${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 400)}`);
    }
    expect(failures).toEqual([]);
    await w.platform.close();
  });
});
