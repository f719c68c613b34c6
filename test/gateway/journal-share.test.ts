// A journal kept in a shared store (Redis: several replicas are one sandbox) sends its entries in batches, off the
// answer's path: one append per many entries, none held long, none of before a reset sent after it.
import { describe, expect, it } from "vitest";
import { Journal, JOURNAL_KIND, type JournalEntry, type RawExchange } from "../../gateway/journal.js";
import { Clock } from "../../mocks/shared/clock.js";
import { MemoryStore } from "../../mocks/shared/store.js";

const exchange = (i: number): RawExchange => ({
  time: Date.UTC(2026, 0, 1) + i,
  traceId: `t-${i}`,
  tenant: "C90-44050001",
  operationId: "gatewayEbusPing",
  method: "GET",
  url: `/ebus/gatesim/ping?access_token=secret-${i}`,
  status: 200,
  durationMs: 1,
  responseJson: JSON.stringify({ errcode: 0, data: { i } }),
});

/** A journal sharing into a serialising store, and the batches that store was given. */
function shared(cap = 1000) {
  const store = new MemoryStore(new Clock(), { json: true });
  const batches: number[] = [];
  const append = store.append.bind(store);
  store.append = (kind, values, c) => (batches.push(values.length), append(kind, values, c));
  const errors: unknown[] = [];
  const journal = new Journal(cap, 4096);
  journal.share(store, (e) => errors.push(e));
  const stored = async () => (await store.tail<JournalEntry>(JOURNAL_KIND)).map((e) => e.traceId);
  return { journal, store, batches, errors, stored };
}

describe("a shared journal", () => {
  it("sends what it recorded as one batch, in order; reads show the entries the memory journal shows", async () => {
    const { journal, batches, stored } = shared();
    const alone = new Journal(1000, 4096); // the same exchanges, in a journal of this process only
    for (let i = 0; i < 3; i++) for (const j of [journal, alone]) j.record(exchange(i));
    expect(batches).toEqual([]); // not one command per entry on the answer's path
    await journal.flush();
    expect(batches).toEqual([3]);
    expect(await stored()).toEqual(["t-0", "t-1", "t-2"]);
    const read = await journal.queryAll();
    expect(read.entries).toEqual(alone.query().entries);
    expect(read.entries[2]).toMatchObject({
      time: "2026-01-01T00:00:00.000Z",
      url: "/ebus/gatesim/ping?access_token=%5BREDACTED%5D",
      response: { body: { errcode: 0, data: { i: 0 } } },
    });
  });

  it("no secret reaches the shared store: in the URL, the headers, a body, however the body spells it", async () => {
    const { journal, store } = shared();
    const alone = new Journal(1000, 4096);
    const secrets: RawExchange[] = [
      { ...exchange(1), requestHeaders: { authorization: "Bearer tok-SECRET-1", "x-tif-passtoken": "SECRET-2" } },
      { ...exchange(2), method: "POST", requestJson: '{"client_secret":"SECRET-3","n":1}', requestBytes: 34 },
      { ...exchange(3), method: "POST", requestJson: '{"\\u0074oken":"SECRET-4"}', requestBytes: 26 },
      { ...exchange(4), responseJson: '{"data":{"callback":"https://u:SECRET-5@example.org/x"}}' },
      { ...exchange(5), responseJson: '{"data":{"header":"Basic SECRET-6"}}' },
    ];
    for (const x of secrets) for (const j of [journal, alone]) j.record(x);
    await journal.flush();
    const kept = JSON.stringify(await store.tail(JOURNAL_KIND));
    expect(kept).toContain("t-5"); // all there…
    expect(kept).not.toMatch(/SECRET/); // …with nothing of a secret
    expect((await journal.queryAll()).entries).toEqual(alone.query().entries);
  });

  it("sends a full batch at once, and the rest within a few milliseconds without being asked", async () => {
    const { journal, batches, stored } = shared();
    for (let i = 0; i < 130; i++) journal.record(exchange(i));
    expect(batches).toEqual([128]); // the 128th entry sent the batch
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).toEqual([128, 2]);
    expect(await stored()).toHaveLength(130);
  });

  it("reads (query, export) see this process's entries at once: they send what is queued first", async () => {
    const { journal } = shared();
    journal.record(exchange(1));
    journal.record(exchange(2));
    expect((await journal.queryAll()).entries.map((e) => e.traceId)).toEqual(["t-2", "t-1"]);
    expect((await journal.exportAll()).trim().split("\n")).toHaveLength(2);
  });

  it("a reset drops the entries not yet sent: none of before it reaches the store after it", async () => {
    const { journal, batches, stored } = shared();
    journal.record(exchange(1));
    journal.clear();
    await new Promise((r) => setTimeout(r, 30));
    await journal.flush();
    expect(batches).toEqual([]);
    expect(await stored()).toEqual([]);
    journal.record(exchange(2));
    await journal.flush();
    expect(await stored()).toEqual(["t-2"]);
  });

  it("a failed append is reported, not thrown, and flush still settles", async () => {
    const { journal, store, errors } = shared();
    store.append = () => Promise.reject(new Error("Redis gone"));
    journal.record(exchange(1));
    await expect(journal.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => (e as Error).message)).toEqual(["Redis gone"]);
  });
});
