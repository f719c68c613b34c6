// `gatesim mock` as installed: the built CLI, which runs mock mode from its own bundle (scripts/bundle.mjs: no built-in
// platform code in it). It must serve, validate, journal and stop like the in-process mock (mock-mode.test.ts).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

// dist/ is built by `npm test` (pretest) and by npm ci (prepare)
const cli = new URL("../../dist/gateway/gatesim.mjs", import.meta.url).pathname;
const contract = new URL("./fixtures/permits.yaml", import.meta.url).pathname;
const TOKEN = "mock-bundle-admin-token-0";

describe("the built gatesim mock", () => {
  for (const args of [[], ["--single-thread"]])
    it(`serves the contract, journals, refuses bad calls and stops ${args.join(" ") || "(HTTP thread)"}`, async () => {
      const child = spawn(
        process.execPath,
        [cli, "mock", contract, "--port", "0", "--log-level", "warn", "--admin-token", TOKEN, ...args],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (c: Buffer) => {
            out += c;
            if (out.includes("\n")) resolve(out);
          });
          child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
        });
        expect(line).toContain("4 个接口 operations");
        const url = /operations at (http:\/\/\S+)/.exec(line)![1];

        const got = await fetch(`${url}/permits/JY14405070000002`);
        expect(got.status).toBe(200);
        expect((await got.json()).holder.kind).toBe("company");

        const bad = await fetch(`${url}/permits/not-a-permit-no`);
        expect(bad.status).toBe(400);
        expect((await bad.json()).errcode).toBe(40005);

        const journal = await fetch(`${url}/_gatesim/tenants/C90-44050001/journal`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(journal.status).toBe(200);
        const urls = (await journal.json()).entries.map((e: { url: string }) => e.url);
        expect(urls).toEqual(expect.arrayContaining(["/permits/JY14405070000002", "/permits/not-a-permit-no"]));

        const exited = new Promise<number | null>((r) => child.once("exit", r));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      } finally {
        child.kill("SIGKILL");
      }
    }, 20_000);
});
