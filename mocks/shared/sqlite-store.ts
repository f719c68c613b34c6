// The embedded durable backend: one SQLite file (better-sqlite3 12.x, WAL) holding every tenant's namespace and the
// sandbox's own. Writes are group-committed: the first write of a turn of the event loop opens a transaction, every
// write of that turn (of any request) runs in it at once, and one COMMIT at setImmediate ends it. The gateway awaits
// sync() — that COMMIT — before any answer leaves, so a write acknowledged to a client is on disk and survives
// `kill -9` of the process (WAL with synchronous=NORMAL loses a commit only on an OS crash or power loss;
// `synchronous: "full"` closes that too). One commit per turn instead of one per write, and a checkpointer thread
// instead of auto-checkpoints inside those commits: the two largest costs of a signed query here before
// (scripts/bench/store.mjs).
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { Clock } from "./clock.js";
import { jsonText, StoreOpenError, type PutOptions, type Store, type StoreBackend, type StoreStats } from "./store.js";

/** Bumped when the tables change; a data dir with another version is refused at start (never silently reset). */
export const SQLITE_SCHEMA_VERSION = 1;
export const SQLITE_FILE = "gatesim.db";
const SANDBOX_NS = "\u0000sandbox";

export { StoreOpenError } from "./store.js";

export interface SqliteBackendOptions {
  synchronous?: "normal" | "full";
  /** How often the checkpointer thread folds the WAL into the database file (ms; default 200). */
  checkpointMs?: number;
}

/**
 * The checkpointer: a worker thread with its own connection that folds the WAL into the database file (PASSIVE: it
 * never blocks the writer). SQLite's own auto-checkpoint runs inside a COMMIT on the main thread — page copies and,
 * with synchronous=NORMAL, two fsyncs every 1,000 pages — and was the largest single cost of a signed query on this
 * backend. The main connection keeps a far larger auto-checkpoint as a backstop should this thread ever stop.
 */
const CHECKPOINTER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const tick = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); tick(); db.close(); parentPort.close(); });
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  ns TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
  PRIMARY KEY (ns, kind, id));
CREATE INDEX IF NOT EXISTS records_order ON records (ns, kind, seq);
CREATE TABLE IF NOT EXISTS record_index (
  ns TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY (ns, kind, name, value, id));
CREATE INDEX IF NOT EXISTS record_index_id ON record_index (ns, kind, id);
CREATE TABLE IF NOT EXISTS claims (
  ns TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (ns, kind, id));
CREATE INDEX IF NOT EXISTS claims_expiry ON claims (ns, expires_at);
CREATE TABLE IF NOT EXISTS counters (
  ns TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (ns, kind, key));
CREATE TABLE IF NOT EXISTS logs (
  ns TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, kind, seq));
`;

type Db = Database.Database;

function statements(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  return {
    get: p("SELECT value, expires_at FROM records WHERE ns = ? AND kind = ? AND id = ?"),
    put: p(
      `INSERT INTO records (ns, kind, id, seq, value, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (ns, kind, id) DO UPDATE SET seq = excluded.seq, value = excluded.value, expires_at = excluded.expires_at`,
    ),
    maxSeq: p("SELECT COALESCE(MAX(seq), 0) AS s FROM records"),
    delete: p("DELETE FROM records WHERE ns = ? AND kind = ? AND id = ?"),
    deleteIndex: p("DELETE FROM record_index WHERE ns = ? AND kind = ? AND id = ?"),
    addIndex: p("INSERT OR IGNORE INTO record_index (ns, kind, name, value, id) VALUES (?, ?, ?, ?, ?)"),
    list: p("SELECT id, value, expires_at FROM records WHERE ns = ? AND kind = ? ORDER BY seq"),
    listBy: p(
      `SELECT r.id, r.value, r.expires_at FROM record_index i JOIN records r ON r.ns = i.ns AND r.kind = i.kind AND r.id = i.id
       WHERE i.ns = ? AND i.kind = ? AND i.name = ? AND i.value = ? ORDER BY r.seq`,
    ),
    claimPut: p(
      `INSERT INTO claims (ns, kind, id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (ns, kind, id) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?`,
    ),
    claimPurge: p("DELETE FROM claims WHERE ns = ? AND expires_at <= ?"),
    counterGet: p("SELECT value FROM counters WHERE ns = ? AND kind = ? AND key = ?"),
    counterPut: p(
      `INSERT INTO counters (ns, kind, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (ns, kind, key) DO UPDATE SET value = excluded.value`,
    ),
    logMax: p("SELECT COALESCE(MAX(seq), 0) AS s FROM logs WHERE ns = ? AND kind = ?"),
    logAdd: p("INSERT INTO logs (ns, kind, seq, value) VALUES (?, ?, ?, ?)"),
    logTrim: p("DELETE FROM logs WHERE ns = ? AND kind = ? AND seq <= ?"),
    logTail: p("SELECT value FROM logs WHERE ns = ? AND kind = ? AND seq > ? ORDER BY seq"),
    statsRecords: p(
      "SELECT kind, COUNT(*) AS n, SUM(LENGTH(value)) AS b FROM records WHERE ns = ? AND (expires_at IS NULL OR expires_at > ?) GROUP BY kind",
    ),
    statsLogs: p("SELECT kind, COUNT(*) AS n FROM logs WHERE ns = ? GROUP BY kind"),
    statsClaims: p("SELECT kind, COUNT(*) AS n FROM claims WHERE ns = ? AND expires_at > ? GROUP BY kind"),
    statsCounters: p("SELECT COUNT(*) AS n FROM counters WHERE ns = ?"),
    begin: p("BEGIN"),
    commit: p("COMMIT"),
    rollback: p("ROLLBACK"),
    clear: ["records", "record_index", "claims", "counters", "logs"].map((t) => p(`DELETE FROM ${t} WHERE ns = ?`)),
  };
}
type Statements = ReturnType<typeof statements>;

interface Row {
  id?: string;
  value: string;
  expires_at: number | null;
}

/** One namespace (a tenant, or the sandbox) in the shared SQLite file. TTLs run on the namespace's clock. */
class SqliteStore implements Store {
  private claimsSincePurge = 0;

  constructor(
    private readonly backend: SqliteBackend,
    private readonly s: Statements,
    private readonly ns: string,
    private readonly clock: Clock,
  ) {}

  private live(r: Row | undefined): r is Row {
    return !!r && (r.expires_at === null || r.expires_at > this.clock.now());
  }

  async get<T>(kind: string, id: string): Promise<T | undefined> {
    const r = this.s.get.get(this.ns, kind, id) as Row | undefined;
    return this.live(r) ? (JSON.parse(r.value) as T) : undefined;
  }

  put<T>(kind: string, id: string, value: T, opts: PutOptions = {}): Promise<void> {
    const expires = opts.ttlMs !== undefined ? this.clock.now() + opts.ttlMs : null;
    const index = opts.index;
    return this.backend.writeAsync(() => {
      const text = jsonText(kind, value); // a value JSON cannot keep is refused before any statement runs
      this.s.put.run(this.ns, kind, id, this.backend.nextSeq(), text, expires);
      this.s.deleteIndex.run(this.ns, kind, id);
      if (index) for (const name in index) this.s.addIndex.run(this.ns, kind, name, index[name], id);
      if (opts.evict !== undefined && opts.evict !== id) {
        this.s.deleteIndex.run(this.ns, kind, opts.evict);
        this.s.delete.run(this.ns, kind, opts.evict);
      }
    });
  }

  delete(kind: string, id: string): Promise<boolean> {
    return this.backend.writeAsync(() => {
      this.s.deleteIndex.run(this.ns, kind, id);
      return this.s.delete.run(this.ns, kind, id).changes > 0;
    });
  }

  async list<T>(kind: string, by?: { index: string; value: string }): Promise<T[]> {
    const rows = (by ? this.s.listBy.all(this.ns, kind, by.index, by.value) : this.s.list.all(this.ns, kind)) as Row[];
    const out: T[] = [];
    for (const r of rows) if (this.live(r)) out.push(JSON.parse(r.value) as T);
    return out;
  }

  /** Synchronous, like memory's: decided at once (one indexed upsert); committed with the turn (sync()). */
  claim(kind: string, id: string, ttlMs: number): boolean {
    const now = this.clock.now();
    // taken only when the row is new or its claim had expired (the upsert's WHERE), atomically in SQLite
    const purge = ++this.claimsSincePurge >= 1000;
    if (purge) this.claimsSincePurge = 0;
    return this.backend.write(() => {
      if (purge) this.s.claimPurge.run(this.ns, now);
      return this.s.claimPut.run(this.ns, kind, id, now + ttlMs, now).changes > 0;
    });
  }

  next(kind: string, key: string, floor = 0): Promise<number> {
    return this.backend.writeAsync(() => {
      const n = Math.max(this.counter(kind, key), floor) + 1;
      this.s.counterPut.run(this.ns, kind, key, n);
      return n;
    });
  }

  private counter(kind: string, key: string): number {
    return (this.s.counterGet.get(this.ns, kind, key) as { value: number } | undefined)?.value ?? 0;
  }

  add(kind: string, key: string, delta: number, max = Infinity): Promise<number | null> {
    if (delta === 0) return Promise.resolve(this.counter(kind, key));
    return this.backend.writeAsync(() => {
      const n = this.counter(kind, key) + delta;
      if (n > max || n < 0) return null;
      this.s.counterPut.run(this.ns, kind, key, n);
      return n;
    });
  }

  append(kind: string, values: readonly unknown[], cap: number): Promise<void> {
    const keep = Math.max(1, cap);
    return this.backend.writeAsync(() => {
      const texts = values.map((v) => jsonText(kind, v)); // all or none: a bad value stores nothing
      if (!texts.length) return;
      let seq = (this.s.logMax.get(this.ns, kind) as { s: number }).s;
      for (const text of texts) this.s.logAdd.run(this.ns, kind, ++seq, text);
      if (seq > keep) this.s.logTrim.run(this.ns, kind, seq - keep);
    });
  }

  async tail<T>(kind: string, limit?: number): Promise<T[]> {
    const max = (this.s.logMax.get(this.ns, kind) as { s: number }).s;
    const from = limit === undefined ? 0 : Math.max(0, max - limit);
    return (this.s.logTail.all(this.ns, kind, from) as Row[]).map((r) => JSON.parse(r.value) as T);
  }

  stats(): StoreStats {
    const now = this.clock.now();
    const out: StoreStats = { kinds: {}, logs: {}, claims: {}, counters: 0 };
    for (const r of this.s.statsRecords.all(this.ns, now) as { kind: string; n: number; b: number }[])
      out.kinds[r.kind] = { records: r.n, bytes: r.b };
    for (const r of this.s.statsLogs.all(this.ns) as { kind: string; n: number }[]) out.logs[r.kind] = r.n;
    for (const r of this.s.statsClaims.all(this.ns, now) as { kind: string; n: number }[]) out.claims[r.kind] = r.n;
    out.counters = (this.s.statsCounters.get(this.ns) as { n: number }).n;
    return out;
  }

  clear(): Promise<void> {
    return this.backend.writeAsync(() => {
      for (const st of this.s.clear) st.run(this.ns);
    });
  }
}

export class SqliteBackend implements StoreBackend {
  readonly name = "sqlite" as const;
  readonly file: string;
  private readonly db: Db;
  private readonly s: Statements;
  private seq: number;
  private readonly sandboxStore: SqliteStore;

  /** Opens (creating when absent) DIR/gatesim.db; a foreign, newer, older or corrupt file throws StoreOpenError. */
  constructor(dir: string, opts: SqliteBackendOptions = {}) {
    this.file = join(resolve(dir), SQLITE_FILE);
    try {
      mkdirSync(resolve(dir), { recursive: true });
    } catch (e) {
      throw new StoreOpenError(resolve(dir), `无法创建目录 / cannot create the folder (${(e as Error).message})`);
    }
    let Sqlite: typeof Database;
    try {
      // loaded here, not at the top: the memory backend (the default) never loads the native module
      Sqlite = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
    } catch (e) {
      throw new StoreOpenError(
        this.file,
        `无法加载 better-sqlite3（原生模块）/ cannot load better-sqlite3, a native module (${(e as Error).message.split("\n")[0]}); 重新运行 npm ci / run npm ci again`,
      );
    }
    try {
      this.db = new Sqlite(this.file, { fileMustExist: false });
      this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${opts.synchronous === "full" ? "FULL" : "NORMAL"}`);
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("wal_autocheckpoint = 25000"); // a backstop (≈100 MB of WAL): the checkpointer thread runs first
      this.db.pragma("journal_size_limit = 67108864");
      const check = this.db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new Error(`quick_check: ${String(check)}`);
    } catch (e) {
      throw new StoreOpenError(
        this.file,
        `文件损坏或不是 gatesim 的 SQLite 数据库 / the file is corrupt or not a SQLite database (${(e as Error).message}); 移走它或换一个 --data-dir / move it away or choose another --data-dir`,
      );
    }
    this.migrate();
    this.s = statements(this.db);
    this.seq = (this.s.maxSeq.get() as { s: number }).s;
    this.sandboxStore = new SqliteStore(this, this.s, SANDBOX_NS, new Clock());
    this.checkpointer = new Worker(CHECKPOINTER, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve("better-sqlite3"),
        file: this.file,
        intervalMs: opts.checkpointMs ?? 200,
      },
    });
    this.checkpointer.on("error", () => {}); // the backstop auto-checkpoint takes over
    this.checkpointer.once("exit", () => (this.checkpointerGone = true));
    this.checkpointer.unref();
  }

  private readonly checkpointer: Worker;
  private checkpointerGone = false;

  private migrate(): void {
    const hasMeta = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const tables = (
      this.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    ).n;
    if (!hasMeta && tables > 0)
      throw new StoreOpenError(
        this.file,
        "这个 SQLite 文件不是 gatesim 写的（没有 meta 表）/ this SQLite file was not written by gatesim (no meta table)",
      );
    if (hasMeta) {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
        { value: string } | undefined;
      const found = Number(row?.value);
      if (found !== SQLITE_SCHEMA_VERSION)
        throw new StoreOpenError(
          this.file,
          `数据格式版本 ${row?.value ?? "（无）"}，本版 gatesim 读写版本 ${SQLITE_SCHEMA_VERSION} / schema version ${row?.value ?? "(none)"} found, this gatesim reads and writes version ${SQLITE_SCHEMA_VERSION}: ` +
            (found > SQLITE_SCHEMA_VERSION
              ? "用写它的那一版（或更新版）gatesim 打开 / open it with the gatesim that wrote it, or a newer one"
              : "没有自动迁移，换一个空的 --data-dir 或删掉旧文件 / no migration exists: use an empty --data-dir or delete the old file"),
        );
      return;
    }
    this.db.exec(SCHEMA);
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SQLITE_SCHEMA_VERSION));
  }

  /** Insertion order across the file (records of a kind list in the order of their last write). */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Those waiting for this turn's COMMIT (sync()); null: no transaction open. */
  private pending: { resolve: () => void; reject: (e: unknown) => void }[] | null = null;

  /**
   * Runs `fn` at once inside this turn's transaction (opened by the first write of the turn) and answers its result;
   * the turn's COMMIT follows at setImmediate, and sync() waits for it (the gateway does, before any answer leaves).
   * No savepoint per write: a value is checked before any statement runs, and the statements that can still fail
   * (disk full, I/O error) make SQLite roll the whole transaction back — sync() then fails, so nothing of the turn is
   * acknowledged.
   */
  write<T>(fn: () => T): T {
    if (!this.db.open) throw new Error("the SQLite store is closed");
    if (!this.pending) {
      this.s.begin.run();
      this.pending = [];
      setImmediate(() => this.commit());
    }
    try {
      return fn();
    } catch (e) {
      if (!this.db.inTransaction) this.failed(e); // rolled back by SQLite: the turn's other writes are gone too
      throw e;
    }
  }

  /** write() as a promise (the Store methods'): a refused write rejects it. */
  writeAsync<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.write(fn));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Every write made so far is committed (at once when none is waiting). */
  sync(): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const waiting = this.pending;
    if (!waiting) return Promise.resolve();
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  /**
   * Set when SQLite rolled a turn back (disk full, I/O error): writes of that turn may belong to requests still
   * running, so from then on nothing is acknowledged — every sync() fails (the gateway answers 50201 with this reason)
   * and health() reports it, until a restart on a repaired disk.
   */
  private broken: Error | null = null;

  private failed(e: unknown, waiting = this.pending ?? []): void {
    this.broken = new Error(
      `SQLite 写入失败，重启前不再确认任何写入 / a SQLite write failed; nothing is acknowledged until a restart: ${(e as Error).message}`,
    );
    this.pending = null;
    for (const w of waiting) w.reject(this.broken);
  }

  /** The group COMMIT: every write of the turn is on disk, or (COMMIT failed) every one of them is refused. */
  private commit(): void {
    const waiting = this.pending;
    if (!waiting) return;
    this.pending = null;
    try {
      this.s.commit.run();
    } catch (e) {
      if (this.db.inTransaction) this.s.rollback.run();
      this.failed(e, waiting);
      return;
    }
    for (const w of waiting) w.resolve();
  }

  describe(): string {
    return `sqlite ${this.file}`;
  }

  forTenant(paasid: string, clock: Clock): Store {
    return new SqliteStore(this, this.s, paasid, clock);
  }

  sandbox(): Store {
    return this.sandboxStore;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    if (this.broken) return { ok: false, detail: this.broken.message };
    try {
      this.db.prepare("SELECT 1").get();
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    this.commit();
    if (!this.checkpointerGone) {
      const stopped = new Promise((r) => this.checkpointer.once("exit", r));
      this.checkpointer.postMessage("stop"); // a last checkpoint, then it closes its connection
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.checkpointer.terminate();
    }
    if (this.db.open) this.db.close();
  }
}
