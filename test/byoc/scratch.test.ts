import { it } from "vitest";
import { loadUserContracts } from "../../gateway/byoc/user-contracts.js";
it("x", async () => {
  const c = await loadUserContracts([{ file: "test/byoc/fixtures/permits.yaml" }]);
  console.log(c[0].operations.map(o=>o.operationId+" "+o.method+" "+o.path));
  console.log(JSON.stringify(c[0].operations[0].responses["200"].content["application/json"].schema).slice(0,700));
});
