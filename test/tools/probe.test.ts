// gatesim probe: passes against gatesim; fails with the reason against a closed port and a skewed clock; reads a TLS
// certificate's subject, issuer and expiry (a self-signed certificate made with openssl for the test).
import { commandWorks, requireTool } from "../system-tool.js";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttp, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSim } from "../helpers.js";
import { percentile, probeCommand, runProbe, type ProbeResult } from "../../gateway/tools/connectivity-probe.js";
import { testDir } from "../temp-dir.js";

const check = (r: ProbeResult, name: string) => r.checks.find((c) => c.name === name)!;
const servers: Server[] = [];
const listen = async (s: Server) => {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as AddressInfo).port;
};
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe("gatesim probe", () => {
  let sim: Awaited<ReturnType<typeof makeSim>>;
  let base = "";
  beforeAll(async () => {
    sim = await makeSim();
    base = await sim.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => sim.app.close());

  it("passes against gatesim: every check ok, the signature round trip accepted", async () => {
    const t = sim.tenant();
    const r = await runProbe({ url: base, paasid: t.tenant.paasid, token: t.tenant.paasToken, samples: 5 });
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ["dns", "skip"],
      ["tcp", "ok"],
      ["tls", "skip"],
      ["http", "ok"],
      ["clock", "ok"],
      ["signature", "ok"],
      ["discovery", "ok"],
      ["latency", "ok"],
    ]);
    expect(r.ok).toBe(true);
    expect(check(r, "signature").detail).toContain("GET /ebus/gatesim/ping → 签名被接受 / signature accepted");
    expect(check(r, "discovery").detail).toContain("issuer http://127.0.0.1:");
    expect(check(r, "latency").data).toMatchObject({ samples: 5, errors: 0 });
  });

  it("a wrong token fails the signature check with the gateway's reason, and the command exits 1 with a table", async () => {
    const out: string[] = [];
    const code = await probeCommand(
      [base, "--paasid", sim.tenant().tenant.paasid, "--token", "0".repeat(32), "--samples", "2"],
      { stdout: (s) => void out.push(s), stderr: () => {}, env: {} },
    );
    expect(code).toBe(1);
    const text = out.join("");
    expect(text).toMatch(/x-tif 签名往返 signature\s+✘ 失败 FAIL .*errcode 40004/);
    expect(text).toContain("verdict: FAILED");
    expect(text).not.toContain("0".repeat(32));
  });

  it("names the host by DNS when given a name", async () => {
    const r = await runProbe({ url: base.replace("127.0.0.1", "localhost"), samples: 1 });
    expect(check(r, "dns").status).toBe("ok");
    expect(check(r, "signature")).toMatchObject({ status: "skip" });
  });

  it("fails against a closed port, saying why, and skips what depends on it", async () => {
    const s = createHttp();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    servers.splice(servers.indexOf(s), 1);
    const out: string[] = [];
    const code = await probeCommand([`http://127.0.0.1:${port}`, "--json"], {
      stdout: (x) => void out.push(x),
      stderr: () => {},
      env: {},
    });
    expect(code).toBe(1);
    const r = JSON.parse(out.join("")) as ProbeResult;
    expect(check(r, "tcp")).toMatchObject({ status: "fail", detail: expect.stringContaining("ECONNREFUSED") });
    expect(check(r, "http")).toMatchObject({ status: "skip", detail: "因 tcp 失败而跳过 / skipped: tcp failed" });
  });

  it("fails when the server's clock is outside the ±180 s window", async () => {
    const port = await listen(
      createHttp((_req, res) => {
        res.sendDate = false;
        res.setHeader("date", new Date(Date.now() - 3600_000).toUTCString());
        res.end("ok");
      }),
    );
    const r = await runProbe({ url: `http://127.0.0.1:${port}/`, samples: 1 });
    expect(r.ok).toBe(false);
    expect(check(r, "clock").status).toBe("fail");
    // the Date header has whole seconds (RFC 9110 §5.6.7), so the measured skew is 3600 s or just over
    expect(check(r, "clock").detail).toMatch(/skew -360[01] s（窗口 window ±180 s） — 超出窗口，签名将被拒绝（40002）/);
    expect(check(r, "discovery").status).toBe("warn");
  });

  it("reads the TLS certificate: trusted with --ca, refused without", async () => {
    requireTool(commandWorks("openssl", ["version"]), "openssl (makes the test certificate)", "openssl");
    const dir = testDir("gatesim-tls-");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1/O=gatesim test",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const port = await listen(
      createHttps({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) =>
        res.end("ok"),
      ),
    );
    const url = `https://127.0.0.1:${port}/`;
    const trusted = await runProbe({ url, ca: join(dir, "cert.pem"), samples: 1 });
    const tls = check(trusted, "tls");
    expect(tls.status).toBe("warn"); // valid, but it expires within 30 days
    expect(tls.data).toMatchObject({
      subject: "127.0.0.1, gatesim test",
      issuer: "127.0.0.1, gatesim test",
      daysLeft: 1,
      authorized: true,
    });
    expect(tls.detail).toContain("证书 30 天内到期 / expires within 30 days");
    expect(check(trusted, "http").status).toBe("ok");
    expect(trusted.ok).toBe(true);
    const untrusted = await runProbe({ url, samples: 1 });
    expect(check(untrusted, "tls")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)"),
    });
    expect(check(untrusted, "http").status).toBe("fail");
  });

  it("percentiles are nearest-rank", () => {
    expect([50, 90, 99].map((p) => percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p))).toEqual([5, 9, 10]);
  });
});
