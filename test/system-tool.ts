// Tests that need a Debian tool (chromium, pdftoppm, openssl) skip on a developer machine without it, but never in
// CI: .ci/run installs the tools, so a missing one there is a broken environment, not a reason to skip.
export function availableUnlessCi(available: boolean, tool: string): boolean {
  if (!available && process.env.CI) throw new Error(`${tool} is required in CI (.ci/run installs it) but is missing`);
  return available;
}
