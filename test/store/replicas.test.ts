// Two gatesim processes on one Redis are one sandbox: what one replica is told, the other knows — nonces, journals,
// licences, seal revocations, tenants registered, clocks moved, rules set, resets. And Redis going away while running
// refuses requests with 50201 and a reason, and serving resumes when it is back; unreachable at start is a clear error.
import { spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../gateway/app.js";
import { loadConfig } from "../../gateway/config.js";
import type { IdentityPlatform } from "../../mocks/identity/platform.js";
import type { DatasharePlatform } from "../../mocks/datashare/platform.js";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";
import { RedisBackend } from "../../mocks/shared/redis-store.js";
import { StoreOpenError } from "../../mocks/shared/store.js";
import { sm3 } from "../../mocks/eseal/sm3.js";
import { admin, makeSim, tif } from "../helpers.js";
import { foodInspectionEntry, ITEM_CODE } from "../datashare-http/helpers.js";
import { A, B, DRIVING, ENTITY_SID, applyForEntity, call, drivingLicence, usccQuery, type Sim } from "./helpers.js";
import { testRedis, testRedisCluster } from "../redis-server.js";
import { commandWorks, requireTool } from "../system-tool.js";

async function replica(store: Record<string, unknown>): Promise<Sim> {
  const overrides = { store };
  return makeSim({ overrides, backend: await openStore(loadConfig({ env: {}, overrides })) });
}

/** Until `check` holds (a change travels by pub/sub: milliseconds, bounded here at 3 s). */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("the other replica did not follow within 3 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

// the same promises on one Redis and on a Redis Cluster (three masters: every namespace in one slot by its hash tag)
describe.each([
  { name: "Redis", redis: testRedis },
  { name: "Redis Cluster", redis: testRedisCluster },
])("two replicas on one $name", ({ redis }) => {
  let r1: Sim;
  let r2: Sim;
  beforeAll(async () => {
    const { url, prefix } = await redis();
    const store = { redis: url, redisPrefix: prefix };
    r1 = await replica(store);
    r2 = await replica(store);
    for (const r of [r1, r2]) await (r.runtime.tenants.backend as RedisBackend).watching();
    // A's grant for the market-entity resource (unconditional sharing: approved at once), for the query tests
    const applied = await applyForEntity(r1);
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
  }, 30_000);
  afterAll(async () => {
    await r1?.app.close();
    await r2?.app.close();
  });

  it("journal reads, exports and the readiness report see the traffic of both replicas", async () => {
    const mark = `journal-${Date.now()}`;
    const on1 = await call(r1, "GET", "/ebus/gatesim/ping", { headers: tif(r1.tenant(B), { nonce: `${mark}-1` }) });
    const on2 = await call(r2, "GET", "/ebus/gatesim/ping", { headers: tif(r2.tenant(B), { nonce: `${mark}-2` }) });
    const traces = [on1, on2].map((r) => String(r.headers["x-gatesim-trace-id"] ?? ""));
    expect(traces.every(Boolean)).toBe(true);
    for (const r of [r1, r2]) {
      let seen: string[] = [];
      await eventually(async () => {
        const j = await call(r, "GET", `/_gatesim/tenants/${B}/journal?operationId=gatewayEbusPing&limit=1000`, {
          headers: admin,
        });
        seen = j.json.entries.map((e: { traceId: string }) => e.traceId);
        return traces.every((t) => seen.includes(t));
      });
      const exported = (await call(r, "GET", `/_gatesim/tenants/${B}/journal/export`, { headers: admin })).text;
      for (const t of traces) expect(exported).toContain(t);
      const report = await call(r, "GET", `/_gatesim/tenants/${B}/report?format=json`, { headers: admin });
      const ping = report.json.platforms
        .flatMap((p: { operations: { operationId: string; calls: number }[] }) => p.operations)
        .find((o: { operationId: string }) => o.operationId === "gatewayEbusPing");
      expect(ping?.calls).toBeGreaterThanOrEqual(2);
    }
  });

  it("a nonce used through one is refused (40003) through the other", async () => {
    const h = tif(r1.tenant(A), { nonce: `replica-${Date.now()}` });
    expect((await call(r1, "GET", "/ebus/gatesim/ping", { headers: h })).status).toBe(200);
    const again = await call(r2, "GET", "/ebus/gatesim/ping", { headers: h });
    expect(again.json.errcode).toBe(40003);
  });

  it("a signed query replayed through the other is refused 40003 by the gateway, and takes no quota and no audit entry", async () => {
    const h = tif(r1.tenant(A), { serviceId: ENTITY_SID, nonce: `replica-query-${Date.now()}` });
    const state = async () => {
      const grants = (await call(r2, "GET", "/ebus/datashare/v1/grants")).json.data.items;
      const audit = await call(r2, "GET", `/ebus/datashare/v1/audit/consumer?serviceId=${ENTITY_SID}&limit=10000`);
      return { used: grants.find((g: any) => g.serviceId === ENTITY_SID).used, audited: audit.json.data.total };
    };
    const first = await usccQuery(r1, ENTITY_SID, { headers: h });
    expect(first.json.errcode, JSON.stringify(first.json)).toBe(0);
    const before = await state();
    const again = await usccQuery(r2, ENTITY_SID, { headers: h });
    expect(again.status).toBe(400);
    // the gateway's envelope, as for any replay (the query read its grant while the claim was in flight)
    expect(again.json).toMatchObject({ errcode: 40003, data: null });
    expect(again.json._diagnostics[0]).toMatchObject({ location: "/headers/x-tif-nonce", rule: "x-tif.nonce-unique" });
    expect(await state()).toEqual(before);
  });

  it("a signed query takes two round trips to Redis before it is answered (the journal entry follows it)", async () => {
    const be = r1.runtime.tenants.backend as RedisBackend;
    const journal = r1.runtime.tenants.get(A)!.journal;
    await usccQuery(r1, ENTITY_SID); // warm: the audit number block, the catalogue
    await journal.flush();
    await be.settled();
    const count = async (send: () => Promise<{ json: any }>) => {
      const from = be.roundTrips;
      const r = await send();
      await journal.flush(); // the journal entry, shared after the answer (in a batch of one here), counted too
      await be.settled();
      return { errcode: r.json.errcode, trips: be.roundTrips - from };
    };
    // a ping makes two: its nonce claim, then its journal entry after the answer
    const ping = await count(() => call(r1, "GET", "/ebus/gatesim/ping"));
    expect(ping).toEqual({ errcode: 0, trips: 2 });
    // a query makes one more: nonce claim with the grant read, then the quota step with the audit entry
    expect(await count(() => usccQuery(r1, ENTITY_SID))).toEqual({ errcode: 0, trips: 3 });
  });

  it("a licence issued on one is found by its holder on the other", async () => {
    const identity = r1.runtime.platforms.get("identity")!.api as IdentityPlatform["api"];
    const p = identity.personas().find((x) => x.kind === "person" && !x.locked && x.level !== "L0")!;
    const issued = await call(r1, "POST", "/GatewayMsg/http/api/proxy/invoke", {
      headers: tif(r1.tenant(A), { serviceId: "D1597131569652" }),
      body: drivingLicence(p.person!),
    });
    expect(issued.json.ack_code, JSON.stringify(issued.json)).toBe("SUCCESS");
    const q = await call(r2, "POST", "/ebus/elicence/v1/licences/query-by-holder", {
      body: { holderCode: p.person!.idNumber, holderTypeCode: "111", certTypeCode: DRIVING, useCause: "跨实例核验" },
    });
    expect(q.json.data.licences.map((l: any) => l.certIdentifier)).toContain(issued.json.data.ZZBS);
  });

  it("seal codes made at once on both replicas, for two tenants, are never the same (one platform-wide sequence)", async () => {
    const make = (r: Sim, as: string) =>
      call(r, "POST", "/ebus/eseal/v1/seals", {
        as,
        body: { orgUscc: r.tenant(as).tenant.orgCode!, type: "05", divisionCode: "440511" },
      });
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? make(r2, B) : make(r1, A))));
    for (const m of made) expect(m.status, JSON.stringify(m.json)).toBe(201);
    const codes = made.map((m) => m.json.data.sealCode as string);
    expect(codes.every((c) => c.startsWith("440511"))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("seals one tenant makes at once through both replicas are all kept (no save lost to the other's)", async () => {
    const org = r1.tenant(A).tenant.orgCode!;
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(i % 2 ? r2 : r1, "POST", "/ebus/eseal/v1/seals", { body: { orgUscc: org, type: "02" } }),
      ),
    );
    for (const m of made) expect(m.status, JSON.stringify(m.json)).toBe(201);
    const codes = made.map((m) => m.json.data.sealCode as string);
    for (const r of [r1, r2]) {
      const listed = await call(r, "GET", `/ebus/eseal/v1/seals?orgUscc=${org}&type=02`);
      expect(listed.json.data.seals.map((x: { sealCode: string }) => x.sealCode)).toEqual(
        expect.arrayContaining(codes),
      );
    }
  });

  it("licence codes issued at once on both replicas are never the same", async () => {
    const identity = r1.runtime.platforms.get("identity")!.api as IdentityPlatform["api"];
    const people = identity.personas().filter((x) => x.kind === "person" && !x.locked && x.level !== "L0");
    const issue = (r: Sim, as: string, i: number) =>
      call(r, "POST", "/GatewayMsg/http/api/proxy/invoke", {
        headers: tif(r.tenant(as), { serviceId: "D1597131569652" }),
        body: drivingLicence(people[i].person!),
      });
    const issued = await Promise.all(Array.from({ length: 8 }, (_, i) => issue(i % 2 ? r2 : r1, i % 2 ? B : A, i)));
    for (const x of issued) expect(x.json.ack_code, JSON.stringify(x.json)).toBe("SUCCESS");
    const codes = issued.map((x) => x.json.data.license_code as string);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("a seal revoked on one fails verification on the other at the next request", async () => {
    const org = r1.tenant(A).tenant.orgCode!;
    const seal = await call(r1, "POST", "/ebus/eseal/v1/seals", {
      body: { orgUscc: org, type: "04", validTo: new Date(Date.now() + 300 * 86_400_000).toISOString() },
    });
    expect(seal.status, JSON.stringify(seal.json)).toBe(201);
    const digest = sm3(Buffer.from("跨实例文书")).toString("hex");
    const signed = await call(r1, "POST", "/ebus/eseal/v1/signatures", {
      body: { sealCode: seal.json.data.sealCode, digest },
    });
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const verify = (sim: Sim) =>
      call(sim, "POST", "/ebus/eseal/v1/verifications", { body: { signature: signed.json.data.signature, digest } });
    expect((await verify(r1)).json.data.result).toBe("PASSED");
    expect((await call(r2, "POST", `/ebus/eseal/v1/seals/${seal.json.data.sealCode}/revoke`)).status).toBe(200);
    const after = await verify(r1);
    expect(after.json.data.result).not.toBe("PASSED");
  });

  it("a resource compiled on one is routed on the other; its grant's quota is one count across both", async () => {
    const compiled = await call(r1, "POST", "/ebus/datashare/v1/catalogue", { body: foodInspectionEntry() });
    expect(compiled.status, JSON.stringify(compiled.json)).toBe(201);
    const sid = compiled.json.data.serviceId;
    const applied = await call(r1, "POST", "/ebus/datashare/v1/applications", {
      as: B,
      body: { serviceId: sid, fields: ["TYSHXYDM", "JL"], purpose: "核查抽检结果", itemCode: ITEM_CODE },
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const query = (r: Sim) => usccQuery(r, sid, { as: B, enterprise: 3 });
    await eventually(async () => (await query(r2)).status === 200);
    // 20 queries split over both replicas at once: the grant's usage counts every one of them
    const grantId = applied.json.data.grant.id;
    const before = (await call(r1, "GET", "/ebus/datashare/v1/grants", { as: B })).json.data.items;
    const used0 = before.find((g: any) => g.id === grantId).used;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => query(i % 2 ? r1 : r2)));
    expect(answers.map((a) => a.json.errcode)).toEqual(Array(20).fill(0));
    const after = (await call(r2, "GET", "/ebus/datashare/v1/grants", { as: B })).json.data.items;
    expect(after.find((g: any) => g.id === grantId).used).toBe(used0 + 20);
  });

  it("a webhook delivery is made once, though both replicas run their delivery scheduler", async () => {
    const hits: string[] = [];
    const receiver = createHttpServer((req, res) => {
      req.resume().on("end", () => {
        hits.push(String(req.headers["x-gatesim-event"]));
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    try {
      const compiled = await call(r1, "POST", "/ebus/datashare/v1/catalogue", { body: foodInspectionEntry() });
      const sid = compiled.json.data.serviceId;
      const applied = await call(r1, "POST", "/ebus/datashare/v1/applications", {
        as: B,
        body: { serviceId: sid, fields: ["TYSHXYDM", "JL"], purpose: "接收变更通知", itemCode: ITEM_CODE },
      });
      expect(applied.status, JSON.stringify(applied.json)).toBe(201);
      const port = (receiver.address() as AddressInfo).port;
      const sub = await call(r2, "POST", "/ebus/datashare/v1/subscriptions", {
        as: B,
        body: { serviceId: sid, webhookUrl: `http://127.0.0.1:${port}/hook` },
      });
      expect(sub.status, JSON.stringify(sub.json)).toBe(201);
      const ds = (r: Sim) => r.runtime.platforms.get("datashare") as unknown as DatasharePlatform;
      await eventually(() => ds(r1).webhookSubscribers().includes(B)); // subscribed on r2: r1 runs B's deliveries too
      const uscc = r1.runtime.seed.enterprises.at(3)!.uscc;
      const rows = await call(r1, "PUT", `/ebus/datashare/v1/catalogue/${sid}/rows`, {
        body: { rows: [{ TYSHXYDM: uscc, CJRQ: "2025-01-06", JL: "合格" }] },
      });
      expect(rows.status, JSON.stringify(rows.json)).toBe(200);
      const run = (r: Sim) => ds(r).runDeliveries();
      const [a, b] = await Promise.all([run(r1), run(r2)]);
      expect(a.length + b.length).toBe(1);
      expect(hits).toEqual(["data.changed"]);
      await Promise.all([run(r1), run(r2)]); // delivered: nothing left to attempt
      expect(hits).toHaveLength(1);
    } finally {
      receiver.close();
    }
  });

  it("a tenant registered on one signs on the other", async () => {
    const reg = await call(r1, "POST", "/_gatesim/tenants", {
      headers: admin,
      body: { paasid: `replica-${Date.now()}`, name: "跨实例 / cross-replica" },
    });
    expect(reg.status).toBe(201);
    await eventually(() => r2.runtime.tenants.get(reg.json.paasid) !== undefined);
    const ping = await call(r2, "GET", "/ebus/gatesim/ping", {
      headers: signedHeaders(reg.json.paasid, reg.json.paasToken, {}),
    });
    expect(ping.status, JSON.stringify(ping.json)).toBe(200);
  });

  it("an OIDC client registered on one authenticates on the other", async () => {
    const reg = await call(r1, "POST", `/_gatesim/identity/tenants/${A}/clients`, {
      headers: admin,
      body: {
        clientId: `replica_rp_${Date.now()}`,
        name: "跨实例 RP",
        redirectUris: ["http://127.0.0.1:3000/cb"],
        grants: ["client_credentials"],
      },
    });
    expect(reg.status, JSON.stringify(reg.json)).toBe(201);
    const identity2 = r2.runtime.platforms.get("identity")!.api as IdentityPlatform["api"];
    await eventually(() => identity2.getClient(reg.json.clientId) !== undefined);
    const tok = await r2.app.inject({
      method: "POST",
      url: "/oidc/token",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${reg.json.clientId}:${reg.json.secret}`).toString("base64")}`,
      },
      payload: "grant_type=client_credentials",
    });
    expect(tok.statusCode, tok.body).toBe(200);
  });

  it("a clock advanced and a rule set on one hold on the other; a reset on one resets both", async () => {
    await call(r1, "POST", `/_gatesim/tenants/${B}/clock`, {
      headers: admin,
      body: { action: "advance", ms: 3_600_000 },
    });
    await eventually(
      async () => (await call(r2, "GET", `/_gatesim/tenants/${B}/clock`, { headers: admin })).json.offsetMs > 3_500_000,
    );
    const rule = await call(r2, "POST", `/_gatesim/tenants/${B}/rules`, {
      headers: admin,
      body: { match: { pathPrefix: "/ebus/gatesim/echo" }, action: { errcode: 50201 } },
    });
    expect(rule.status).toBe(201);
    await eventually(() => r1.tenant(B).rules.list().length === 1);
    expect((await call(r1, "POST", "/ebus/gatesim/echo", { as: B, body: {} })).json.errcode).toBe(50201);

    expect((await call(r2, "POST", `/_gatesim/tenants/${B}/reset`, { headers: admin })).status).toBe(200);
    await eventually(
      () => r1.tenant(B).rules.list().length === 0 && Math.abs(r1.tenant(B).clock.state().offsetMs) < 1000,
    );
    expect((await call(r1, "POST", "/ebus/gatesim/echo", { as: B, body: {} })).status).toBe(200);
  });
});

describe("Redis unreachable or lost", () => {
  requireTool(commandWorks("redis-server", ["--version"]), "redis-server (the Redis backend's tests)", "redis-server");

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
  }
  const startRedis = (port: number) => {
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    return child;
  };

  it("unreachable at start: a clear error naming the address (not the password) within 5 s", async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await RedisBackend.open(`redis://:s3cret-pass@127.0.0.1:${port}`, { connectTimeoutMs: 2000 }).catch(
      (e) => e,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toContain("cannot reach Redis");
    expect(err.message).not.toContain("s3cret-pass");
  });

  it("lost while running: 50201 with the reason; back again: serving resumes", async () => {
    const port = await freePort();
    let redis = startRedis(port);
    try {
      let sim: Sim | undefined;
      for (let i = 0; i < 50 && !sim; i++)
        sim = await replica({ redis: `redis://127.0.0.1:${port}` }).catch(async () => {
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      expect(sim).toBeDefined();
      expect((await call(sim!, "GET", "/ebus/gatesim/ping")).status).toBe(200);
      const gone = new Promise((r) => redis.once("exit", r));
      redis.kill("SIGKILL");
      await gone;
      const refused = await call(sim!, "GET", "/ebus/gatesim/ping");
      expect(refused.status).toBe(502);
      expect(refused.json.errcode).toBe(50201);
      expect(refused.json._diagnostics[0]).toMatchObject({ rule: "store.unavailable" });
      expect((await call(sim!, "GET", "/_gatesim/ready", { headers: {} })).status).toBe(503);
      redis = startRedis(port);
      await eventually(async () => (await call(sim!, "GET", "/ebus/gatesim/ping")).status === 200);
      await sim!.app.close();
    } finally {
      redis.kill("SIGKILL");
    }
  }, 20_000);
});
