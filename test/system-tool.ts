// Tests that need a Debian tool (chromium, pdftoppm, openssl 3) run everywhere and never skip: a rendering, browser or
// interop check that silently does not run proves nothing. .ci/run installs the tools; on another machine a missing
// one fails the test file at once, naming the package to install.
import { execFile, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

/** Whether `cmd args…` runs and exits 0. */
export function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.error === undefined && r.status === 0;
}

/** Throws (failing the test file) unless the tool is there, saying how to install it. */
export function requireTool(available: boolean, tool: string, debianPackage: string): void {
  if (!available)
    throw new Error(`${tool} is required by these tests: apt-get install -y ${debianPackage} (.ci/run installs it)`);
}

/** Where the tests find Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless Chromium's screenshot of a local page (`html`, a path) into `png`, `width` × `height` pixels. */
export async function screenshot(html: string, png: string, width: number, height: number): Promise<void> {
  await promisify(execFile)(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--hide-scrollbars",
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      `file://${html}`,
    ],
    { timeout: 60_000 },
  );
}

/** An SVG drawn by headless Chromium at `width` × `height` on white: written into `dir`, screenshotted; the PNG's path. */
export async function renderSvg(
  dir: string,
  name: string,
  svg: string,
  width: number,
  height: number,
): Promise<string> {
  writeFileSync(join(dir, `${name}.svg`), svg);
  const html = join(dir, `${name}.html`);
  writeFileSync(
    html,
    `<!doctype html><html><body style="margin:0;background:#fff"><img src="${name}.svg" width="${width}" height="${height}"></body></html>`,
  );
  const png = join(dir, `${name}.png`);
  await screenshot(html, png, width, height);
  return png;
}
