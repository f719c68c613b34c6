import { describe, expect, it } from "vitest";
import { DATASHARE_SCENARIOS } from "../../mocks/datashare/scenarios.js";

describe("data-sharing scenarios", () => {
  it("name each required scenario once with the §8.5 / §8.1 codes", () => {
    const byName = new Map(DATASHARE_SCENARIOS.map((s) => [s.name, s]));
    expect(byName.size).toBe(DATASHARE_SCENARIOS.length);
    const code = (n: string) => {
      const o = byName.get(n)!.outcome;
      return o.kind === "problem" ? [o.problem.code, o.problem.status] : o.kind;
    };
    expect(code("datashare.grant-expired")).toEqual([1003, 403]);
    expect(code("datashare.quota-exhausted")).toEqual([1004, 429]);
    expect(code("datashare.resource-withdrawn")).toEqual([1005, 410]);
    expect(code("datashare.provider-down")).toEqual([50201, 502]);
    expect(code("datashare.provider-timeout")).toEqual([50401, 504]);
    expect(code("datashare.provider-slow")).toBe("latency");
    expect(code("datashare.application-denied")).toBe("result");
    for (const s of DATASHARE_SCENARIOS) expect(s.zh && s.en && s.platform === "datashare").toBeTruthy();
  });
});
