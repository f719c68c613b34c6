// The shared backend: every tenant's namespace and the sandbox's own in one Redis (or Redis Cluster), so several
// gatesim processes on it keep one state. ioredis, with auto-pipelining: the commands a request sends in
// one tick travel as one round trip. Each namespace's keys carry one hash tag, `gs:{<ns>}:…`, so a namespace lives in
// one Cluster slot and every multi-key step is one atomic Lua script there.
//
// Keys of namespace N (K = kind):
//   gs:{N}:keys          set of every record/index/counter/log key below (what a reset deletes)
//   gs:{N}:v:K           hash id → value (JSON text)
//   gs:{N}:e:K           sorted set id by expiry, ms on the namespace's clock (only records put with a TTL)
//   gs:{N}:o:K           sorted set id by write sequence (list order: last write last, as memory and sqlite)
//   gs:{N}:x:K           hash id → JSON array of the index keys the record is in
//   gs:{N}:i:K:name:val  set of ids (list by index)
//   gs:{N}:n:K           hash key → counter
//   gs:{N}:l:K           list (capped append)
//   gs:{N}:gen           generation: a reset bumps it, so claims of before are no longer seen
//   gs:{N}:c:GEN:K:id    claim: its expiry on the namespace's clock, with a real-time PX bound (2 × TTL) as well
//   gs:{N}:seq           write sequence
// Expiry is judged on the namespace's clock (a tenant's virtual clock), as the other backends do; expired records are
// skipped on read and dropped by the next write of their kind.
import { createRequire } from "node:module";
import type { Cluster, Redis, RedisOptions } from "ioredis";
import { Clock } from "./clock.js";
import {
  jsonText,
  StoreOpenError,
  StoreUnavailableError,
  type PutOptions,
  type Store,
  type StoreBackend,
  type StoreChange,
  type StoreStats,
} from "./store.js";

const SANDBOX_NS = "~sandbox";

/**
 * Lua: KEYS = [keys, v, e, o, x, seq]; ARGV = [id, value, expiresAt or "", now, index keys as JSON array, channel or
 * "", change message, id to evict or ""]. A new record registers its kind's keys (one SADD); an unchanged index is left
 * alone; the change is published from inside the script, so it needs no round trip of its own; the record to evict
 * (PutOptions.evict) goes in the same step.
 */
const PUT = `
local id, now = ARGV[1], tonumber(ARGV[4])
local old = redis.call('HGET', KEYS[5], id)
local isNew = redis.call('HSET', KEYS[2], id, ARGV[2]) == 1
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], id) elseif not isNew then redis.call('ZREM', KEYS[3], id) end
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[6]), id)
local idx = cjson.decode(ARGV[5])
local reg = {}
if isNew then reg = { KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6] } end
if (old or '[]') ~= ARGV[5] then
  if old then for _, k in ipairs(cjson.decode(old)) do redis.call('SREM', k, id) end end
  if #idx > 0 then
    redis.call('HSET', KEYS[5], id, ARGV[5])
    for _, k in ipairs(idx) do redis.call('SADD', k, id); reg[#reg + 1] = k end
  else redis.call('HDEL', KEYS[5], id) end
end
if #reg > 0 then redis.call('SADD', KEYS[1], unpack(reg)) end
-- expired records of a kind written with TTLs go with its next write (at most 20 per write)
if ARGV[3] ~= '' then
  for _, eid in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 20)) do
    if eid ~= id then
      local o = redis.call('HGET', KEYS[5], eid)
      if o then for _, k in ipairs(cjson.decode(o)) do redis.call('SREM', k, eid) end end
      redis.call('HDEL', KEYS[2], eid); redis.call('ZREM', KEYS[3], eid); redis.call('HDEL', KEYS[5], eid)
      redis.call('ZREM', KEYS[4], eid)
    end
  end
end
local ev = ARGV[8]
if ev and ev ~= '' and ev ~= id then
  local o = redis.call('HGET', KEYS[5], ev)
  if o then for _, k in ipairs(cjson.decode(o)) do redis.call('SREM', k, ev) end end
  redis.call('HDEL', KEYS[2], ev); redis.call('ZREM', KEYS[3], ev); redis.call('HDEL', KEYS[5], ev)
  redis.call('ZREM', KEYS[4], ev)
end
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[6], ARGV[7]) end
return 1`;

/** Lua: KEYS = [v, e, o, x]; ARGV = [id, channel or "", change message] (published when a record went). */
const DELETE = `
local id = ARGV[1]
local old = redis.call('HGET', KEYS[4], id)
if old then for _, k in ipairs(cjson.decode(old)) do redis.call('SREM', k, id) end end
redis.call('ZREM', KEYS[2], id); redis.call('HDEL', KEYS[4], id); redis.call('ZREM', KEYS[3], id)
local n = redis.call('HDEL', KEYS[1], id)
if n > 0 and ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return n`;

/** Lua: KEYS = [v, e, o or index set]; ARGV = [now, "z" (sorted set) or "s" (index set, sorted by o = KEYS[4])]. */
const LIST = `
local ids
if ARGV[2] == 'z' then ids = redis.call('ZRANGE', KEYS[3], 0, -1)
else
  local m = redis.call('SMEMBERS', KEYS[3])
  local scored = {}
  for _, id in ipairs(m) do scored[#scored + 1] = { id, tonumber(redis.call('ZSCORE', KEYS[4], id) or 0) } end
  table.sort(scored, function(a, b) return a[2] < b[2] end)
  ids = {}
  for i, p in ipairs(scored) do ids[i] = p[1] end
end
local now, out = tonumber(ARGV[1]), {}
for _, id in ipairs(ids) do
  local exp = redis.call('ZSCORE', KEYS[2], id)
  if not exp or tonumber(exp) > now then
    local v = redis.call('HGET', KEYS[1], id)
    if v then out[#out + 1] = v end
  end
end
return out`;

/** Lua: KEYS = [v, e]; ARGV = [id, now] → the value, or nil when absent or expired. */
const GET = `
local exp = redis.call('ZSCORE', KEYS[2], ARGV[1])
if exp and tonumber(exp) <= tonumber(ARGV[2]) then return false end
return redis.call('HGET', KEYS[1], ARGV[1])`;

/** Lua: KEYS = [gen]; ARGV = [prefix, now, expiresAt, pxBound] → 1 taken, 0 still taken. */
const CLAIM = `
local k = ARGV[1] .. (redis.call('GET', KEYS[1]) or '0') .. ':' .. ARGV[5]
local cur = redis.call('GET', k)
if cur and tonumber(cur) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', k, ARGV[3], 'PX', ARGV[4])
return 1`;

/** Lua: KEYS = [keys, n]; ARGV = [key, floor]. */
const NEXT = `
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local n = math.max(cur, tonumber(ARGV[2])) + 1
redis.call('HSET', KEYS[2], ARGV[1], n)
redis.call('SADD', KEYS[1], KEYS[2])
return n`;

/** Lua: KEYS = [keys, n]; ARGV = [key, delta, max or ""] → the new value, or nil (unchanged) when out of bounds. */
const ADD = `
local raw = redis.call('HGET', KEYS[2], ARGV[1])
local cur = tonumber(raw or '0')
local d = tonumber(ARGV[2])
if d == 0 then return cur end
local n = cur + d
if n < 0 or (ARGV[3] ~= '' and n > tonumber(ARGV[3])) then return false end
redis.call('HSET', KEYS[2], ARGV[1], n)
if not raw then redis.call('SADD', KEYS[1], KEYS[2]) end
return n`;

/** Lua: KEYS = [keys, l]; ARGV = [cap, value…] (a batch of values, pushed in order as one step). */
const APPEND = `
redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[1]), -1)
redis.call('SADD', KEYS[1], KEYS[2])
return 1`;

/**
 * Lua: KEYS = [keys, gen]; ARGV = [channel or "", change message]: every key of the namespace goes, and claims of
 * before are not seen (new generation).
 */
const CLEAR = `
local ks = redis.call('SMEMBERS', KEYS[1])
for _, k in ipairs(ks) do redis.call('DEL', k) end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
if ARGV[1] ~= '' then redis.call('PUBLISH', ARGV[1], ARGV[2]) end
return #ks`;

/**
 * A value's JSON text as the client should send it: a long one as its UTF-8 bytes. ioredis joins a pipeline's string
 * arguments into one string, which the socket then encodes; for values of a kilobyte or more with Chinese in them that
 * cost ≈15 µs per value against ≈2 µs to encode each apart (Buffer.from), which the pipeline then sends as bytes
 * (Node 20, 2-core VM; the socket's writeUtf8String was ≈10 % of the main thread in scripts/bench/store.mjs's Redis
 * query run, ≈2 % after, plus ≈5 % writing the bytes).
 */
const wire = (text: string): string | Buffer => (text.length > 256 ? Buffer.from(text) : text);

type Client = (Redis | Cluster) & {
  gsPut(...a: (string | number | Buffer)[]): Promise<number>;
  gsDelete(...a: (string | number)[]): Promise<number>;
  gsList(...a: (string | number)[]): Promise<string[]>;
  gsGet(...a: (string | number)[]): Promise<string | null>;
  gsClaim(...a: (string | number)[]): Promise<number>;
  gsNext(...a: (string | number)[]): Promise<number>;
  gsAppend(...a: (string | number | Buffer)[]): Promise<number>;
  gsAdd(...a: (string | number)[]): Promise<number | null>;
  gsClear(...a: (string | number)[]): Promise<number>;
};

const SCRIPTS: [keyof Client & `gs${string}`, number, string][] = [
  ["gsPut", 6, PUT],
  ["gsDelete", 4, DELETE],
  ["gsList", 4, LIST],
  ["gsGet", 2, GET],
  ["gsClaim", 1, CLAIM],
  ["gsNext", 2, NEXT],
  ["gsAppend", 2, APPEND],
  ["gsAdd", 2, ADD],
  ["gsClear", 2, CLEAR],
];

/** One namespace (a tenant, or the sandbox) in the shared Redis. TTLs run on the namespace's clock. */
class RedisStore implements Store {
  private readonly p: string;
  /** Sandbox and platform namespaces tell the other processes of each write (RedisBackend.watch). */
  private readonly shared: boolean;

  constructor(
    private readonly backend: RedisBackend,
    private readonly ns: string,
    private readonly clock: Clock,
  ) {
    this.p = `${backend.prefix}:{${ns}}:`;
    this.shared = ns.startsWith("~");
  }

  /** [channel, message] of a change to announce (sandbox and platform namespaces), or ["", ""] for none. */
  private tell(op: StoreChange["op"], kind: string, id: string, silent = false): [string, string] {
    return this.shared && !silent ? this.backend.changeMessage({ ns: this.ns, kind, id, op }) : ["", ""];
  }

  private get r(): Client {
    return this.backend.client;
  }

  private k(part: string, kind: string): string {
    return `${this.p}${part}:${kind}`;
  }

  async get<T>(kind: string, id: string): Promise<T | undefined> {
    const v = await this.backend.run(() => this.r.gsGet(this.k("v", kind), this.k("e", kind), id, this.clock.now()));
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async put<T>(kind: string, id: string, value: T, opts: PutOptions = {}): Promise<void> {
    const text = jsonText(kind, value);
    const now = this.clock.now();
    const index = Object.entries(opts.index ?? {}).map(([name, v]) => `${this.p}i:${kind}:${name}:${v}`);
    await this.backend.run(() =>
      this.r.gsPut(
        `${this.p}keys`,
        this.k("v", kind),
        this.k("e", kind),
        this.k("o", kind),
        this.k("x", kind),
        `${this.p}seq`,
        id,
        wire(text),
        opts.ttlMs !== undefined ? String(now + opts.ttlMs) : "",
        now,
        JSON.stringify(index),
        ...this.tell("put", kind, id, opts.silent),
        opts.evict ?? "",
      ),
    );
  }

  async delete(kind: string, id: string, opts: { silent?: boolean } = {}): Promise<boolean> {
    const n = await this.backend.run(() =>
      this.r.gsDelete(
        this.k("v", kind),
        this.k("e", kind),
        this.k("o", kind),
        this.k("x", kind),
        id,
        ...this.tell("delete", kind, id, opts.silent),
      ),
    );
    return n > 0;
  }

  async list<T>(kind: string, by?: { index: string; value: string }): Promise<T[]> {
    const set = by ? `${this.p}i:${kind}:${by.index}:${by.value}` : this.k("o", kind);
    const vs = await this.backend.run(() =>
      this.r.gsList(this.k("v", kind), this.k("e", kind), set, this.k("o", kind), this.clock.now(), by ? "s" : "z"),
    );
    return vs.map((v) => JSON.parse(v) as T);
  }

  claim(kind: string, id: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    // the real-time bound keeps Redis's memory flat; the virtual expiry is what decides
    return this.backend
      .run(() =>
        this.r.gsClaim(`${this.p}gen`, `${this.p}c:`, now, now + ttlMs, Math.max(1000, 2 * ttlMs), `${kind}:${id}`),
      )
      .then((n) => n === 1);
  }

  async next(kind: string, key: string, floor = 0): Promise<number> {
    return this.backend.run(() => this.r.gsNext(`${this.p}keys`, this.k("n", kind), key, floor));
  }

  add(kind: string, key: string, delta: number, max?: number): Promise<number | null> {
    return this.backend.run(() =>
      this.r.gsAdd(`${this.p}keys`, this.k("n", kind), key, delta, max === undefined || max === Infinity ? "" : max),
    );
  }

  async append(kind: string, values: readonly unknown[], cap: number): Promise<void> {
    const texts = values.map((v) => wire(jsonText(kind, v))); // all or none: a bad value stores nothing
    if (!texts.length) return;
    await this.backend.run(() => this.r.gsAppend(`${this.p}keys`, this.k("l", kind), Math.max(1, cap), ...texts));
  }

  async tail<T>(kind: string, limit?: number): Promise<T[]> {
    const vs = await this.backend.run(() =>
      this.r.lrange(this.k("l", kind), limit === undefined ? 0 : -Math.max(1, limit), -1),
    );
    return vs.map((v) => JSON.parse(v) as T);
  }

  /** Not answered by Redis synchronously: zeros (tests and diagnostics read stats of the other backends). */
  stats(): StoreStats {
    return { kinds: {}, logs: {}, claims: {}, counters: 0 };
  }

  async clear(): Promise<void> {
    await this.backend.run(() => this.r.gsClear(`${this.p}keys`, `${this.p}gen`, ...this.tell("clear", "", "")));
  }
}

export interface RedisBackendOptions {
  /** Give up connecting at start after this long ("a clear error within 5 s"). */
  connectTimeoutMs?: number;
  /** The first part of every key (default "gs"): several sandboxes can share one Redis under different prefixes. */
  prefix?: string;
}

export class RedisBackend implements StoreBackend {
  readonly name = "redis" as const;
  client!: Client;
  private readonly sandboxStore: RedisStore;
  private readonly where: string;
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    readonly url: string,
    readonly prefix: string,
  ) {
    this.where = redactedUrl(url);
    this.sandboxStore = new RedisStore(this, SANDBOX_NS, new Clock());
  }

  /**
   * Connects to `url` (redis://, rediss://; `redis+cluster://host:port,host:port` for a Cluster) and loads the
   * scripts; unreachable within the timeout → StoreOpenError naming the address (never its password) and the reason.
   */
  static async open(url: string, opts: RedisBackendOptions = {}): Promise<RedisBackend> {
    const be = new RedisBackend(url, opts.prefix ?? "gs");
    const timeout = opts.connectTimeoutMs ?? 5000;
    const {
      default: IORedis,
      Cluster: IOCluster,
      ReplyError,
    } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    const common: RedisOptions = {
      lazyConnect: true,
      connectTimeout: timeout,
      enableAutoPipelining: true,
      // while Redis is away, fail each request at once (the caller gets 50201 with the reason), never queue it
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    };
    const cluster = /^redis\+cluster:\/\//.exec(url);
    const client = (
      cluster
        ? new IOCluster(
            url
              .slice(cluster[0].length)
              .split(",")
              .map((hp) => {
                const [host, port] = hp.split(":");
                return { host, port: Number(port || 6379) };
              }),
            { lazyConnect: true, enableAutoPipelining: true, enableOfflineQueue: false, redisOptions: common },
          )
        : new IORedis(url, common)
    ) as Client;
    client.on("error", () => {}); // reported through health() and each refused request, not as an unhandled event
    for (const [name, numberOfKeys, lua] of SCRIPTS) client.defineCommand(name, { numberOfKeys, lua });
    be.client = client;
    be.replyError = ReplyError;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect().then(() => client.ping()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
        }),
      ]);
    } catch (e) {
      client.disconnect();
      throw new StoreOpenError(
        be.where,
        `无法连接 Redis / cannot reach Redis (${(e as Error).message}); 检查地址、端口和密码 / check the address, port and password`,
      );
    } finally {
      clearTimeout(timer);
    }
    return be;
  }

  /**
   * Round trips so far, as the auto-pipeline makes them: the commands sent before the next setImmediate travel
   * together (ioredis's autoPipelining flushes there), so each such batch counts once. For tests and benchmarks.
   */
  roundTrips = 0;
  private batchOpen = false;
  private readonly closeBatch = () => {
    this.batchOpen = false;
  };

  /** A command, with Redis out of reach turned into StoreUnavailableError (answered 50201 with the reason). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.batchOpen) {
      this.batchOpen = true;
      this.roundTrips++;
      setImmediate(this.closeBatch);
    }
    const p = fn();
    this.inflight.add(p);
    try {
      return await p;
    } catch (e) {
      if (!this.unavailable(e)) throw e;
      throw new StoreUnavailableError(`Redis ${this.where}: ${(e as Error).message ?? String(e)}`);
    } finally {
      this.inflight.delete(p);
    }
  }

  /** ioredis's class of the errors Redis itself answered (ERR, WRONGTYPE, LOADING…), set by open(). */
  private replyError?: new (...a: never[]) => Error;

  /**
   * Whether a failed command means Redis is out of reach (refused 50201, serving resumes when it is back) rather than a
   * fault of the command (a 50001 like any other fault): anything but an answer from Redis — the connection closed or
   * not writable, no retry left — and the answers Redis gives while it cannot serve (loading its data, a cluster or
   * master down, a read-only replica after a failover, a busy script, a slot moving, out of memory, out of clients).
   * The rest (WRONGTYPE, a script error) is a fault of gatesim's and is passed on as it is.
   */
  private unavailable(e: unknown): boolean {
    if (!this.replyError || !(e instanceof this.replyError)) return true;
    return /^(LOADING|CLUSTERDOWN|MASTERDOWN|READONLY|BUSY|TRYAGAIN|NOAUTH|NOPERM|OOM)\b|^ERR max number of clients/.test(
      (e as Error).message,
    );
  }

  /** Every command sent so far has been answered (close waits for this: writes fired and not awaited land too). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** This process's id in change messages (its own are not handed back to it). */
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private subscriber?: Redis | Cluster;
  private subscribed?: Promise<void>;

  private get channel(): string {
    return `${this.prefix}:changes`;
  }

  /** The channel and message announcing a change (published by the script that made it). */
  changeMessage(change: StoreChange): [string, string] {
    return [this.channel, JSON.stringify({ ...change, origin: this.origin })];
  }

  watch(onChange: (change: StoreChange) => void): void {
    if (!this.subscriber) {
      // its own connection (a subscribed one can do nothing else); queued until connected, resubscribed after a loss
      const opts = { enableOfflineQueue: true, lazyConnect: false };
      const sub: Redis | Cluster =
        "isCluster" in this.client && this.client.isCluster
          ? (this.client as Cluster).duplicate(undefined, {
              redisOptions: opts,
              lazyConnect: false,
              enableOfflineQueue: true,
            })
          : (this.client as Redis).duplicate(opts);
      sub.on("error", () => {});
      this.subscribed = sub.subscribe(this.channel).then(
        () => undefined,
        () => undefined,
      );
      this.subscriber = sub;
    }
    this.subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.channel) return;
      try {
        const m = JSON.parse(text) as StoreChange & { origin: string };
        if (m.origin !== this.origin) onChange({ ns: m.ns, kind: m.kind, id: m.id, op: m.op });
      } catch {
        // not ours
      }
    });
  }

  /** Subscribed and listening (tests wait for it before a second process writes). */
  async watching(): Promise<void> {
    await this.subscribed;
  }

  describe(): string {
    return `redis ${this.where}`;
  }

  forTenant(paasid: string, clock: Clock): Store {
    return new RedisStore(this, paasid, clock);
  }

  sandbox(): Store {
    return this.sandboxStore;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.run(() => this.client.ping());
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.settled();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** The URL as shown in the banner, logs and errors: the password never. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url.replace(/^redis\+cluster:/, "redis:"));
    if (u.password) u.password = "***";
    return url.startsWith("redis+cluster:") ? url.replace(/\/\/[^@]*@/, "//***@") : u.toString().replace(/\/$/, "");
  } catch {
    return url.replace(/\/\/[^@]*@/, "//***@");
  }
}
