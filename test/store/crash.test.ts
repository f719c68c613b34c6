// A crash loses nothing acknowledged (issue 14): a child gatesim on a data dir, under steady writes from several
// clients, is killed with SIGKILL; started again on the same dir, every write that got a 2xx before the kill reads back.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";
import { createSeed } from "../../mocks/shared/seed/index.js";

const cli = new URL("../../dist/gateway/gatesim.mjs", import.meta.url).pathname;
const ADMIN = "crash-test-admin-token-0";
const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
const dir = mkdtempSync(join(tmpdir(), "gatesim-crash-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [cli, "--port", "0", "--log-level", "warn", "--admin-token", ADMIN, "--data-dir", dir],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c;
      const m = /is up: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url };
}

async function send(
  url: string,
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const res = await request(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

describe("SIGKILL under steady writes", () => {
  it("every write acknowledged with a 2xx before the kill reads back after the restart", async () => {
    const org = createSeed("gatesim").enterprises.at(3)!.uscc;
    let { child, url } = await start();
    const writer = { paasid: "crash-writer", paasToken: "crash-writer-token-0123456789", orgCode: org };
    const made = await send(url, "POST", "/_gatesim/tenants", admin, { ...writer, name: "写入方 / writer" });
    expect(made.status, JSON.stringify(made.json)).toBe(201);

    const tenants: string[] = []; // registered, 201 seen
    const seals: string[] = []; // applied, 201 seen
    let stop = false;
    let refused = 0;
    let n = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const i = n++;
        try {
          if (i % 2 === 0) {
            const paasid = `crash-${w}-${i}`;
            const r = await send(url, "POST", "/_gatesim/tenants", admin, { paasid, name: `崩溃测试 ${i}` });
            if (r.status === 201) tenants.push(paasid);
            else refused++;
          } else {
            const h = { ...signedHeaders(writer.paasid, writer.paasToken, {}), "content-type": "application/json" };
            const r = await send(url, "POST", "/ebus/eseal/v1/seals", h, {
              orgUscc: org,
              type: "04",
              validTo: new Date(Date.now() + 300 * 86_400_000).toISOString(),
            });
            if (r.status === 201) seals.push(r.json.data.sealCode);
            else refused++;
          }
        } catch {
          // the connection died with the process: not acknowledged, so not counted
        }
      }
    };
    const running = [0, 1, 2, 3, 4, 5].map(worker);
    await new Promise((r) => setTimeout(r, 2500));
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    stop = true;
    await Promise.all(running);
    expect(refused).toBe(0);
    if (process.env.GATESIM_TEST_VERBOSE)
      console.log(`acknowledged before the kill: ${tenants.length} tenants, ${seals.length} seals`);
    expect(tenants.length).toBeGreaterThan(10);
    expect(seals.length).toBeGreaterThan(5);

    ({ child, url } = await start());
    const lostTenants: string[] = [];
    for (const paasid of tenants)
      if ((await send(url, "GET", `/_gatesim/tenants/${paasid}`, admin)).status !== 200) lostTenants.push(paasid);
    const lostSeals: string[] = [];
    for (const code of seals) {
      const r = await send(
        url,
        "GET",
        `/ebus/eseal/v1/seals/${code}`,
        signedHeaders(writer.paasid, writer.paasToken, {}),
      );
      if (r.status !== 200) lostSeals.push(code);
    }
    expect({ lostTenants, lostSeals }).toEqual({ lostTenants: [], lostSeals: [] });
    child.kill("SIGTERM");
  }, 60_000);
});
