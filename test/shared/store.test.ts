// The store seam (architecture.md §4) as platform code sees it, run over every backend by one parametrised suite:
// records with TTL and indexes, claim-with-TTL, counters, capped append, and reset clearing exactly one namespace.
import { afterAll, describe, expect, it } from "vitest";
import { Clock } from "../../mocks/shared/clock.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  jsonText,
  MemoryStore,
  StoreUnavailableError,
  type Store,
  type StoreChange,
} from "../../mocks/shared/store.js";
import { SQLITE_FILE, SqliteBackend, StoreOpenError } from "../../mocks/shared/sqlite-store.js";
import { RedisBackend } from "../../mocks/shared/redis-store.js";
import { testRedis, testRedisCluster } from "../redis-server.js";

const made: string[] = [];
/** A fresh data dir, removed after the file's tests (the backends opened on it are closed first). */
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "gatesim-store-"));
  made.push(d);
  return d;
};

interface Backend {
  name: string;
  /** Two namespaces (tenants) on one backend, on their own clocks, and a reset of the first. */
  open(): Promise<{ a: Store; b: Store; clockA: Clock; resetA(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: "memory",
    async open() {
      const clockA = new Clock();
      const a = new MemoryStore(clockA, { claimMax: 10_000 });
      return { a, b: new MemoryStore(new Clock()), clockA, resetA: async () => a.clear() };
    },
  },
  {
    name: "memory (json)",
    async open() {
      const clockA = new Clock();
      const a = new MemoryStore(clockA, { claimMax: 10_000, json: true });
      return { a, b: new MemoryStore(new Clock(), { json: true }), clockA, resetA: async () => a.clear() };
    },
  },
  {
    name: "sqlite",
    async open() {
      const be = new SqliteBackend(tempDir());
      const clockA = new Clock();
      const a = be.forTenant("A", clockA);
      return { a, b: be.forTenant("B", new Clock()), clockA, resetA: async () => a.clear() };
    },
  },
  onRedis("redis", testRedis),
  onRedis("redis cluster", testRedisCluster),
];
const opened: RedisBackend[] = [];

/** A Redis the tests start (one server, or a three-master Cluster), under a fresh key prefix. */
function onRedis(name: string, redis: () => Promise<{ url: string; prefix: string }>): Backend {
  return {
    name,
    async open() {
      const { url, prefix } = await redis();
      const be = await RedisBackend.open(url, { prefix });
      opened.push(be);
      const clockA = new Clock();
      const a = be.forTenant("A", clockA);
      return { a, b: be.forTenant("B", new Clock()), clockA, resetA: async () => a.clear() };
    },
  };
}
afterAll(async () => {
  for (const be of opened) await be.close();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe("SqliteBackend on disk", () => {
  it("keeps every kind of state across close and reopen of the same data dir", async () => {
    const dir = tempDir();
    const first = new SqliteBackend(dir);
    const clock = new Clock();
    const a = first.forTenant("A", clock);
    await a.put("seal", "S1", { code: "S1" }, { index: { owner: "o1" } });
    await a.put("session", "s1", { u: 1 }, { ttlMs: 60_000 });
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(true);
    await a.next("seq", "k");
    await a.append("audit", [{ i: 1 }], 5);
    await first.sandbox().put("tenant", "T1", { paasid: "T1" });
    await first.close();

    const again = new SqliteBackend(dir);
    const b = again.forTenant("A", clock);
    expect(await b.get("seal", "S1")).toEqual({ code: "S1" });
    expect(await b.list("seal", { index: "owner", value: "o1" })).toEqual([{ code: "S1" }]);
    expect(await b.get("session", "s1")).toEqual({ u: 1 });
    expect(await b.claim("nonce", "n-1", 600_000)).toBe(false); // a nonce used before the restart is still refused
    expect(await b.next("seq", "k")).toBe(2);
    expect(await b.tail("audit")).toEqual([{ i: 1 }]);
    expect(await again.sandbox().list("tenant")).toEqual([{ paasid: "T1" }]);
    clock.advance(61_000);
    expect(await b.get("session", "s1")).toBeUndefined(); // TTL on the tenant's clock, after the restart too
    await again.close();
  });

  it("group-commits: sync() resolves once the turn's writes are on disk; a refused write leaves nothing", async () => {
    const dir = tempDir();
    const first = new SqliteBackend(dir);
    const a = first.forTenant("A", new Clock());
    await a.put("seal", "S1", { code: "S1" });
    await expect(a.put("seal", "S2", { when: new Date(0) })).rejects.toThrow(/seal/); // not plain JSON: nothing written
    expect(await a.next("seq", "k")).toBe(1);
    expect(a.claim("nonce", "n-1", 600_000)).toBe(true); // decided at once
    // until the turn's COMMIT, another connection to the file sees none of it
    const peek = new Database(join(dir, SQLITE_FILE), { readonly: true });
    const count = () => (peek.prepare("SELECT COUNT(*) AS n FROM records").get() as { n: number }).n;
    expect(count()).toBe(0);
    await first.sync();
    expect(count()).toBe(1);
    await first.sync(); // nothing waiting: at once
    peek.close();
    await first.close();
    const b = new SqliteBackend(dir).forTenant("A", new Clock());
    expect(await b.get("seal", "S1")).toEqual({ code: "S1" });
    expect(await b.get("seal", "S2")).toBeUndefined();
    expect(await b.claim("nonce", "n-1", 600_000)).toBe(false);
  });

  it("refuses a data dir of another schema version, naming the file and both versions", () => {
    const dir = tempDir();
    new SqliteBackend(dir).close();
    const db = new Database(join(dir, SQLITE_FILE));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => new SqliteBackend(dir)).toThrow(StoreOpenError);
    expect(() => new SqliteBackend(dir)).toThrow(new RegExp(`${SQLITE_FILE}.*schema version 99 found.*version 1`));
  });

  it("refuses a corrupt file and a SQLite file gatesim did not write, never resetting them", () => {
    const dir = tempDir();
    writeFileSync(join(dir, SQLITE_FILE), "this is not a database, but someone's notes".repeat(100));
    expect(() => new SqliteBackend(dir)).toThrow(
      /cannot open the state store .*gatesim\.db.*corrupt or not a SQLite database/,
    );
    const other = tempDir();
    const db = new Database(join(other, SQLITE_FILE));
    db.exec("CREATE TABLE notes (t TEXT)");
    db.close();
    expect(() => new SqliteBackend(other)).toThrow(/not written by gatesim/);
    const db2 = new Database(join(other, SQLITE_FILE));
    expect(db2.prepare("SELECT name FROM sqlite_master").all()).toEqual([{ name: "notes" }]); // left as it was
    db2.close();
  });
});

describe("MemoryStore in json mode (what a durable backend keeps)", () => {
  it("hands back a copy, so a change without put is not kept", async () => {
    const s = new MemoryStore(new Clock(), { json: true });
    await s.put("seal", "S1", { status: "active", tags: ["a"] });
    const v = (await s.get<{ status: string; tags: string[] }>("seal", "S1"))!;
    v.status = "revoked";
    v.tags.push("b");
    expect(await s.get("seal", "S1")).toEqual({ status: "active", tags: ["a"] });
    expect(await s.list("seal")).toEqual([{ status: "active", tags: ["a"] }]);
  });

  it("refuses values JSON would change, naming the kind and the path", async () => {
    const s = new MemoryStore(new Clock(), { json: true });
    await expect(s.put("audit", "1", { raw: Buffer.from("x") })).rejects.toThrow(/audit\.raw is a Buffer/);
    await expect(s.put("k", "1", { at: new Date(0) })).rejects.toThrow(/k\.at is a Date/);
    await expect(s.put("k", "1", { n: 10n })).rejects.toThrow(/k\.n is a bigint/);
    await expect(s.put("k", "1", { m: new Map() })).rejects.toThrow(/k\.m is a Map/);
    await expect(s.append("log", [[1, undefined]], 5)).rejects.toThrow(/log\[1\] is undefined/);
    expect(await s.get("k", "1")).toBeUndefined(); // nothing half-written
  });
});

describe.each(BACKENDS)("Store on $name", (backend) => {
  it("puts, gets, lists in last-write order and by index, deletes; TTLs on the namespace's clock", async () => {
    const { a, b, clockA } = await backend.open();
    await a.put("seal", "S1", { code: "S1", v: 1 }, { index: { owner: "o1" } });
    await a.put("seal", "S2", { code: "S2" }, { index: { owner: "o2" } });
    await a.put("seal", "S3", { code: "S3" }, { index: { owner: "o1" } });
    expect(await a.get("seal", "S1")).toEqual({ code: "S1", v: 1 });
    expect(await a.get("seal", "nope")).toBeUndefined();
    expect(await b.get("seal", "S1")).toBeUndefined(); // another namespace
    await a.put("seal", "S1", { code: "S1", v: 2 }, { index: { owner: "o2" } }); // rewritten: last, other owner
    expect((await a.list<{ code: string }>("seal")).map((x) => x.code)).toEqual(["S2", "S3", "S1"]);
    expect((await a.list<{ code: string }>("seal", { index: "owner", value: "o1" })).map((x) => x.code)).toEqual([
      "S3",
    ]);
    expect((await a.list<{ code: string }>("seal", { index: "owner", value: "o2" })).map((x) => x.code)).toEqual([
      "S2",
      "S1",
    ]);
    expect(await a.delete("seal", "S2")).toBe(true);
    expect(await a.delete("seal", "S2")).toBe(false);
    expect(await a.list("seal", { index: "owner", value: "o2" })).toEqual([{ code: "S1", v: 2 }]);
    await a.put("session", "s1", { u: 1 }, { ttlMs: 60_000 });
    await a.put("session", "s2", { u: 2 });
    clockA.advance(59_000);
    expect(await a.get("session", "s1")).toEqual({ u: 1 });
    clockA.advance(1_000);
    expect(await a.get("session", "s1")).toBeUndefined();
    expect(await a.list("session")).toEqual([{ u: 2 }]);
    await a.put("session", "s1", { u: 3 }); // written again without a TTL: lives
    clockA.advance(86_400_000);
    expect(await a.get("session", "s1")).toEqual({ u: 3 });
  });

  it("claims an id once inside its TTL, again after it (on the namespace's clock), per namespace", async () => {
    const { a, b, clockA } = await backend.open();
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(true);
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(false);
    expect(await b.claim("nonce", "n-1", 600_000)).toBe(true); // another tenant's nonces are its own
    expect(await a.claim("other", "n-1", 600_000)).toBe(true); // kinds are separate
    clockA.advance(599_000);
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(false);
    clockA.advance(1_000);
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(true);
  });

  it("counts per key above every value handed out and above the floor", async () => {
    const { a, b } = await backend.open();
    expect(await a.next("seq", "440500")).toBe(1);
    expect(await a.next("seq", "440500")).toBe(2);
    expect(await a.next("seq", "440500", 10)).toBe(11);
    expect(await a.next("seq", "440500", 3)).toBe(12);
    expect(await a.next("seq", "440600")).toBe(1);
    expect(await b.next("seq", "440500")).toBe(1);
  });

  it("adds to a bounded counter atomically: never above max nor below 0, 0 reads; shares next's counters", async () => {
    const { a, b } = await backend.open();
    expect(await a.add("usage", "g1", 0)).toBe(0);
    // 30 concurrent takes from a quota of 20: exactly 20 succeed, each with its own value
    const took = await Promise.all(Array.from({ length: 30 }, () => a.add("usage", "g1", 1, 20)));
    expect(took.filter((n) => n !== null).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(took.filter((n) => n === null)).toHaveLength(10);
    expect(await a.add("usage", "g1", 0)).toBe(20);
    expect(await a.add("usage", "g1", -1)).toBe(19);
    expect(await a.add("usage", "g1", -19)).toBe(0);
    expect(await a.add("usage", "g1", -1)).toBeNull(); // would go below 0: unchanged
    expect(await a.add("usage", "g1", 0)).toBe(0);
    expect(await a.add("usage", "g1", 100)).toBe(100); // no max
    expect(await b.add("usage", "g1", 0)).toBe(0); // another namespace
    expect(await a.add("seq", "k", 5)).toBe(5);
    expect(await a.next("seq", "k")).toBe(6);
  });

  it("keeps the newest `cap` appended values, oldest first", async () => {
    const { a } = await backend.open();
    for (let i = 1; i <= 25; i++) await a.append("audit", [{ i }], 10);
    const all = await a.tail<{ i: number }>("audit");
    expect(all.map((e) => e.i)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect((await a.tail<{ i: number }>("audit", 3)).map((e) => e.i)).toEqual([23, 24, 25]);
    expect(await a.tail("empty")).toEqual([]);
  });

  it("a put that evicts another record of its kind: both in one write, the evicted one gone from every index", async () => {
    const { a } = await backend.open();
    await a.put("audit", "L1", { n: 1 }, { index: { consumer: "c1" } });
    await a.put("audit", "L2", { n: 2 }, { index: { consumer: "c1" } });
    await a.put("audit", "L3", { n: 3 }, { index: { consumer: "c1" }, evict: "L1" });
    await a.put("audit", "L4", { n: 4 }, { evict: "L0" }); // evicting what is not there changes nothing else
    expect(await a.get("audit", "L1")).toBeUndefined();
    expect(await a.list("audit")).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(await a.list("audit", { index: "consumer", value: "c1" })).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it("keeps long values byte for byte: Chinese, emoji and escapes either side of the 256-character wire switch", async () => {
    const { a } = await backend.open();
    // JSON texts of 256 and 257 characters and one of kilobytes: Redis gets the short one as a string, the long as bytes
    const pad = (n: number) => "汕头市政务服务数据管理局🏛".repeat(300).slice(0, n);
    const at = (len: number) => ({ t: pad(len - 8) }); // {"t":"…"} is 8 characters around the text
    expect(JSON.stringify(at(256))).toHaveLength(256);
    const values = [at(256), at(257), { t: pad(3000), q: 'a "quoted" \\ line\n', n: [1.5, 1e21] }];
    for (const [i, v] of values.entries()) await a.put("licence", `L${i}`, v);
    expect(await a.list("licence")).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
    await a.append("journal", values, 10);
    expect(await a.tail("journal")).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
  });

  it("appends a batch in order as one write, capped across it", async () => {
    const { a } = await backend.open();
    await a.append("journal", [{ i: 1 }, { i: 2 }], 4);
    await a.append("journal", [{ i: 3 }, { i: 4 }, { i: 5 }], 4); // the cap cuts into the batch before it
    await a.append("journal", [], 4);
    expect((await a.tail<{ i: number }>("journal")).map((e) => e.i)).toEqual([2, 3, 4, 5]);
  });

  it("reset clears every kind of state of exactly that namespace", async () => {
    const { a, b, resetA } = await backend.open();
    for (const s of [a, b]) {
      await s.put("seal", "S1", { code: "S1" }, { index: { owner: "o1" } });
      await s.claim("nonce", "n-1", 600_000);
      await s.next("seq", "k");
      await s.append("audit", ["x"], 5);
    }
    await resetA();
    expect(await a.get("seal", "S1")).toBeUndefined();
    expect(await a.list("seal", { index: "owner", value: "o1" })).toEqual([]);
    expect(await a.claim("nonce", "n-1", 600_000)).toBe(true);
    expect(await a.next("seq", "k")).toBe(1);
    expect(await a.tail("audit")).toEqual([]);
    expect(await b.get("seal", "S1")).toEqual({ code: "S1" });
    expect(await b.claim("nonce", "n-1", 600_000)).toBe(false);
    expect(await b.next("seq", "k")).toBe(2);
    expect(await b.tail("audit")).toEqual(["x"]);
  });
});

// stats() is synchronous: the in-process backends count what they hold; Redis cannot answer without a round trip, so
// it is not among these (its stats() reports zeros).
// the in-process memory store keeps values as given (no serialising), so only the others refuse what JSON would change
describe.each(BACKENDS.filter((b) => b.name !== "memory"))("Store appends on $name", (backend) => {
  it("a batch with a value JSON would change stores nothing of it", async () => {
    const { a } = await backend.open();
    await a.append("journal", [{ i: 1 }], 4);
    await expect(a.append("journal", [{ i: 2 }, { at: new Date(0) }], 4)).rejects.toThrow(/journal\.at is a Date/);
    expect(await a.tail("journal")).toEqual([{ i: 1 }]);
  });
});

describe.each(BACKENDS.filter((b) => !b.name.startsWith("redis")))("Store stats on $name", (backend) => {
  it("reports what it holds in stats(): live records and bytes per kind, log lengths, claims", async () => {
    const { a, clockA } = await backend.open();
    await a.put("licence", "L1", { no: "L1" });
    await a.put("licence", "L2", { no: "L2" });
    await a.put("session", "s1", { u: 1 }, { ttlMs: 1_000 });
    for (let i = 0; i < 5; i++) await a.append("audit", [i], 3);
    await a.claim("nonce", "n-1", 600_000);
    await a.next("seq", "k");
    clockA.advance(2_000); // the session has expired: not counted
    const st = a.stats();
    expect(st.kinds).toEqual({ licence: { records: 2, bytes: 2 * JSON.stringify({ no: "L1" }).length } });
    expect(st.logs).toEqual({ audit: 3 });
    expect(st.claims).toEqual({ nonce: 1 });
    expect(st.counters).toBe(1);
  });
});

describe("RedisBackend: what a failed command means", () => {
  it("a command Redis refuses (WRONGTYPE) is a fault, passed on as it is; a closed connection is an outage (50201)", async () => {
    const { url, prefix } = await testRedis();
    const be = await RedisBackend.open(url, { prefix });
    try {
      const a = be.forTenant("A", new Clock());
      // the hash behind kind "seal" made a plain string, as a foreign writer might: Redis answers WRONGTYPE
      await be.client.set(`${prefix}:{A}:v:seal`, "not a hash");
      const fault = await a.get("seal", "S1").catch((e: unknown) => e);
      expect(fault).toBeInstanceOf(Error);
      expect(fault).not.toBeInstanceOf(StoreUnavailableError);
      expect((fault as Error).message).toMatch(/^WRONGTYPE/);
      be.client.disconnect();
      const outage = await a.get("licence", "L1").catch((e: unknown) => e);
      expect(outage).toBeInstanceOf(StoreUnavailableError);
      expect((outage as Error).message).toContain("the state store is unavailable");
    } finally {
      await be.close();
    }
  });
});

describe("RedisBackend: what the other replicas are told", () => {
  it("a platform namespace's writes and deletes are announced to the others, silent ones (the audit log's) are not", async () => {
    const { url, prefix } = await testRedis();
    const [one, other] = [await RedisBackend.open(url, { prefix }), await RedisBackend.open(url, { prefix })];
    try {
      const told: StoreChange[] = [];
      other.watch((c) => told.push(c));
      await other.watching();
      const platform = one.sandbox();
      await platform.put("ds.audit", "DSL1", "[1]", { silent: true });
      await platform.delete("ds.audit", "DSL1", { silent: true });
      await platform.put("ds.grant", "G1", { id: "G1" });
      await platform.delete("ds.grant", "G1");
      // announcements arrive in the order made: once the last has, any earlier one would have too
      for (let i = 0; i < 200 && told.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(told.map((c) => `${c.op} ${c.kind} ${c.id}`)).toEqual(["put ds.grant G1", "delete ds.grant G1"]);
    } finally {
      await one.close();
      await other.close();
    }
  });
});

describe("jsonText: what a durable store refuses, and where", () => {
  it("names the kind and the path to the first value JSON would change", () => {
    expect(() => jsonText("seal", { a: [1, { when: new Date(0) }] })).toThrow(
      "store: seal.a[1].when is a Date, not plain JSON",
    );
    expect(() => jsonText("journal", [0, undefined])).toThrow(
      "store: journal[1] is undefined, which JSON turns into null",
    );
    expect(() => jsonText("audit", { n: { x: Number.NaN } })).toThrow(
      "store: audit.n.x is NaN, which JSON cannot keep",
    );
    expect(() => jsonText("k", { f: 1n })).toThrow("store: k.f is a bigint, which JSON cannot keep");
    expect(() => jsonText("k", Buffer.from("x"))).toThrow("store: k is a Buffer, not plain JSON");
  });

  it("passes plain JSON through as JSON.stringify writes it (undefined object members left out)", () => {
    const v = { a: [1, "二", true, null, { b: {} }], c: undefined, d: Object.create(null) as object };
    expect(jsonText("k", v)).toBe(JSON.stringify(v));
  });
});
