// contracts/identity.yaml is valid OpenAPI 3.1, and stays in step with the handlers, envelopes, scenarios and the
// errcode table of the error catalogue.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadContracts } from "../../contracts/loader.js";
import { validateResponse } from "../../gateway/validation.js";
import { IDENTITY_ERRORS } from "../../mocks/identity/errors.js";
import { makeWorld } from "./identity-helpers.js";

const source = readFileSync(new URL("../../contracts/identity.yaml", import.meta.url), "utf8");
const table = loadContracts();
const ops = table.operations.filter((o) => o.platform === "identity");

describe("contracts/identity.yaml", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = parse(source);
    // The served copy: references into shared.yaml inlined by the loader, as the gateway serves it.
    const bundled = table.documents.find((d) => d.name === "identity")!.bundled;
    const v = new Validator();
    const res = await v.validate(structuredClone(bundled));
    expect(res.errors).toBeUndefined();
    expect(res.valid).toBe(true);
    expect(v.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
    expect(doc["x-gatesim-platform"]).toBe("identity");
  });

  it("has a handler for every operation and an operation for every handler", () => {
    const { idp } = makeWorld();
    expect(ops.map((o) => o.operationId).sort()).toEqual(Object.keys(idp.handlers).sort());
  });

  it("names an envelope the module exports on every operation", () => {
    const { idp } = makeWorld();
    for (const o of ops) expect(Object.keys(idp.envelopes), o.operationId).toContain(o.envelope);
    expect(
      ops.filter((o) => o.path.startsWith("/tif/") || o.path.startsWith("/pscp/")).every((o) => o.envelope === "tyrz"),
    ).toBe(true);
    expect(ops.filter((o) => o.path.startsWith("/oidc/")).every((o) => o.envelope === "oauth")).toBe(true);
  });

  it("serves the tyrz paths of facts §2.1 on both path families", () => {
    const paths = new Set(ops.map((o) => `${o.method} ${o.path}`));
    for (const fam of ["/tif", "/pscp"]) {
      for (const p of ["authorize", "access_token", "tokeninfo"])
        expect(paths.has(`GET ${fam}/sso/connect/page/oauth2/${p}`), `${fam} ${p}`).toBe(true);
      expect(paths.has(`GET ${fam}/sso/static/`)).toBe(true);
    }
    expect(paths.has("GET /pscp/sso/connect/page/oauth2/authorize/")).toBe(true);
    expect(paths.has("GET /_tif_sso_logout_/")).toBe(true);
    expect(paths.has("GET /.well-known/openid-configuration")).toBe(true);
  });

  it("puts admin operations under /_gatesim/identity with admin security", () => {
    const admin = ops.filter((o) => o.operationId.startsWith("identityAdmin"));
    expect(admin.length).toBeGreaterThanOrEqual(8);
    for (const o of admin) {
      expect(o.path.startsWith("/_gatesim/identity/")).toBe(true);
      expect(o.security).toEqual(["admin"]);
    }
  });

  it("documents every tyrz errcode of the catalogue", () => {
    for (const [key, e] of Object.entries(IDENTITY_ERRORS))
      expect(source, key).toMatch(new RegExp(`\\| ${e.code} \\| ${e.oauth} \\| ${e.status} \\|`));
  });

  it("has examples that satisfy their own schemas", () => {
    let n = 0;
    for (const o of ops)
      for (const [status, r] of Object.entries(o.responses))
        for (const [mt, m] of Object.entries(r.content))
          if (m.example !== undefined) {
            n++;
            expect(validateResponse(o, Number(status), mt, m.example), `${o.operationId} ${status}`).toEqual([]);
          }
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it("lists scenarios whose operations exist", () => {
    const { idp } = makeWorld();
    const ids = new Set(ops.map((o) => o.operationId));
    expect(idp.scenarios.map((s) => s.name).sort()).toEqual([
      "identity.account-locked",
      "identity.level-insufficient",
      "identity.login-cancelled",
      "identity.slow-token",
      "identity.unavailable",
    ]);
    for (const s of idp.scenarios)
      for (const op of s.operations ?? []) expect(ids.has(op), `${s.name}: ${op}`).toBe(true);
  });
});
