// The tools are reachable as `gatesim <command>` and listed in `gatesim --help`.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../gateway/cli.js";

describe("gatesim <tool>", () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (out.push(String(s)), true));
    return out;
  };

  it("--help lists report, verify, probe and proxy", async () => {
    const out = capture();
    expect(await main(["--help"])).toBe(0);
    const text = out.join("");
    for (const c of [
      "gatesim report --url",
      "gatesim verify --url",
      "gatesim probe <base URL>",
      "gatesim proxy --upstream",
    ])
      expect(text).toContain(c);
    expect(text).toContain("datashare-provider");
  });

  it("dispatches each command to its tool (usage errors exit 2)", async () => {
    const out = capture();
    for (const c of ["report", "verify", "probe", "proxy"]) expect(await main([c, "--no-such-flag"]), c).toBe(2);
    expect(await main(["probe", "http://127.0.0.1:1", "--samples", "1", "--json"])).toBe(1);
    expect(out.join("")).toContain('"name": "tcp"');
  });
});
