// E-seal scenarios (forced per request or by tenant rule) and ugly inputs: bad base64, empty values, both/neither of
// digest and document, huge documents (413 in the envelope), contract violations.
import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../helpers.js";
import { esealSim, A, type EsealSim } from "./helpers.js";
import { sm3 } from "../../mocks/eseal/sm3.js";

let sim: EsealSim;
let sealCode: string;
const digest = sm3(Buffer.from("scenario")).toString("hex");
const scenario = (name: string) => ({ headers: { "x-gatesim-scenario": name } });

beforeAll(async () => {
  sim = await esealSim({ maxDocumentBytes: 64 * 1024 });
  sealCode = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0].sealCode;
});

const sign = (body: Record<string, unknown>, as?: Parameters<EsealSim["call"]>[3]) =>
  sim.call("POST", "/ebus/eseal/v1/signatures", { sealCode, ...body }, as);
const verify = (body: Record<string, unknown>) => sim.call("POST", "/ebus/eseal/v1/verifications", body);

describe("scenarios", () => {
  it("eseal.seal-revoked and eseal.seal-expired refuse 盖章 with 40920 / 40922; the seal itself is untouched", async () => {
    const r = await sign({ digest }, scenario("eseal.seal-revoked"));
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ errcode: 40920, _diagnostics: [{ rule: "scenario", seen: "eseal.seal-revoked" }] });
    const e = await sign({ digest }, scenario("eseal.seal-expired"));
    expect(e.status).toBe(409);
    expect(e.json.errcode).toBe(40922);
    expect((await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}/status`)).json.data.status).toBe("active");
  });

  it("eseal.service-unavailable answers 503 / 50320 on any e-seal operation", async () => {
    for (const [method, url, body] of [
      ["GET", "/ebus/eseal/v1/seal-types"],
      ["POST", "/ebus/eseal/v1/verifications", { signature: "AAAA" }],
      ["GET", "/ebus/eseal/v1/pki/root-ca"],
    ] as const) {
      const res = await sim.call(method, url, body, scenario("eseal.service-unavailable"));
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ errcode: 50320, data: null });
    }
  });

  it("eseal.signature-corrupted returns a signature with one flipped byte: 验章 says SIGNATURE_INVALID", async () => {
    const good = await sign({ digest });
    const bad = await sign({ digest }, scenario("eseal.signature-corrupted"));
    expect(bad.status).toBe(200);
    const a = Buffer.from(good.json.data.signature, "base64"),
      b = Buffer.from(bad.json.data.signature, "base64");
    expect(b.length).toBe(a.length);
    expect([...a].filter((x, i) => x !== b[i]).length).toBe(1);
    expect((await verify({ signature: bad.json.data.signature, digest })).json.data).toMatchObject({
      result: "FAILED",
      subIndication: "SIGNATURE_INVALID",
    });
  });

  it("a tenant rule forces a scenario without the header", async () => {
    const rule = await sim.app.inject({
      method: "POST",
      url: `/_gatesim/tenants/${A}/rules`,
      headers: admin,
      payload: { match: { operationId: "esealSign" }, action: { scenario: "eseal.seal-revoked" }, times: 1 },
    });
    expect(rule.statusCode).toBe(201);
    expect((await sign({ digest })).json.errcode).toBe(40920);
    expect((await sign({ digest })).status).toBe(200);
  });

  it("e-seal scenarios are listed in the catalogue", async () => {
    const res = await sim.app.inject({ method: "GET", url: "/_gatesim/scenarios" });
    const names = JSON.stringify(res.json());
    for (const n of [
      "eseal.seal-revoked",
      "eseal.seal-expired",
      "eseal.service-unavailable",
      "eseal.signature-corrupted",
    ])
      expect(names).toContain(n);
  });
});

describe("ugly inputs", () => {
  it("bad base64 is refused with 40026 naming the field and the character", async () => {
    const res = await sign({ document: "SGVsbG8*IHdvcmxk" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ errcode: 40026, _diagnostics: [{ location: "/body/document" }] });
    expect(res.json._diagnostics[0].message).toContain('"*"');
    const v = await verify({ signature: "not base64!" });
    expect(v.json).toMatchObject({ errcode: 40026, _diagnostics: [{ location: "/body/signature" }] });
    expect((await verify({ signature: "QUJD=" })).json.errcode).toBe(40026); // bad padding
  });

  it("empty values and both/neither of digest and document are 40020", async () => {
    expect((await sign({ document: "" })).json).toMatchObject({
      errcode: 40020,
      _diagnostics: [{ location: "/body/document", rule: "eseal.non-empty" }],
    });
    expect((await verify({ signature: "" })).json.errcode).toBe(40020);
    expect((await sign({})).json).toMatchObject({
      errcode: 40020,
      _diagnostics: [{ rule: "eseal.digest-or-document" }],
    });
    expect((await sign({ digest, document: "QUJD" })).json).toMatchObject({
      errcode: 40020,
      _diagnostics: [{ rule: "eseal.digest-xor-document" }],
    });
    expect((await verify({ signature: "QUJD", digest, document: "QUJD" })).json.errcode).toBe(40020);
  });

  it("a document over the platform's limit is 413 / 41320 in the envelope, with the advice to send a digest", async () => {
    const big = Buffer.alloc(64 * 1024 + 1, 0x41).toString("base64");
    const res = await sign({ document: big });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ errcode: 41320, data: null });
    expect(res.json._diagnostics[0].message).toContain("65537");
    expect((await verify({ signature: "QUJD", document: big })).status).toBe(413);
    expect((await sign({ document: Buffer.alloc(64 * 1024, 0x41).toString("base64") })).status).toBe(200);
  });

  it("the default limit (5 MiB) answers 41320 before the gateway's 10 MiB body limit", async () => {
    const dflt = await esealSim();
    const code = (await dflt.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0].sealCode;
    const res = await dflt.call("POST", "/ebus/eseal/v1/signatures", {
      sealCode: code,
      document: Buffer.alloc(6 * 1024 * 1024, 7).toString("base64"),
    });
    expect(res.status).toBe(413);
    expect(res.json.errcode).toBe(41320);
  });

  it("contract violations (malformed digest, unknown field, wrong seal code shape) are the gateway's 40005 with every violation", async () => {
    const res = await sim.call("POST", "/ebus/eseal/v1/signatures", { sealCode: "12", digest: "xyz", colour: "red" });
    expect(res.status).toBe(400);
    expect(res.json.errcode).toBe(40005);
    const where = res.json._diagnostics.map((d: { location: string }) => d.location).sort();
    expect(where).toEqual(["/body/colour", "/body/digest", "/body/sealCode"]);
    expect((await sim.call("POST", "/ebus/eseal/v1/signatures", "{not json")).json.errcode).toBe(40006);
  });

  it("a garbage but well-formed base64 signature gets a FAILED report, not an error", async () => {
    const v = await verify({ signature: Buffer.from("hello, seal").toString("base64"), digest });
    expect(v.status).toBe(200);
    expect(v.json.data).toMatchObject({ result: "FAILED", subIndication: "FORMAT_FAILURE" });
  });
});
