// Contracts: valid OpenAPI 3.1, loaded into one operation table, generated types in step.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { CONTRACTS_DIR, loadContracts } from "../../contracts/loader.js";
// @ts-expect-error plain ESM script without types
import { renderContractTypes } from "../../scripts/contract-types.mjs";

const table = loadContracts();

describe("contracts", () => {
  it("every platform has a document, each a valid OpenAPI 3.1 document", async () => {
    expect(table.documents.map((d) => d.platform).sort()).toEqual(
      expect.arrayContaining(["admin", "datashare", "elicence", "eseal", "gateway"]),
    );
    for (const d of table.documents) {
      const v = new Validator();
      const res = await v.validate(structuredClone(d.bundled));
      expect({ doc: d.name, valid: res.valid, errors: res.errors }).toEqual({
        doc: d.name,
        valid: true,
        errors: undefined,
      });
      expect(v.version).toBe("3.1");
    }
  });

  it("every parameter, request and response schema is valid JSON Schema 2020-12 (runtime validation skips this check)", () => {
    const ajv = new Ajv2020({ strict: false });
    const bad: string[] = [];
    const check = (where: string, schema: unknown) => {
      if (schema !== undefined && !ajv.validateSchema(schema as object))
        bad.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
    };
    for (const op of table.operations) {
      for (const p of op.parameters) check(`${op.operationId} ${p.in} ${p.name}`, p.schema);
      for (const [mt, m] of Object.entries(op.requestBody?.content ?? {}))
        check(`${op.operationId} request ${mt}`, m.schema);
      for (const [status, r] of Object.entries(op.responses))
        for (const [mt, m] of Object.entries(r.content)) check(`${op.operationId} ${status} ${mt}`, m.schema);
    }
    expect(bad).toEqual([]);
    expect(ajv.validateSchema({ type: "object", properties: { a: { type: "strng" } } })).toBe(false); // the check can fail
  });

  it("operationIds are unique and GatewayMsg services carry their serviceId", () => {
    expect(new Set(table.operations.map((o) => o.operationId)).size).toBe(table.operations.length);
    const ping = table.byId.get("gatewayInvokePing")!;
    expect(ping).toMatchObject({
      path: "/GatewayMsg/http/api/proxy/invoke",
      serviceId: "C0000000000001",
      method: "POST",
      security: ["tif"],
    });
    expect(table.byId.get("adminListTenants")!.security).toEqual(["admin"]);
    expect(table.byId.get("gatewayCheckIdentifier")!.security).toEqual(["none"]);
  });

  it("cross-file references are resolved in the table and inlined in the served copy", () => {
    const ping = table.byId.get("gatewayInvokePing")!;
    const err = ping.responses["400"].content["application/json"].schema as Record<string, any>;
    expect(err.required).toEqual(["errcode", "errmsg", "data"]);
    expect(JSON.stringify(table.documents.find((d) => d.name === "gateway")!.bundled)).not.toContain("./shared.yaml");
  });

  it("generated types match the contracts (run npm run gen:types after changing a contract)", async () => {
    const rendered: Record<string, string> = await renderContractTypes(table);
    for (const [name, text] of Object.entries(rendered)) {
      const committed = readFileSync(join(CONTRACTS_DIR, "types", `${name}.d.ts`), "utf8");
      expect(committed, `contracts/types/${name}.d.ts drifted from contracts/${name}.yaml`).toBe(text);
    }
  });
});
