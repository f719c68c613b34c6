// Subscriptions and webhook deliveries (issue 6 item 6): a receiver that fails, then recovers; retries with backoff on
// the subscriber's clock; the delivery log; signatures the receiver can verify.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyTifBackendSignature } from "../../mocks/gateway/tif-signature.js";
import { SID, T0, foodInspectionEntry, makeDsSim, type DsSim } from "./helpers.js";

let w: DsSim;
let server: Server;
let statuses: number[];
const received: { headers: IncomingMessage["headers"]; body: any }[] = [];

beforeEach(async () => {
  w = await makeDsSim();
  received.length = 0;
  statuses = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterEach(async () => {
  await w.platform.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const hookUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/datashare`;

async function compiledAndSubscribed(): Promise<{ sid: string; subId: string }> {
  const e = (
    await w.call("stmarket", "POST", "/ebus/datashare/v1/catalogue", foodInspectionEntry(["TYSHXYDM", "JL"]))
  ).json().data;
  await w.call("dsa", "POST", "/ebus/datashare/v1/applications", {
    serviceId: e.serviceId,
    fields: ["JL"],
    purpose: "核查",
    itemCode: "11440100696927671X3442011817001",
  });
  const s = await w.call("dsa", "POST", "/ebus/datashare/v1/subscriptions", {
    serviceId: e.serviceId,
    webhookUrl: hookUrl(),
  });
  expect(s.statusCode).toBe(201);
  return { sid: e.serviceId, subId: s.json().data.id };
}

describe("webhook deliveries", () => {
  it("retries a failing receiver with backoff on the subscriber's clock until it recovers, logging every attempt", async () => {
    const { sid, subId } = await compiledAndSubscribed();
    statuses = [503, 500];
    const uscc = w.seed.enterprises.at(3)!.uscc;
    await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${sid}/rows`, {
      rows: [{ TYSHXYDM: uscc, JL: "合格" }],
    });

    expect(await w.platform.runDeliveries()).toHaveLength(1); // attempt 1: 503
    expect(await w.platform.runDeliveries()).toHaveLength(0); // the retry is not due yet (1 s later)
    let log = (await w.call("dsa", "GET", `/ebus/datashare/v1/deliveries?subscriptionId=${subId}`)).json().data.items;
    expect(log).toMatchObject([
      {
        status: "pending",
        event: "data.changed",
        attempts: [{ ok: false, status: 503 }],
        nextAttemptAt: new Date(T0 + 1_000).toISOString(),
      },
    ]);

    w.t("dsa").clock.advance(1_000);
    await w.platform.runDeliveries(); // attempt 2: 500, next after 2 s
    log = (await w.call("dsa", "GET", "/ebus/datashare/v1/deliveries")).json().data.items;
    expect(log[0]).toMatchObject({ status: "pending", nextAttemptAt: new Date(T0 + 3_000).toISOString() });

    w.t("dsa").clock.advance(2_000);
    await w.platform.runDeliveries(); // attempt 3: recovered
    log = (await w.call("dsa", "GET", "/ebus/datashare/v1/deliveries")).json().data.items;
    expect(log[0].status).toBe("delivered");
    expect(log[0].attempts.map((a: { ok: boolean; status: number }) => [a.ok, a.status])).toEqual([
      [false, 503],
      [false, 500],
      [true, 200],
    ]);

    expect(received).toHaveLength(3);
    expect(received[2].body).toMatchObject({
      event: "data.changed",
      subscription_id: subId,
      service_id: sid,
      row_count: 1,
    });
    expect(received[2].body).not.toHaveProperty("rows");
    expect(received[2].headers).toMatchObject({
      "x-tif-paasid": "dsa",
      "x-gatesim-event": "data.changed",
      "x-gatesim-delivery-id": log[0].id,
    });
    // signed like the gateway's calls to a backend, with the subscriber's own token, on its clock
    expect(
      verifyTifBackendSignature(
        received[2].headers as Record<string, string>,
        w.t("dsa").tenant.paasToken,
        (T0 + 3_000) / 1000,
      ),
    ).toBe(true);
  });

  it("gives up after the last attempt, and notifies withdrawals; subscribing needs a grant", async () => {
    const { sid } = await compiledAndSubscribed();
    statuses = Array(10).fill(500);
    await w.call("stmarket", "POST", `/ebus/datashare/v1/catalogue/${sid}/withdraw`, { reason: "停止共享" });
    for (let i = 0; i < 6; i++) {
      await w.platform.runDeliveries();
      w.t("dsa").clock.advance(300_000);
    }
    const log = (await w.call("dsa", "GET", "/ebus/datashare/v1/deliveries")).json().data.items;
    expect(log).toMatchObject([{ event: "resource.withdrawn", status: "failed" }]);
    expect(log[0].attempts).toHaveLength(6);
    expect(received[0].body).toMatchObject({ event: "resource.withdrawn", reason: "停止共享" });

    const noGrant = await w.call("dsb", "POST", "/ebus/datashare/v1/subscriptions", {
      serviceId: SID.entity,
      webhookUrl: hookUrl(),
    });
    expect(noGrant.statusCode).toBe(403);
    expect(noGrant.json().errcode).toBe(1003);
  });

  it("lists and deletes subscriptions; a deleted subscription gets no more notifications", async () => {
    const { sid, subId } = await compiledAndSubscribed();
    expect((await w.call("dsa", "GET", "/ebus/datashare/v1/subscriptions")).json().data.items).toMatchObject([
      { id: subId, serviceId: sid, events: ["data.changed", "resource.updated", "resource.withdrawn"] },
    ]);
    expect((await w.call("dsb", "GET", "/ebus/datashare/v1/subscriptions")).json().data.total).toBe(0);
    expect((await w.call("dsb", "DELETE", `/ebus/datashare/v1/subscriptions/${subId}`)).json().errcode).toBe(1110);
    expect((await w.call("dsa", "DELETE", `/ebus/datashare/v1/subscriptions/${subId}`)).json().data).toEqual({
      id: subId,
      deleted: true,
    });
    await w.call("stmarket", "PUT", `/ebus/datashare/v1/catalogue/${sid}/rows`, { rows: [] });
    await w.platform.runDeliveries();
    expect(received).toHaveLength(0);
  });
});
