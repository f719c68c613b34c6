// Configuration layering and validation (every problem at once), and the CLI's help and refusals.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../../gateway/config.js";
import { main } from "../../gateway/cli.js";
import { buildApp } from "../../gateway/app.js";
import type { DatashareApi } from "../../mocks/datashare/platform.js";

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), "gatesim-cfg-"));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("config", () => {
  it("defaults: 127.0.0.1:8080, frozen", () => {
    const c = loadConfig({ cwd: dir(), env: {} });
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      seed: "gatesim",
      gateway: { timestampWindowSec: 180, nonceTtlSec: 600 },
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.gateway) && Object.isFrozen(c.tenants[0])).toBe(true);
  });

  it("file ← env ← flags, in that order", () => {
    const d = dir();
    writeFileSync(join(d, "gatesim.config.yaml"), "port: 9000\nseed: from-file\nhost: 0.0.0.0\njournal:\n  cap: 50\n");
    const c = loadConfig({
      cwd: d,
      env: { GATESIM_PORT: "9100", GATESIM_SEED: "from-env" },
      flags: { seed: "from-flag" },
    });
    expect(c).toMatchObject({
      port: 9100,
      seed: "from-flag",
      host: "0.0.0.0",
      journal: { cap: 50, maxBodyBytes: 4096 },
    });
    const j = dir();
    writeFileSync(join(j, "custom.json"), JSON.stringify({ strictEnvelope: true }));
    expect(loadConfig({ cwd: j, env: { GATESIM_CONFIG: "custom.json" } }).strictEnvelope).toBe(true);
  });

  it("httpThread: on by default, off by GATESIM_HTTP_THREAD=false or the --single-thread flag", () => {
    expect(loadConfig({ cwd: dir(), env: {} }).httpThread).toBe(true);
    expect(loadConfig({ cwd: dir(), env: { GATESIM_HTTP_THREAD: "false" } }).httpThread).toBe(false);
    expect(loadConfig({ cwd: dir(), env: {}, flags: { httpThread: false } }).httpThread).toBe(false);
  });

  it("datashare.auditCap (GATESIM_DATASHARE_AUDIT_CAP) bounds the data-sharing audit log of a default simulator", async () => {
    expect(loadConfig({ cwd: dir(), env: {} }).datashare.auditCap).toBe(20_000);
    expect(loadConfig({ cwd: dir(), env: { GATESIM_DATASHARE_AUDIT_CAP: "5000" } }).datashare.auditCap).toBe(5000);
    expect(() => loadConfig({ cwd: dir(), env: { GATESIM_DATASHARE_AUDIT_CAP: "50" } })).toThrow(
      /\/datashare\/auditCap/,
    );
    const sim = buildApp({ config: { logLevel: "silent", datashare: { auditCap: 100 } } });
    try {
      const audit = (sim.runtime.platforms.get("datashare")!.api as DatashareApi).domain.audit;
      const entry = {
        time: 0,
        consumerPaasid: "C90-44050001",
        provider: "p",
        providerCode: "x",
        serviceId: "C1",
        resourceCode: "r",
        resourceName: "n",
        auditInfo: null,
        fieldsReturned: [],
        rowCount: 0,
        errcode: 0,
        requestHash: "h",
        latencyMs: 0,
      };
      for (let i = 0; i < 105; i++) await audit.append(entry);
      const kept = await audit.forProvider({ kind: "admin" });
      expect(kept).toHaveLength(100);
      expect(kept[0].seq).toBe(6);
      expect(audit.droppedCount).toBe(5);
    } finally {
      await sim.app.close();
    }
  });

  it("reports every problem at once", () => {
    const d = dir();
    writeFileSync(
      join(d, "gatesim.config.yaml"),
      "port: 99999\nlogLevel: loud\nfavourite: blue\ntenants:\n  - paasid: a\n    name: x\n  - paasid: a\n    name: y\n",
    );
    try {
      loadConfig({ cwd: d, env: { GATESIM_STRICT_ENVELOPE: "maybe", GATESIM_JOURNAL_CAP: "lots" } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const p = (e as ConfigError).problems.join("\n");
      for (const s of ["GATESIM_STRICT_ENVELOPE", "GATESIM_JOURNAL_CAP", "/port", "/logLevel", "favourite", "paasid a"])
        expect(p).toContain(s);
      // zh-CN first, English alongside, for the schema's refusals too
      expect(p).toContain("/port: 应不大于 65535 / must be <= 65535");
      expect(p).toContain("/: 不认识的配置项 / must NOT have additional properties (favourite)");
      // a value the env var already failed to convert is reported once, by its name, not again by the schema
      expect((e as ConfigError).problems.filter((x) => x.includes("/journal/cap"))).toEqual([]);
      expect((e as ConfigError).problems.filter((x) => x.includes("GATESIM_JOURNAL_CAP"))).toHaveLength(1);
      expect((e as ConfigError).problems).toHaveLength(8); // paasid "a" also breaks the paasid pattern, twice
    }
  });

  it("a named config file that does not exist, or does not parse, is a problem", () => {
    expect(() => loadConfig({ cwd: dir(), flags: { config: "nope.yaml" } })).toThrow(/config file not found/);
    const d = dir();
    writeFileSync(join(d, "gatesim.config.json"), "{ nope");
    expect(() => loadConfig({ cwd: d })).toThrow(/cannot be parsed/);
  });
});

describe("cli", () => {
  it("--help prints usage and exits 0", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await main(["--help"], {})).toBe(0);
    expect(String(out.mock.calls[0][0])).toContain("--port");
    out.mockRestore();
  });

  it("bad flags and config problems exit 2 with every problem listed", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["--bogus"], {})).toBe(2);
    expect(await main(["start", "--port", "eighty", "--log-level", "loud"], {})).toBe(2);
    const text = err.mock.calls.map((c) => String(c[0])).join("");
    expect(text).toContain("--port");
    expect(text).toContain("/logLevel");
    expect(await main(["launch"], {})).toBe(2);
    err.mockRestore();
  });
});

describe("the built CLI (what npm start runs)", () => {
  // dist/ is built by `npm test` (pretest) and by npm ci (prepare)
  // the CLI as installed and as npm start runs it: the build's bundle (scripts/bundle.mjs)
  const cli = new URL("../../dist/gateway/gatesim.mjs", import.meta.url).pathname;
  for (const [args, mode] of [
    [[], "served from a second thread"],
    [["--single-thread"], "单线程 / one thread"],
  ] as const)
    it(`starts, serves and stops on SIGTERM ${args.join(" ") || "(HTTP thread)"}`, async () => {
      const child = spawn(
        process.execPath,
        [cli, "--port", "0", "--log-level", "warn", "--admin-token", "cli-test-admin-token-0", ...args],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      try {
        // the banner, whole (the test apps come last)
        const banner = await new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (c: Buffer) => {
            out += c;
            if (/stdemo_upper/.test(out)) resolve(out);
          });
          child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
        });
        expect(banner.split("\n").find((l) => l.trimStart().startsWith("HTTP"))).toContain(mode);
        const url = /is up: (http:\/\/\S+)/.exec(banner)![1];
        const res = await fetch(`${url}/_gatesim/health`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ status: "ok" });
        const exited = new Promise<number | null>((r) => child.once("exit", r));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      } finally {
        child.kill("SIGKILL");
      }
    }, 20_000);
});
