// The parts of a user's contract a Prism user expects honoured beyond the basics: a discriminator (mapping, bare
// names, implicit names, a branch in a sibling file) selecting the branch a body is checked against, samples honouring
// multipleOf, exclusive bounds and negated pattern classes, a JSON-valued (`content`) query parameter, and the answer
// media type negotiated from Accept. An OpenAPI 3.1 contract written in JSON (fixtures/pets.json).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../gateway/app.js";
import { mockSim } from "./helpers.js";

const PETS = "test/byoc/fixtures/pets.json";
let sim: Simulator;
beforeAll(async () => void (sim = await mockSim(PETS)));
afterAll(() => sim.app.close());

const list = (query = "", headers: Record<string, string> = {}) =>
  sim.app.inject({ method: "GET", url: `/pets${query}`, headers });
const add = (body: unknown) => sim.app.inject({ method: "POST", url: "/pets", payload: body as object });
const where = (res: { json(): any }) =>
  res.json()._diagnostics.map((d: { location: string; rule: string }) => [d.location, d.rule.split(" ")[0]]);

describe("schema samples", () => {
  it("honour multipleOf, exclusive and fractional bounds, negated classes and the discriminator's tag", async () => {
    const res = await list();
    // the answer is self-validated against the contract: a sample breaking it would be a 500 naming the rule
    expect(res.statusCode).toBe(200);
    const l = res.json();
    expect(l.total % 7).toBe(0);
    expect(l.total).toBeGreaterThanOrEqual(10);
    expect([0.1, 0.2, 0.3]).toContain(l.fee);
    expect(l.weightKg).toBeGreaterThan(1);
    expect(l.weightKg).toBeLessThan(1.5);
    expect(l.code).toMatch(/^[^0-9a-z]{4}-[^A-Z\s]{2}$/);
    expect(l.ref).toMatch(/^\D{3}\W\S$/);
    // the first branch (Cat) with its first mapped tag, not a placeholder string
    expect(l.first).toMatchObject({ petType: "kitty", name: expect.any(String), lives: expect.any(Number) });
  });
});

describe("a discriminator selects the branch", () => {
  it("accepts each branch by its mapped tag, bare-name tag, implicit name and sibling-file reference", async () => {
    for (const body of [
      { petType: "kitty", name: "Mimi", lives: 9 },
      { petType: "cat", name: "Mimi", lives: 1 },
      { petType: "Dog", name: "Rex", lives: "plenty" },
      { petType: "bird", wingspanCm: 19.99 }, // a multiple of 0.01 to a person, not to IEEE 754 without a tolerance
    ])
      expect((await add(body)).statusCode, JSON.stringify(body)).toBe(201);
  });

  it("checks the body against the tagged branch only, naming what that branch misses", async () => {
    const kitty = await add({ petType: "kitty", name: "Mimi" });
    expect(kitty.statusCode).toBe(400);
    expect(where(kitty)).toEqual([["/body/lives", "required"]]);
    // a Cat's integer lives would pass plain oneOf as a Cat; the tag says Dog, whose lives is a string
    const dog = await add({ petType: "Dog", name: "Rex", lives: 3 });
    expect(dog.statusCode).toBe(400);
    expect(where(dog)).toEqual([["/body/lives", "type"]]);
  });

  it("refuses an unknown or missing tag, listing every tag the contract maps", async () => {
    const fish = await add({ petType: "fish", name: "Nemo" });
    expect(fish.statusCode).toBe(400);
    expect(where(fish)).toEqual([["/body/petType", "enum"]]);
    expect(fish.json()._diagnostics[0].hint).toContain('["kitty","cat","Dog","bird"]');
    const none = await add({ name: "Nemo" });
    expect(where(none)).toEqual([["/body/petType", "required"]]);
    const notObject = await add(["kitty"]);
    expect(notObject.statusCode).toBe(400);
    expect(where(notObject)).toEqual([["/body", "type"]]);
  });
});

describe("a parameter described by content", () => {
  it("is parsed as JSON and checked against its schema", async () => {
    const ok = await list(`?filter=${encodeURIComponent(JSON.stringify({ kind: "cat", maxAge: 3 }))}`);
    expect(ok.statusCode).toBe(200);
    const fish = await list(`?filter=${encodeURIComponent(JSON.stringify({ kind: "fish" }))}`);
    expect(fish.statusCode).toBe(400);
    expect(where(fish)).toEqual([["/query/filter/kind", "enum"]]);
  });

  it("that is no JSON is refused with the parse error and an example, once", async () => {
    const bad = await list("?filter=kind:cat");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errcode).toBe(40005);
    expect(where(bad)).toEqual([["/query/filter", "parameter.content"]]);
    expect(bad.json()._diagnostics[0].seen).toBe("kind:cat");
    expect(bad.json()._diagnostics[0].hint).toContain("filter=%7B%7D");
  });
});

describe("Accept", () => {
  it("picks the declared media type the client asks for, honouring q-values", async () => {
    const csv = await list("", { accept: "text/csv" });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.body).toBe("petType,name\nkitty,Mimi\n");
    const preferJson = await list("", { accept: "text/csv;q=0.5, application/json" });
    expect(preferJson.headers["content-type"]).toMatch(/^application\/json/);
    const refusedJson = await list("", { accept: "application/json;q=0, text/*" });
    expect(refusedJson.headers["content-type"]).toMatch(/^text\/csv/);
    // a browser's Accept ends in */*: JSON, what it most likely reads
    const browser = await list("", { accept: "text/html,application/xhtml+xml,*/*;q=0.8" });
    expect(browser.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("that allows none of them is refused with 406, naming the declared ones", async () => {
    const res = await list("", { accept: "application/xml" });
    expect(res.statusCode).toBe(406);
    expect(res.json()).toMatchObject({
      errcode: 40601,
      _diagnostics: [
        { location: "/headers/accept", seen: "application/xml", hint: expect.stringContaining("text/csv") },
      ],
    });
  });
});
