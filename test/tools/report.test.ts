// The go-live readiness report: a department that does everything right passes; one that skips token refresh and sends
// incomplete audit_info fails with exactly those findings; JUnit valid against the schema; HTML renders; CLI exit codes.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, admin, makeSim } from "../helpers.js";
import { CHROMIUM, requireTool, screenshot } from "../system-tool.js";
import { createToolsPlatform } from "../../gateway/tools/platform.js";
import { reportToJunit } from "../../gateway/tools/report-junit.js";
import { reportCommand } from "../../gateway/tools/report-command.js";
import type { ReadinessReport } from "../../gateway/tools/readiness-report.js";
import { fakePlatforms, fakeTable } from "./fake-platforms.js";
import { defaultPlatforms } from "../../gateway/platforms.js";
import { runDepartment } from "./department.js";
import { junitErrors } from "./junit-schema.js";
import { testDir } from "../temp-dir.js";

type Sim = Awaited<ReturnType<typeof makeSim>>;
let sim: Sim;
let base = "";
const PAASID = "C90-44050001";

async function report(query: string, headers: Record<string, string> = admin) {
  return sim.app.inject({ method: "GET", url: `/_gatesim/tenants/${PAASID}/report?${query}`, headers });
}
const failed = (r: ReadinessReport) =>
  r.requirements
    .filter((q) => q.status === "fail")
    .map((q) => q.id)
    .sort();

beforeAll(async () => {
  sim = await makeSim({ platforms: fakePlatforms, table: fakeTable() });
  sim.runtime.platforms.set("tools", createToolsPlatform(sim.runtime));
  const t = sim.tenant(PAASID);
  await runDepartment(sim.app, sim.runtime, t, "good");
  await runDepartment(sim.app, sim.runtime, t, "bad", { skipRefresh: true, incompleteAudit: true });
  await runDepartment(sim.app, sim.runtime, t, "late", { lateLicence: true });
  base = await sim.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(() => sim.app.close());

describe("gatesim report — verdicts", () => {
  it("a department that does everything right is ready", async () => {
    const res = await report("profile=approval-system&session=good");
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-gatesim-verdict"]).toBe("pass");
    const r = res.json() as ReadinessReport;
    expect(failed(r)).toEqual([]);
    const status = Object.fromEntries(r.requirements.map((q) => [q.id, q.status]));
    expect(status).toMatchObject({
      "identity.login": "pass",
      "identity.refresh": "pass",
      "identity.userinfo": "pass",
      "elicence.issue": "pass",
      "datashare.query": "pass",
      "recovery.token-expired": "pass",
      "recovery.replay": "skipped",
      "plan.audit-info": "pass",
      "plan.use-cause": "pass",
      "plan.licence-delivery-2h": "pass",
      "identity.no-violations": "pass",
      "gateway.no-violations": "pass",
    });
    expect(r.requirements.find((q) => q.id === "recovery.token-expired")!.message).toContain("recovered every time");
    // the session filter kept only this run's calls (11), not the others' or the control plane's
    expect(r.entries).toBe(11);
    expect(r.window).toEqual({ session: "good" });
  });

  it("one that skips token refresh and sends incomplete audit_info fails with exactly those findings", async () => {
    const res = await report("profile=approval-system&session=bad");
    expect(res.headers["x-gatesim-verdict"]).toBe("fail");
    const r = res.json() as ReadinessReport;
    expect(r.verdict).toBe("fail");
    expect(failed(r)).toEqual(["identity.refresh", "plan.audit-info", "recovery.token-expired"]);
    const by = (id: string) => r.requirements.find((q) => q.id === id)!;
    expect(by("identity.refresh").message).toBe("未调用 / never called");
    expect(by("recovery.token-expired").message).toContain("1 not followed by a recovery");
    expect(by("recovery.token-expired").evidence![0]).toMatchObject({
      status: 401,
      url: expect.stringContaining("/tokeninfo?access_token=%5BREDACTED%5D"),
    });
    expect(by("plan.audit-info").message).toContain(
      "1 of 2 queries had incomplete audit_info (1 refused with 1001): audit_info/operator_name ×1, audit_info/terminal_info ×1",
    );
    // the refusals' violations are listed by rule, counted once under the plan rule, with a working curl reproduction
    const v = r.violations.find((g) => g.platform === "datashare")!;
    expect(v).toMatchObject({
      rule: "required",
      count: 2,
      coveredBy: "plan.audit-info",
      example: { location: "/body/audit_info/operator_name" },
    });
    expect(v.example.curl).toContain(
      `curl -sS -X POST '${"http://localhost:80"}/GatewayMsg/http/api/proxy/invoke'`.replace(
        "http://localhost:80",
        "http://localhost:80",
      ),
    );
    expect(v.example.curl).toMatch(/SIG=\$\(printf '%s' "\$TS\$PAAS_TOKEN\$NONCE\$TS" \| sha256sum/);
    expect(v.example.curl).toContain("-H 'x-tif-serviceid: C1700000000001'");
    expect(v.example.curl).not.toContain(sim.tenant(PAASID).tenant.paasToken);
  });

  it("a licence catalogue record delivered after 2 hours fails the plan rule", async () => {
    const r = (await report("profile=approval-system&session=late")).json() as ReadinessReport;
    expect(failed(r)).toEqual(["plan.licence-delivery-2h"]);
    expect(r.requirements.find((q) => q.id === "plan.licence-delivery-2h")!.message).toContain(
      "1 of 2 record(s) late; longest 7201 s",
    );
  });

  it("takes a profile in the body (extends a built-in), refuses unknown profiles, and honours the time window", async () => {
    const post = (profile: unknown, q = "") =>
      sim.app.inject({
        method: "POST",
        url: `/_gatesim/tenants/${PAASID}/report?session=good${q}`,
        headers: { ...admin, "content-type": "application/json" },
        payload: JSON.stringify({ profile }),
      });
    const custom = (
      await post({ extends: "login-only", name: "dept-x", recoveries: ["replay"], plan: { auditInfo: false } })
    ).json() as ReadinessReport;
    expect(custom.profile.name).toBe("dept-x");
    expect(failed(custom)).toEqual(["recovery.replay"]);
    expect(custom.requirements.find((q) => q.id === "recovery.replay")!.message).toContain(
      "the profile requires this recovery",
    );
    expect(custom.requirements.find((q) => q.id === "plan.audit-info")!.status).toBe("skipped");
    const bad = await post({
      operations: [
        "identity.nope",
        { id: "x", platform: "identity", zh: "x", en: "x", match: { operationIdPattern: "(" } },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        ._diagnostics.map((d: { message: string }) => d.message)
        .join("\n"),
    ).toMatch(/operations\[0\]: 未知的接口要求 identity.nope[\s\S]*operations\[1\].match.operationIdPattern: 正则无效/);
    // what the contract itself forbids is refused before the profile is read
    expect((await post({ extends: "nope" })).statusCode).toBe(400);
    expect((await report("profile=nope")).statusCode).toBe(400);
    // a window before everything: no calls, so the required login fails and the report says why
    const empty = (await report("profile=login-only&until=2000-01-01T00:00:00Z")).json() as ReadinessReport;
    expect(empty.entries).toBe(0);
    expect(empty.notes.join("\n")).toContain("no calls in this window/session");
    expect(failed(empty)).toEqual(["identity.login", "identity.userinfo"]);
  });

  it("the control plane protects it: no token 401, another tenant's control token 403", async () => {
    expect((await report("", {})).statusCode).toBe(401);
    const other = sim.tenant("C90-44050002").tenant.controlToken;
    expect((await report("", { authorization: `Bearer ${other}` })).statusCode).toBe(403);
    const own = sim.tenant(PAASID).tenant.controlToken;
    expect((await report("session=good", { authorization: `Bearer ${own}` })).statusCode).toBe(200);
  });

  it("marks platforms that are not loaded as not applicable and says so", async () => {
    const plain = await makeSim({
      platforms: (seed, config) => defaultPlatforms(seed, config).filter((p) => p.name === "identity"),
    });
    plain.runtime.platforms.set("tools", createToolsPlatform(plain.runtime));
    const r = (
      await plain.app.inject({
        method: "GET",
        url: `/_gatesim/tenants/${PAASID}/report?profile=approval-system`,
        headers: admin,
      })
    ).json() as ReadinessReport;
    const issue = r.requirements.find((q) => q.id === "elicence.issue")!;
    expect(issue.status).toBe("skipped");
    expect(issue.message).toContain("not applicable: the elicence platform is not loaded");
    expect(r.notes.join("\n")).toContain("the elicence platform is not loaded in this simulator");
    expect(r.requirements.find((q) => q.id === "plan.licence-delivery-2h")!.message).toContain(
      "not applicable: neither the e-licence nor the data-sharing platform is loaded",
    );
    expect(r.requirements.find((q) => q.id === "plan.audit-info")!.message).toContain(
      "not applicable: the data-sharing platform is not loaded",
    );
    await plain.app.close();
  });
});

describe("gatesim report — formats", () => {
  it("JUnit: one testcase per requirement, failures with messages, valid against the JUnit schema", async () => {
    const res = await report("profile=approval-system&session=bad&format=junit");
    expect(res.headers["content-type"]).toContain("application/xml");
    const xml = res.body;
    expect(await junitErrors(xml)).toEqual([]);
    const r = (await report("profile=approval-system&session=bad")).json() as ReadinessReport;
    expect(xml.match(/<testcase /g)!.length).toBe(r.requirements.length);
    expect(xml.match(/<failure /g)!.length).toBe(3);
    expect(xml).toMatch(
      /<testcase name="identity.refresh — 刷新访问令牌 \/ access-token refresh" classname="gatesim.readiness.identity" time="0.000">\s*<failure message="未调用 \/ never called" type="gatesim.requirement">/,
    );
    expect(xml).toContain(
      '<testsuite package="gatesim-readiness-C90-44050001" id="0" name="gatesim.readiness.datashare"',
    );
    // the validator does reject what breaks the schema (a testcase without classname, a zoned timestamp)
    expect(await junitErrors(xml.replace(/ classname="[^"]*"/, ""))).not.toEqual([]);
    expect(await junitErrors(xml.replace(/timestamp="([^"]+)"/, 'timestamp="$1Z"'))).not.toEqual([]);
  });

  it("JUnit escapes what XML cannot hold", async () => {
    const r = (await report("profile=approval-system&session=good")).json() as ReadinessReport;
    r.requirements[0] = { ...r.requirements[0], status: "fail", message: "a <b> & \"c\" \u0001 'd'" };
    const xml = reportToJunit(r);
    expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot; \uFFFD &apos;d&apos;"');
    expect(await junitErrors(xml)).toEqual([]);
  });

  it("HTML: zh-CN with English, verdict, chart per platform, what to fix — renders in headless Chromium", async () => {
    const res = await report("profile=approval-system&session=bad&format=html");
    expect(res.headers["content-type"]).toContain("text/html");
    const html = res.body;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("暂不可上线 · 未通过");
    expect(html).toContain("NOT READY · FAIL");
    expect(html).toMatch(/<svg role="img" aria-label="各平台结果 \/ results per platform"/);
    expect(html).toContain("需要处理 To fix (3)");
    expect(html).not.toContain("<script");
    // needs Debian's Chromium (.ci/run installs it): without it this test fails naming the package, never skips
    requireTool(existsSync(CHROMIUM), "chromium (renders the HTML report)", "chromium");
    const dir = mkdtempSync(join(tmpdir(), "gatesim-report-"));
    const file = join(dir, "report.html");
    writeFileSync(file, html);
    const png = join(dir, "report.png");
    await screenshot(file, png, 1280, 1500);
    const buf = readFileSync(png);
    expect(buf.subarray(1, 4).toString()).toBe("PNG");
    expect(buf.readUInt32BE(16)).toBe(1280);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    if (process.env.GATESIM_UPDATE_SCREENSHOT)
      writeFileSync(new URL("../../docs/report-example.png", import.meta.url), buf);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("gatesim report — the command", () => {
  const io = () => {
    const out: string[] = [],
      err: string[] = [];
    return {
      out,
      err,
      io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: {} },
    };
  };

  it("exits 0 for a ready system and 1 for one that is not, writing the chosen format", async () => {
    const dir = testDir("gatesim-cli-");
    const good = io();
    expect(
      await reportCommand(
        [
          "--url",
          base,
          "--paasid",
          PAASID,
          "--admin-token",
          ADMIN,
          "--profile",
          "approval-system",
          "--session",
          "good",
        ],
        good.io,
      ),
    ).toBe(0);
    expect(JSON.parse(good.out.join("")).verdict).toBe("pass");
    const bad = io();
    const out = join(dir, "readiness.xml");
    expect(
      await reportCommand(
        [
          "--url",
          base,
          "--paasid",
          PAASID,
          "--admin-token",
          ADMIN,
          "--profile",
          "approval-system",
          "--session",
          "bad",
          "--format",
          "junit",
          "--out",
          out,
        ],
        bad.io,
      ),
    ).toBe(1);
    expect(bad.err.join("")).toContain(`report written to ${out} — 未通过 / FAIL`);
    expect(await junitErrors(readFileSync(out, "utf8"))).toEqual([]);
  });

  it("reads a YAML profile file and posts it", async () => {
    const dir = testDir("gatesim-cli-");
    const file = join(dir, "dept.yaml");
    writeFileSync(file, "name: dept-y\nextends: login-only\noperations: [identity.refresh]\n");
    const c = io();
    expect(
      await reportCommand(["--url", base, "--paasid", PAASID, "--session", "bad", "--profile", file], {
        ...c.io,
        env: { GATESIM_ADMIN_TOKEN: ADMIN },
      }),
    ).toBe(1);
    const r = JSON.parse(c.out.join("")) as ReadinessReport;
    expect(r.profile.name).toBe("dept-y");
    // an expiry that was never recovered fails whatever the profile requires
    expect(failed(r)).toEqual(["identity.refresh", "plan.audit-info", "recovery.token-expired"]);
  });

  it("usage errors exit 2 naming every problem; an unreachable or refusing gatesim exits 3", async () => {
    const u = io();
    expect(await reportCommand(["--format", "pdf", "--since", "yesterday"], u.io)).toBe(2);
    const text = u.err.join("");
    for (const s of [
      "--url 必填",
      "--paasid 必填",
      "--admin-token",
      "--format 应为 json|junit|html",
      "--since 应为 ISO 8601",
    ])
      expect(text).toContain(s);
    const down = io();
    expect(
      await reportCommand(["--url", "http://127.0.0.1:1", "--paasid", PAASID, "--admin-token", ADMIN], down.io),
    ).toBe(3);
    expect(down.err.join("")).toContain("cannot reach gatesim");
    const wrong = io();
    expect(
      await reportCommand(["--url", base, "--paasid", PAASID, "--admin-token", "wrong-token-0000000000"], wrong.io),
    ).toBe(3);
    expect(wrong.err.join("")).toContain("HTTP 401");
  });
});
