// Tests that need a Debian tool (chromium, pdftoppm, openssl 3) run everywhere and never skip: a rendering, browser or
// interop check that silently does not run proves nothing. .ci/run installs the tools; on another machine a missing
// one fails the test file at once, naming the package to install.
import { execFile, spawnSync } from "node:child_process";
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
