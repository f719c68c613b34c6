// The seal picture served over HTTP renders in headless Chromium (issue 4 item 3): red ring, text, star — not blank.
// Set GATESIM_WRITE_DOCS=1 to also refresh docs/seal-example.svg and docs/seal-example.png for the README.
import { CHROMIUM, renderSvg, requireTool } from "../system-tool.js";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { esealSim } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "gatesim-seal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Skipped where Chromium is not installed at /usr/bin/chromium: rendering needs a real browser engine.
requireTool(existsSync(CHROMIUM), "chromium (renders the seal SVG)", "chromium");

describe("seal SVG in headless Chromium", () => {
  it("renders the picture of a contract seal with red ink covering a real share of the image", async () => {
    const sim = await esealSim();
    const org = sim.orgOf("C90-44050001");
    const made = await sim.call("POST", "/ebus/eseal/v1/seals", { orgUscc: org, type: "04" });
    const res = await sim.call("GET", `/ebus/eseal/v1/seals/${made.json.data.sealCode}/picture`);
    expect(res.res.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    const svg = res.res.body;
    const png = await renderSvg(dir, "seal", svg, 400, 400);
    expect(existsSync(png)).toBe(true);

    const img = PNG.sync.read(readFileSync(png));
    let red = 0,
      white = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      if (r > 180 && g < 90 && b < 90) red++;
      else if (r > 240 && g > 240 && b > 240) white++;
    }
    const total = img.width * img.height;
    // ring + star + characters: several percent of the square; a blank or black page has none
    expect(red / total).toBeGreaterThan(0.05);
    expect(white / total).toBeGreaterThan(0.3);
    // the centre (the star) is red, the corners are paper
    const at = (x: number, y: number) => img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3);
    expect(at(200, 200)[0]).toBeGreaterThan(180);
    expect(at(200, 200)[1]).toBeLessThan(90);
    expect([...at(5, 5)]).toEqual([255, 255, 255]);

    if (process.env.GATESIM_WRITE_DOCS === "1") {
      const docs = join(import.meta.dirname, "..", "..", "docs");
      mkdirSync(docs, { recursive: true });
      writeFileSync(join(docs, "seal-example.svg"), svg);
      copyFileSync(png, join(docs, "seal-example.png"));
    }
  }, 90_000);
});
