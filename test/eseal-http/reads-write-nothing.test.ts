// Reading seals writes nothing to the store: listings, a seal by its code, 盖章 and 验章 leave the tenant's stored
// seal state (its version counter, bumped by every save) where it was — except the first look-up of a seeded
// organisation, which stores the seal it makes (#14: a read was an add and a blob put on a durable store).
import { beforeAll, describe, expect, it } from "vitest";
import { sm3 } from "../../mocks/eseal/sm3.js";
import { esealSim, A, type EsealSim } from "./helpers.js";

let sim: EsealSim;
const digest = sm3(Buffer.from("汕头市 行政许可决定书", "utf8")).toString("hex");
/** The tenant's stored seal-state version (what every save steps; 0 before any). */
const version = async () => (await sim.tenant(A).store.add("eseal.version", "state", 0)) ?? 0;
/** The tenant's stored seal state as another process would read it. */
const stored = async () => (await sim.tenant(A).store.get<{ seals: Record<string, unknown> }>("eseal", "state"))?.seals;

beforeAll(async () => {
  sim = await esealSim();
});

describe("e-seal reads", () => {
  it("the first listing stores the seeded seal it made; later reads, signatures and verifications store nothing", async () => {
    expect(await version()).toBe(0);
    const list = await sim.call("GET", "/ebus/eseal/v1/seals");
    expect(list.status).toBe(200);
    const sealCode: string = list.json.data.seals[0].sealCode;
    expect(await version()).toBe(1);
    expect(Object.keys((await stored()) ?? {})).toContain(sealCode);

    expect((await sim.call("GET", "/ebus/eseal/v1/seals")).status).toBe(200);
    expect((await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`)).status).toBe(200);
    const s = await sim.call("POST", "/ebus/eseal/v1/signatures", { sealCode, digest });
    expect(s.status).toBe(200);
    const v = await sim.call("POST", "/ebus/eseal/v1/verifications", { signature: s.json.data.signature, digest });
    expect(v.json.data.result).toBe("PASSED");
    expect(await version()).toBe(1);

    // a change still saves, and a read after it sees it
    expect((await sim.call("POST", `/ebus/eseal/v1/seals/${sealCode}/suspend`, {})).status).toBe(200);
    expect(await version()).toBe(2);
    const after = await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`);
    expect(after.json.data.status).toBe("suspended");
    expect(await version()).toBe(2);
  });

  it("a change whose save failed is written by the next save, even when that request changes nothing", async () => {
    // (a memory store keeps the blob's objects by reference, so what was put is read from the calls, not the store)
    const store = sim.tenant(A).store;
    const sealCode: string = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0].sealCode;
    const put = store.put.bind(store);
    const written: string[] = [];
    let fail = true;
    store.put = (kind, id, value) => {
      if (kind === "eseal") written.push(JSON.stringify(value));
      return fail ? Promise.reject(new Error("disk full (injected)")) : put(kind, id, value);
    };
    try {
      expect((await sim.call("POST", `/ebus/eseal/v1/seals/${sealCode}/resume`, {})).status).toBeGreaterThanOrEqual(
        500,
      );
      fail = false;
      // a read: nothing of its own to store, but the resume above is still unstored — it writes it
      expect((await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`)).status).toBe(200);
      expect((await sim.call("GET", `/ebus/eseal/v1/seals/${sealCode}`)).status).toBe(200);
    } finally {
      store.put = put;
    }
    expect(written).toHaveLength(2);
    expect((JSON.parse(written[1]!) as { seals: Record<string, { status: string }> }).seals[sealCode]!.status).toBe(
      "active",
    );
  });
});
