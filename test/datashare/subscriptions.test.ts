import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, backoffDelay, type DeliverFn } from "../../mocks/datashare/subscriptions.js";
import { CODES, T0, grantFor, world } from "./helpers.js";
import type { CompileInput } from "../../mocks/datashare/catalogue.js";

const input: CompileInput = {
  classification: { class: "3", item: "12", category: "001", labels: ["部门信息资源", "测试局", "名录"] },
  name: "养犬登记名录",
  summary: "养犬登记",
  items: [{ code: "DJH", name: "登记号", type: "C", length: 20 }],
  share: { type: "无条件共享", method: "接口" },
  updateCycle: "每日",
};

describe("subscriptions and webhook delivery", () => {
  it("needs an active grant", async () => {
    const { ds, a } = world();
    await expect(
      ds.subscriptions.subscribe(a.paasid, { resourceCode: CODES.entity, webhookUrl: "https://a.example/hook" }),
    ).rejects.toMatchObject({ problem: { code: 1003 } });
    await grantFor(ds, a.paasid, CODES.entity, ["JGMC"]);
    await expect(
      ds.subscriptions.subscribe(a.paasid, { resourceCode: CODES.entity, webhookUrl: "ftp://x" }),
    ).rejects.toMatchObject({ problem: { code: 1109 } });
  });

  it("retries a failing receiver with exponential backoff on the consumer's clock until it recovers", async () => {
    const { ds, a, b, dept } = world();
    const owner = { kind: "tenant", paasid: dept.paasid } as const;
    const e = await ds.compile(owner, input);
    await grantFor(ds, a.paasid, e.resourceCode, ["DJH"]);
    const sub = await ds.subscriptions.subscribe(a.paasid, {
      resourceCode: e.resourceCode,
      webhookUrl: "https://a.example/hook",
      events: ["data.changed"],
    });

    // receiver fails twice (503, then a network error), then recovers
    const received: { at: number; body: Record<string, unknown> }[] = [];
    let calls = 0;
    const deliver: DeliverFn = async ({ body }) => {
      calls++;
      received.push({ at: a.clock.now(), body });
      if (calls === 1) return { ok: false, status: 503 };
      if (calls === 2) throw new Error("ECONNRESET");
      return { ok: true, status: 200 };
    };

    await ds.hookRows(owner, e.resourceCode, { rows: [{ DJH: "ST-0001" }] });
    await ds.withdraw(owner, e.resourceCode, "x"); // not subscribed to resource.withdrawn: no delivery
    expect(await ds.subscriptions.deliveries(b.paasid)).toEqual([]);

    expect(await ds.subscriptions.runDue(a.paasid, deliver)).toHaveLength(1);
    expect(await ds.subscriptions.nextDueAt(a.paasid)).toBe(T0 + 1_000);
    a.clock.advance(999);
    expect(await ds.subscriptions.runDue(a.paasid, deliver)).toHaveLength(0); // not yet due
    a.clock.advance(1);
    await ds.subscriptions.runDue(a.paasid, deliver);
    expect(await ds.subscriptions.nextDueAt(a.paasid)).toBe(T0 + 1_000 + 2_000);
    a.clock.advance(2_000);
    await ds.subscriptions.runDue(a.paasid, deliver);

    const [d] = await ds.subscriptions.deliveries(a.paasid, sub.id);
    expect(d.status).toBe("delivered");
    expect(d.attempts).toEqual([
      { at: T0, ok: false, status: 503 },
      { at: T0 + 1_000, ok: false, error: "ECONNRESET" },
      { at: T0 + 3_000, ok: true, status: 200 },
    ]);
    expect(received.map((r) => r.at)).toEqual([T0, T0 + 1_000, T0 + 3_000]);
    expect(received[0].body).toMatchObject({
      event: "data.changed",
      resource_code: e.resourceCode,
      service_id: e.serviceId,
      row_count: 1,
    });
    expect(await ds.subscriptions.nextDueAt(a.paasid)).toBeUndefined();
  });

  it("gives up after the last attempt and keeps the log", async () => {
    const { ds, a } = world({ config: { retry: { ...DEFAULT_RETRY, maxAttempts: 3 } } });
    await grantFor(ds, a.paasid, CODES.centres, ["ZXMC"]);
    await ds.subscriptions.subscribe(a.paasid, { resourceCode: CODES.centres, webhookUrl: "https://a.example/hook" });
    await ds.withdraw({ kind: "admin" }, CODES.centres, "调整");
    const down: DeliverFn = async () => ({ ok: false, status: 500 });
    for (let i = 0; i < 5; i++) {
      await ds.subscriptions.runDue(a.paasid, down);
      a.clock.advance(60_000);
    }
    const [d] = await ds.subscriptions.deliveries(a.paasid);
    expect(d.status).toBe("failed");
    expect(d.attempts).toHaveLength(3);
    expect(d.payload).toMatchObject({ event: "resource.withdrawn", reason: "调整" });
  });

  it("computes capped exponential delays", () => {
    expect([1, 2, 3, 4, 10, 20].map((n) => backoffDelay(n))).toEqual([1_000, 2_000, 4_000, 8_000, 300_000, 300_000]);
  });
});
