// The heap profile (config `heap`): "lean" by default, from env and flags, refused when unknown; what it does to the
// HTTP thread's isolate and that V8 accepts the flag it sets (V8 prints "unrecognized flag" and ignores it otherwise).
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../gateway/config.js";
import { startHttpThread } from "../../gateway/http-thread-start.js";

describe("heap profile", () => {
  it('is "lean" by default, set by GATESIM_HEAP, and an unknown profile is refused with the allowed ones', () => {
    expect(loadConfig({ env: {} }).heap).toBe("lean");
    expect(loadConfig({ env: { GATESIM_HEAP: "throughput" } }).heap).toBe("throughput");
    expect(loadConfig({ env: {}, flags: { heap: "throughput" } }).heap).toBe("throughput");
    expect(() => loadConfig({ env: { GATESIM_HEAP: "small" } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { GATESIM_HEAP: "small" } })).toThrow(/\/heap: .*"lean","throughput"/);
  });

  it("lean gives the HTTP thread a 6 MB young generation; throughput leaves V8's default", async () => {
    const lean = startHttpThread(loadConfig({ env: {} }));
    const roomy = startHttpThread(loadConfig({ env: { GATESIM_HEAP: "throughput" } }));
    const plain = new Worker("setInterval(() => {}, 1000)", { eval: true }); // a thread nobody configured, kept running
    try {
      // the limits read before a thread runs are what was asked (-1: V8's default); once it runs, what V8 applied
      await Promise.all([lean.worker, roomy.worker, plain].map((w) => once(w, "online")));
      expect(lean.worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(6);
      expect(plain.resourceLimits?.maxYoungGenerationSizeMb).toBeGreaterThan(6);
      expect(roomy.worker.resourceLimits).toEqual(plain.resourceLimits);
    } finally {
      await Promise.all([lean.worker.terminate(), roomy.worker.terminate(), plain.terminate()]);
    }
  });

  it("V8 accepts every flag lean sets (a misspelt one would be reported on stderr and ignored)", () => {
    // the compiled module (npm test builds first): a child process, so this one's V8 is left alone
    const module = fileURLToPath(new URL("../../dist/gateway/heap-profile.js", import.meta.url));
    const run = (flags: string) =>
      spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(module)}); ${flags}; m.applyHeapProfile("lean"); console.log(m.LEAN_FLAGS.join(" "))`,
        ],
        { encoding: "utf8" },
      );
    const ok = run("");
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/--heap-growing-percent=\d+/);
    // the check can fail: V8 names a flag it does not know
    const bad = run(`(await import("node:v8")).setFlagsFromString("--heap-growing-percentage=25")`);
    expect(bad.stderr).toMatch(/unrecognized flag/);
  });
});
