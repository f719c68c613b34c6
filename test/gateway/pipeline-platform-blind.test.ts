// The request path knows security schemes and stages, not platforms (architecture.md §2: the core of the pipeline
// knows no platform): no pipeline step names one, so a platform can be added, removed or replaced without touching it.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultPlatforms } from "../../gateway/platforms.js";
import { loadConfig } from "../../gateway/config.js";
import { createSeed } from "../../mocks/shared/seed/index.js";

describe("the pipeline is platform-blind", () => {
  it("no file in gateway/pipeline names a platform", () => {
    const names = defaultPlatforms(createSeed("blind"), loadConfig({ overrides: { logLevel: "silent" } })).map(
      (m) => m.name,
    );
    expect(names).toEqual(expect.arrayContaining(["identity", "eseal", "elicence", "datashare"]));
    const dir = new URL("../../gateway/pipeline/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), "utf8");
      for (const n of names)
        expect(text.includes(`"${n}"`) || text.includes(`'${n}'`), `${f} names the platform "${n}"`).toBe(false);
    }
  });
});
