// Concurrent requests of one tenant on a store that hands back copies (sqlite; Redis behaves alike): none saves over
// another's change. Twenty seal applications at once → twenty seals, every one found afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../gateway/app.js";
import { loadConfig } from "../../gateway/config.js";
import { makeSim } from "../helpers.js";
import { call, type Sim } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "gatesim-concurrency-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("one tenant's concurrent writes on sqlite", () => {
  let sim: Sim;
  afterAll(async () => {
    await sim?.app.close();
  });

  it("twenty seal applications at once make twenty seals, each found afterwards", async () => {
    const overrides = { store: { sqlite: dir } };
    sim = await makeSim({ overrides, backend: await openStore(loadConfig({ env: {}, overrides })) });
    const org = sim.tenant().tenant.orgCode!;
    const made = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(sim, "POST", "/ebus/eseal/v1/seals", {
          body: { orgUscc: org, type: "04", validTo: new Date(Date.now() + 300 * 86_400_000).toISOString() },
        }),
      ),
    );
    expect(made.map((r) => r.status)).toEqual(Array(20).fill(201));
    const codes = made.map((r) => r.json.data.sealCode as string);
    expect(new Set(codes).size).toBe(20);
    for (const code of codes) expect((await call(sim, "GET", `/ebus/eseal/v1/seals/${code}`)).status).toBe(200);
    const listed = await call(sim, "GET", `/ebus/eseal/v1/seals?orgUscc=${org}`);
    expect(listed.json.data.seals.map((s: { sealCode: string }) => s.sealCode)).toEqual(expect.arrayContaining(codes));
  });
});
