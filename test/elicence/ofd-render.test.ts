// The OFD licence's page, drawn from its own page description (ofd-preview.ts) in headless Chromium: frame and stamp
// in red, the text in ink, the QR code in the top right corner — not blank. GATESIM_WRITE_DOCS=1 also refreshes
// docs/licence-ofd-example.png for docs/elicence.md.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { ofdPageSvg } from "../../mocks/elicence/ofd-preview.js";
import { CHROMIUM, renderSvg, requireTool } from "../system-tool.js";
import { ofdFixture } from "./ofd-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "gatesim-ofd-render-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
requireTool(existsSync(CHROMIUM), "chromium (renders the OFD page preview)", "chromium");

describe("the OFD licence page", () => {
  it("renders from its page description with frame, text, QR code and the seal's stamp", async () => {
    const { file, licence } = await ofdFixture().issue();
    const svg = ofdPageSvg(file.ofd, 794);
    expect(svg).toContain(licence.data.CZZT);
    const png = await renderSvg(dir, "page", svg, 794, 1123);
    const img = PNG.sync.read(readFileSync(png));
    const px = (x: number, y: number) => img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3);
    let red = 0,
      ink = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      if (r > 140 && g < 90 && b < 90) red++;
      else if (r < 80 && g < 80 && b < 80) ink++;
    }
    const total = img.width * img.height;
    expect(red / total, "red frame and stamp").toBeGreaterThan(0.005);
    expect(ink / total, "text and QR code").toBeGreaterThan(0.01);
    // the QR code's area (top right, 164–194 mm × 16–46 mm) is dark and light modules, not paper
    const mmPx = img.width / 210;
    let dark = 0;
    for (let y = Math.round(18 * mmPx); y < 44 * mmPx; y += 3)
      for (let x = Math.round(166 * mmPx); x < 192 * mmPx; x += 3) if (px(x, y)[0] < 80) dark++;
    expect(dark).toBeGreaterThan(100);
    expect([...px(2, 2)]).toEqual([255, 255, 255]);
    if (process.env.GATESIM_WRITE_DOCS === "1")
      copyFileSync(png, join(import.meta.dirname, "..", "..", "docs", "licence-ofd-example.png"));
  }, 90_000);
});
