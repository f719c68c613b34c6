// `gatesim mock`: the contract at its own paths without x-tif, stateful CRUD behind its flag, and --watch reloads.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { get } from "node:http";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../gateway/app.js";
import { loadConfig } from "../../gateway/config.js";
import { startMock } from "../../gateway/byoc/mock-command.js";
import { serveWithReload } from "../../gateway/byoc/watch.js";
import { admin } from "../helpers.js";
import { mockSim, PERMITS } from "./helpers.js";
import { testDir } from "../temp-dir.js";

const NO = "JY14405070000009";
const APPLICATION = {
  holder: { kind: "person", idNumber: "44050719900101123X", name: "张三" },
  category: "drug",
  contactEmail: "z@example.gov.cn",
};

/** A GET on a fresh connection (a restarted server closes the old ones): the status. */
const status = (url: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) =>
    get(url, { agent: false, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on("error", reject),
  );

describe("mock mode", () => {
  let sim: Simulator;
  beforeAll(async () => void (sim = await mockSim(PERMITS)));
  afterAll(() => sim.app.close());

  it("serves the contract at its own paths with no x-tif checks, validating and answering the same way", async () => {
    const list = await sim.app.inject({ method: "GET", url: "/permits" });
    expect(list.statusCode).toBe(200);
    expect(list.json()[0].permitNo).toMatch(/^[A-Z]{2}\d{14}$/);
    const bad = await sim.app.inject({ method: "POST", url: "/permits", payload: { category: "toys" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()._diagnostics.length).toBeGreaterThanOrEqual(3);
    const ex = await sim.app.inject({ method: "GET", url: `/permits/${NO}`, headers: { prefer: "example=company" } });
    expect(ex.json().holder.name).toBe("汕头示例公司");
    expect((await sim.app.inject({ method: "GET", url: "/ebus/permits/permits" })).statusCode).toBe(404);
  });

  it("journals the calls under the first built-in tenant", async () => {
    const j = await sim.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    expect(j.json().entries.some((e: { url: string }) => e.url === "/permits")).toBe(true);
  });

  it("without --crud a created resource is not stored", async () => {
    await sim.app.inject({ method: "POST", url: "/permits", payload: { ...APPLICATION, staff: 3 } });
    const got = await sim.app.inject({ method: "GET", url: `/permits/${NO}` });
    expect(got.json().holder.kind).toBe("company"); // the contract's own example
  });
});

describe("stateful CRUD (--crud)", () => {
  let sim: Simulator;
  beforeAll(async () => void (sim = await mockSim(PERMITS, true)));
  afterAll(() => sim.app.close());

  it("POST creates, GET by id reads it back, the list shows it, DELETE removes it", async () => {
    const created = await sim.app.inject({ method: "POST", url: "/permits", payload: APPLICATION });
    expect(created.statusCode).toBe(201);
    const id = created.json().permitNo as string;
    expect(created.headers.location).toBe(`/permits/${id}`);
    const stored = await sim.app.inject({ method: "GET", url: `/permits/${id}` });
    expect(stored.json().holder).toEqual(APPLICATION.holder);
    const list = await sim.app.inject({ method: "GET", url: "/permits" });
    expect(list.json().map((p: { permitNo: string }) => p.permitNo)).toContain(id);
    expect((await sim.app.inject({ method: "DELETE", url: `/permits/${id}` })).statusCode).toBe(204);
    const again = await sim.app.inject({ method: "DELETE", url: `/permits/${id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()._diagnostics[0].location).toBe("/params/permitNo");
  });
});

describe("--watch", () => {
  it("reloads a changed valid contract and keeps the running one when the new one is invalid", async () => {
    const dir = testDir("gatesim-byoc-watch-");
    const file = join(dir, "permits.yaml");
    copyFileSync(PERMITS, file);
    copyFileSync("test/byoc/fixtures/permit-components.yaml", join(dir, "permit-components.yaml"));
    const config = loadConfig({
      overrides: { logLevel: "silent", port: 0, httpThread: false, contracts: [{ file }] },
    });
    const log = pino({ level: "silent" });
    const r = await serveWithReload(config, (c) => startMock(c, log), { log, mode: "mock", debounceMs: 50 });
    try {
      const url = r.current().url;
      const original = readFileSync(file, "utf8");
      let next = r.nextReload();
      writeFileSync(file, original.replace("openapi: 3.0.3", "openapi: 3.0.3\nnot-a-field: [unclosed"));
      expect(await next).toBe("kept");
      expect(await status(`${url}/permits`)).toBe(200);
      next = r.nextReload();
      writeFileSync(file, original.replace("/permits/{permitNo}:", "/licences/{permitNo}:"));
      expect(await next).toBe("reloaded");
      expect(r.current().url).toBe(url);
      expect(await status(`${url}/licences/${NO}`, { prefer: "example=company" })).toBe(200);
      expect(await status(`${url}/permits/${NO}`)).toBe(404);
    } finally {
      await r.close();
    }
  });
});
