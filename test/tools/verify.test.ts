// gatesim verify: finds the planted faults of a deliberately wrong data provider and none in a right one; the built-in
// callback contracts (back-channel logout, subscription webhook); JUnit; the command's exit codes and progress bar.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAuditFields } from "../../mocks/datashare/audit-info.js";
import { verifyTifBackendSignature } from "../../mocks/gateway/tif-signature.js";
import { runVerify, verifyCommand, verifyToJunit, type VerifyResult } from "../../gateway/tools/endpoint-verify.js";
import { buildCases } from "../../gateway/tools/verify-cases.js";
import { builtInContracts, loadVerifyContract } from "../../gateway/tools/verify-contract.js";
import { junitErrors } from "./junit-schema.js";
import { testDir } from "../temp-dir.js";

type Json = Record<string, any>;
type Answer = { status: number; body?: unknown };
const TOKEN = "0123456789abcdef0123456789abcdef";

const servers: Server[] = [];
async function serve(handle: (body: Json | undefined, req: IncomingMessage) => Answer): Promise<string> {
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let body: Json | undefined;
      try {
        body = req.headers["content-type"]?.includes("form")
          ? Object.fromEntries(new URLSearchParams(raw))
          : raw
            ? JSON.parse(raw)
            : undefined;
      } catch {
        body = undefined;
      }
      const a = handle(body, req);
      if (a.body === undefined) return void res.writeHead(a.status).end();
      res.writeHead(a.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(a.body));
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/provider`;
}
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const refuse = (errcode: number, errmsg: string): Answer => ({ status: 400, body: { errcode, errmsg } });
const ROWS = (q: Json) => [{ SFZH: q.SFZH, XM: "张三" }];

/** Checks the paging and query conditions as the data-sharing platform does (facts §8.5 [SIM]); null when fine. */
function queryProblem(body: Json): Answer | null {
  const q = body.query;
  if (
    !q ||
    typeof q !== "object" ||
    Array.isArray(q) ||
    !Object.keys(q).length ||
    Object.values(q).some((v) => !["string", "number", "boolean"].includes(typeof v))
  )
    return refuse(1002, "query invalid");
  const m = body.metadata;
  if (m !== undefined) {
    if (!m || typeof m !== "object" || Array.isArray(m)) return refuse(1002, "metadata invalid");
    if (m.page !== undefined && !(Number.isInteger(m.page) && m.page >= 1 && m.page <= 100000))
      return refuse(1002, "page invalid");
    if (m.page_size !== undefined && !(Number.isInteger(m.page_size) && m.page_size >= 1 && m.page_size <= 100))
      return refuse(1002, "page_size invalid");
  }
  return null;
}

/** A provider that answers as the contract says. With a token it also checks the gateway's signature (facts §1.5). */
function rightProvider(token?: string) {
  return (body: Json | undefined, req: IncomingMessage): Answer => {
    if (
      token &&
      !verifyTifBackendSignature(req.headers as Record<string, string>, token, Math.floor(Date.now() / 1000))
    )
      return { status: 401, body: { errcode: 40004, errmsg: "signature" } };
    if (!body || typeof body !== "object") return refuse(1001, "body");
    if (
      checkAuditFields(body, { paasid: typeof body.system_id === "string" ? body.system_id : "", now: Date.now() })
        .length
    )
      return refuse(1001, "audit_info invalid");
    return (
      queryProblem(body) ?? {
        status: 200,
        body: { errcode: 0, errmsg: "成功 / OK", data: { data: ROWS(body.query), metadata: { total: 1 } } },
      }
    );
  };
}

/** Planted faults: accepts a body without audit_info, does not check operator_name's length, answers paged requests
 *  with a bare row array, and fails with 500 at the largest page size. */
function wrongProvider(body: Json | undefined): Answer {
  if (!body || typeof body !== "object") return refuse(1001, "body");
  if (body.audit_info !== undefined) {
    const d = checkAuditFields(body, {
      paasid: typeof body.system_id === "string" ? body.system_id : "",
      now: Date.now(),
    }).filter((x) => !(x.location.endsWith("/operator_name") && x.rule === "maxLength"));
    if (d.length) return refuse(1001, "audit_info invalid");
  }
  const q = queryProblem(body);
  if (q) return q;
  if (body.metadata?.page_size === 100) return { status: 500, body: { errcode: 500, errmsg: "boom" } };
  if (body.metadata?.page !== undefined)
    return { status: 200, body: { errcode: 0, errmsg: "ok", data: ROWS(body.query) } };
  return { status: 200, body: { errcode: 0, errmsg: "ok", data: { data: ROWS(body.query) } } };
}

const failures = (v: VerifyResult) =>
  v.results
    .filter((r) => r.status !== "pass" && r.status !== "skipped")
    .map((r) => r.case.name)
    .sort();

describe("gatesim verify — the data-provider interface", () => {
  let right = "",
    wrong = "",
    signed = "";
  beforeAll(async () => {
    right = await serve(rightProvider());
    wrong = await serve(wrongProvider);
    signed = await serve(rightProvider(TOKEN));
  });

  it("derives deterministic valid, boundary and invalid cases from the contract", () => {
    const op = loadVerifyContract("datashare-provider").operations[0];
    const a = buildCases(op),
      b = buildCases(op);
    expect(a).toEqual(b);
    const kinds = {
      valid: a.filter((c) => c.kind === "valid"),
      boundary: a.filter((c) => c.kind === "boundary"),
      invalid: a.filter((c) => c.kind === "invalid"),
    };
    expect(kinds.valid).toHaveLength(1);
    expect(kinds.boundary!.map((c) => c.name)).toContain("/audit_info/operator_name 长度取最大值 50 / at maxLength");
    expect(kinds.boundary!.map((c) => c.name)).toContain("/metadata/page_size 取最大值 100 / at maximum");
    const inv = kinds.invalid!.map((c) => c.name);
    for (const n of [
      "缺少请求体 / no body",
      "缺少必填字段 /audit_info / required /audit_info dropped",
      "缺少必填字段 /audit_info/terminal_info / required /audit_info/terminal_info dropped",
      "/query 类型错误 / wrong type (12345)",
      "/metadata/page_size 超过最大值 100 / above maximum",
      "/audit_info/query_object_id_type 不在枚举值内 / not one of the enum values",
    ])
      expect(inv).toContain(n);
    // the valid sample carries valid identifiers (a real provider's validator accepts them)
    expect(
      checkAuditFields(kinds.valid![0].body, { paasid: (kinds.valid![0].body as Json).system_id, now: Date.now() }),
    ).toEqual([]);
  });

  it("a right provider passes every case", async () => {
    const v = await runVerify({ url: right, contract: "datashare-provider" });
    expect(failures(v)).toEqual([]);
    expect(v.counts.pass).toBe(v.results.length);
    expect(v.counts.pass).toBeGreaterThan(40);
  });

  it("finds exactly the planted faults of a wrong provider, each with a curl reproduction", async () => {
    const v = await runVerify({ url: wrong, contract: "datashare-provider" });
    expect(failures(v)).toEqual([
      "/audit_info/operator_name 超过最大长度 50 / longer than maxLength",
      "/metadata/page 取最大值 100000 / at maximum",
      "/metadata/page 取最小值 1 / at minimum",
      "/metadata/page_size 取最大值 100 / at maximum",
      "缺少必填字段 /audit_info / required /audit_info dropped",
    ]);
    const byName = (n: string) => v.results.find((r) => r.case.name === n)!;
    expect(byName("缺少必填字段 /audit_info / required /audit_info dropped").problems).toEqual([
      "应拒绝（4xx），实际 200 / expected a refusal (4xx), got 200",
    ]);
    expect(byName("/metadata/page 取最小值 1 / at minimum").problems[0]).toMatch(
      /^应答 \/response\/body\/data: 类型应为 object/,
    );
    expect(byName("/metadata/page_size 取最大值 100 / at maximum").problems[0]).toBe(
      "应返回 2xx，实际 500 / expected 2xx, got 500",
    );
    const curl = byName("缺少必填字段 /audit_info / required /audit_info dropped").curl;
    expect(curl).toContain(`curl -sS -X POST '${wrong}'`);
    expect(curl).not.toContain("audit_info");
    expect(curl).toContain(`"query":{"SFZH":"440507199001011233"}`);
  });

  it("signs like the gateway when asked (facts §1.5) — a provider that checks signatures accepts them", async () => {
    const ok = await runVerify({
      url: signed,
      contract: "datashare-provider",
      sign: { paasid: "C90-44050001", token: TOKEN },
    });
    expect(failures(ok)).toEqual([]);
    expect(ok.results[0].curl).toMatch(/SIG=.*\| tr a-f A-F\)/);
    expect(ok.results[0].curl).not.toContain(TOKEN);
    const unsigned = await runVerify({ url: signed, contract: "datashare-provider" });
    expect(unsigned.results.find((r) => r.case.kind === "valid")!.problems[0]).toContain("expected 2xx, got 401");
  });

  it("the command: JUnit valid against the schema, curl reproductions, exit 1; progress bar only on a terminal", async () => {
    const dir = testDir("gatesim-verify-");
    const junit = join(dir, "verify.xml");
    const out: string[] = [],
      err: string[] = [];
    const code = await verifyCommand(["--url", wrong, "--contract", "datashare-provider", "--junit", junit], {
      stdout: (s) => void out.push(s),
      stderr: (s) => void err.push(s),
      env: {},
      isTTY: true,
    });
    expect(code).toBe(1);
    const text = out.join("");
    expect(text).toContain("✘ providerQuery:invalid:");
    expect(text).toMatch(/\d+ passed, 5 failed, 0 skipped, 0 errors/);
    expect(err.join("")).toMatch(/\r\[#+\.*\] 1\/\d+ providerQuery:valid:1/);
    const xml = readFileSync(junit, "utf8");
    expect(await junitErrors(xml)).toEqual([]);
    expect(xml.match(/<failure /g)).toHaveLength(5);
    const quiet: string[] = [];
    expect(
      await verifyCommand(["--url", right, "--contract", "datashare-provider"], {
        stdout: () => {},
        stderr: (s) => void quiet.push(s),
        env: {},
        isTTY: false,
      }),
    ).toBe(0);
    expect(quiet).toEqual([]);
  });

  it("usage errors exit 2; an endpoint nobody answers exits 3", async () => {
    const err: string[] = [];
    expect(
      await verifyCommand(["--contract", "nope", "--sign"], {
        stdout: () => {},
        stderr: (s) => void err.push(s),
        env: {},
      }),
    ).toBe(2);
    expect(err.join("")).toMatch(/--url 必填[\s\S]*--sign 需要 --paasid 与 --token/);
    const e2: string[] = [];
    expect(
      await verifyCommand(["--url", right, "--contract", "nope"], {
        stdout: () => {},
        stderr: (s) => void e2.push(s),
        env: {},
      }),
    ).toBe(2);
    expect(e2.join("")).toContain(
      "neither a file nor a built-in (backchannel-logout, datashare-provider, subscription-webhook)",
    );
    expect(
      await verifyCommand(["--url", "http://127.0.0.1:1/x", "--contract", "subscription-webhook"], {
        stdout: () => {},
        stderr: () => {},
        env: {},
      }),
    ).toBe(3);
  });
});

describe("gatesim verify — callback receivers", () => {
  it("lists the built-in contracts", () => {
    expect(builtInContracts()).toEqual(["backchannel-logout", "datashare-provider", "subscription-webhook"]);
  });

  it("back-channel logout: refusals of bad tokens checked; the valid case waits for a real token", async () => {
    const jwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
    // a receiver that accepts only one token it trusts (as if verified against the identity platform's JWKS)
    const url = await serve((b) =>
      typeof b?.logout_token === "string" && jwt.test(b.logout_token) && b.logout_token.endsWith(".trusted")
        ? { status: 200 }
        : { status: 400, body: { error: "invalid_request" } },
    );
    const v = await runVerify({ url, contract: "backchannel-logout" });
    expect(failures(v)).toEqual([]);
    expect(v.results.filter((r) => r.status === "skipped").map((r) => r.case.kind)).toEqual(["valid"]);
    expect(v.results.map((r) => r.case.name)).toEqual(
      expect.arrayContaining(["alg none 的未签名令牌 / an unsigned alg-none token", "伪造签名 / a forged signature"]),
    );
    const withToken = await runVerify({
      url,
      contract: "backchannel-logout",
      body: { logout_token: "eyJh.eyJz.trusted" },
    });
    expect(withToken.results.find((r) => r.case.kind === "valid")!.status).toBe("pass");
    // a receiver that says 200 to anything fails every refusal case
    const lax = await runVerify({ url: await serve(() => ({ status: 200 })), contract: "backchannel-logout" });
    expect(failures(lax).length).toBe(lax.results.filter((r) => r.case.kind === "invalid").length);
  });

  it("subscription webhook: a receiver that acknowledges well-formed notifications and refuses malformed ones passes", async () => {
    const events = ["data.changed", "resource.updated", "resource.withdrawn"];
    const url = await serve((b) =>
      b &&
      events.includes(b.event) &&
      /^DSS[0-9a-f]{16}$/.test(b.subscription_id) &&
      /^C\d{13}$/.test(b.service_id) &&
      typeof b.resource_code === "string" &&
      b.resource_code.length <= 64 &&
      typeof b.occurred_at === "string" &&
      !Number.isNaN(Date.parse(b.occurred_at)) &&
      (b.resource_name === undefined ||
        (typeof b.resource_name === "string" && b.resource_name.length >= 1 && b.resource_name.length <= 200)) &&
      (b.row_count === undefined || (Number.isInteger(b.row_count) && b.row_count >= 0)) &&
      (b.reason === undefined || (typeof b.reason === "string" && b.reason.length <= 500)) &&
      b.resource_code.length >= 1
        ? { status: 204 }
        : { status: 400 },
    );
    const v = await runVerify({ url, contract: "subscription-webhook" });
    expect(failures(v)).toEqual([]);
    expect(v.counts.pass).toBeGreaterThan(15);
    expect(await junitErrors(verifyToJunit(v))).toEqual([]);
  });
});
