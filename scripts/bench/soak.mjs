// Soak: 1,000,000 mixed signed requests against the built simulator with every platform, RSS sampled every 10 s.
// The mix is what a shared sandbox sees: data-sharing queries, e-licence queries by holder, seal signatures, identity
// token requests, a trickle of licence issuance, and malformed calls (wrong signature, replayed nonce, bad JSON,
// unknown serviceId, deep JSON). Target: RSS after 1M requests ≤ 150 MB with the
// default caps, growth over the last half < 10 %.
// Usage: npm run bench -- --soak [--requests N] [--single-thread]   (or, after npm run build: node scripts/bench/soak.mjs …)
// SOAK_NODE_FLAGS="--max-semi-space-size=…" passes flags to the server child only.
// SOAK_DIAG=1 makes the server print heap and store sizes to stderr every 10 s; SOAK_SKIP="name;…" drops parts of the mix (";"-separated: names such as "malformed: deep JSON, 1 KiB junk" hold commas).
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { grantPopulation, populationQuery } from "../bench-grant.mjs";
import { startChild } from "../child-server.mjs";

const ADMIN = "soak-admin-token-0123456789abcdef";

async function serve() {
  const { loadConfig } = await import("../../dist/gateway/config.js");
  const { listen } = await import("../../dist/gateway/server.js");
  const config = loadConfig({ env: process.env, overrides: { logLevel: "silent", adminToken: ADMIN, port: 0 } });
  const sim = await listen(config);
  const rt = sim.runtime;
  const tenant = rt.tenants.list()[0];
  const ds = rt.platforms.get("datashare").api.domain;
  const { entry } = await grantPopulation(ds, tenant.tenant.paasid, "浸泡测试 / soak");
  const ids = Array.from({ length: 4096 }, (_, k) => rt.seed.persons.at((k * 7919) % rt.seed.persons.size).idNumber);
  const holders = Array.from({ length: 256 }, (_, k) => rt.seed.persons.at((k * 104729) % rt.seed.persons.size));
  process.stdout.write(
    JSON.stringify({
      url: sim.url,
      paasid: tenant.tenant.paasid,
      token: tenant.tenant.paasToken,
      orgCode: tenant.tenant.orgCode,
      serviceId: entry.serviceId,
      dept: rt.seed.enterprises.at(1).uscc,
      ids,
      holders: holders.map((p) => ({ name: p.name, idNumber: p.idNumber })),
    }) + "\n",
  );
  process.on("SIGTERM", () => void sim.close().then(() => process.exit(0)));
  if (process.env.SOAK_DIAG) setInterval(() => diagnose(rt), 10_000).unref();
}

/** SOAK_DIAG=1: where the main thread's memory is (heap, store records by kind, logs, journal) — to stderr. */
function diagnose(rt) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const mb = (n) => `${(n / 1048576).toFixed(0)}MB`;
  const parts = [
    `rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)}`,
  ];
  for (const t of rt.tenants.list()) {
    const st = t.store.stats();
    const kinds = Object.entries(st.kinds).map(([k, v]) => `${k}:${v.records}/${(v.bytes / 1024).toFixed(0)}k`);
    const logs = Object.entries(st.logs).map(([k, n]) => `${k}[${n}]`);
    const n = kinds.length + logs.length;
    if (n) parts.push(`${t.tenant.paasid} ${kinds.join(" ")} ${logs.join(" ")}`);
  }
  process.stderr.write(parts.join("\n  ") + "\n");
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
}

async function setUp(info) {
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const perm = await fetch(`${info.url}/_gatesim/elicence/tenants/${info.paasid}/permissions`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({ typeCodes: ["*"] }),
  });
  if (perm.status !== 200) throw new Error(`permission grant: ${perm.status} ${await perm.text()}`);
  const clients = await (
    await fetch(`${info.url}/_gatesim/identity/tenants/${info.paasid}/clients`, { headers: admin })
  ).json();
  const ci = clients.clients.find((c) => c.clientId.endsWith("_ci"));
  const basic = `Basic ${Buffer.from(`${ci.clientId}:${ci.secret}`).toString("base64")}`;
  return { basic };
}

const INVOKE = "/GatewayMsg/http/api/proxy/invoke";
const JSON_TYPE = { "content-type": "application/json" };

/** The request mix: [weight, name, make(i) → {method, path, headers, body}]. */
function mix(info, basic, sign) {
  const query = (i) => JSON.stringify(populationQuery(info.paasid, info.dept, info.ids[i % info.ids.length], "soak"));
  return [...wellFormed(info, basic, sign, query), ...malformed(info, sign, query)];
}

function wellFormed(info, basic, sign, query) {
  const json = JSON_TYPE;
  const holder = (i) => info.holders[i % info.holders.length];
  return [
    [
      40,
      "datashare query",
      (i) => ({ method: "POST", path: INVOKE, headers: { ...json, ...sign(info.serviceId) }, body: query(i) }),
    ],
    [
      18,
      "e-licence query by holder",
      (i) => ({
        method: "POST",
        path: "/ebus/elicence/v1/licences/query-by-holder",
        headers: { ...json, ...sign() },
        body: JSON.stringify({
          holderCode: holder(i).idNumber,
          holderTypeCode: "111",
          useCause: "浸泡测试核验身份材料",
        }),
      }),
    ],
    [
      14,
      "seal signature (digest)",
      (i) => ({
        method: "POST",
        path: "/ebus/eseal/v1/signatures",
        headers: { ...json, ...sign() },
        body: JSON.stringify({ sealCode: info.sealCode, digest: createHash("sha256").update(String(i)).digest("hex") }),
      }),
    ],
    [
      10,
      "identity token",
      () => ({
        method: "POST",
        path: "/oidc/token",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
        body: "grant_type=client_credentials&scope=all",
      }),
    ],
    [
      0.2,
      "e-licence issuance",
      (i) => ({
        method: "POST",
        path: INVOKE,
        headers: { ...json, ...sign("D1597131569652") },
        body: JSON.stringify({
          ZZLXDM: "11100000GT0000088Y001",
          CZZT: holder(i).name,
          CZZTDM: holder(i).idNumber,
          CZZTDMLXDM: "111",
          KZ_XB: "男",
          KZ_GJ: "中国",
          KZ_ZZ: "广东省汕头市龙湖区示例路 8 号",
          KZ_CSRQ: "1990-01-01",
          KZ_CCLZRQ: "2026-03-02",
          KZ_ZJCX: "C1",
        }),
      }),
    ],
  ];
}

function malformed(info, sign, query) {
  const json = JSON_TYPE;
  let replayable;
  return [
    [
      3,
      "malformed: wrong signature",
      (i) => ({
        method: "POST",
        path: INVOKE,
        headers: { ...json, ...sign(info.serviceId), "x-tif-signature": "0".repeat(64) },
        body: query(i),
      }),
    ],
    [
      3,
      "malformed: replayed nonce",
      (i) => {
        if (!replayable || i % 50 === 0) replayable = { ...json, ...sign(info.serviceId) };
        return { method: "POST", path: INVOKE, headers: replayable, body: query(i) };
      },
    ],
    [
      3,
      "malformed: bad JSON",
      () => ({
        method: "POST",
        path: INVOKE,
        headers: { ...json, ...sign(info.serviceId) },
        body: '{"query":{"SFZH":',
      }),
    ],
    [
      3,
      "malformed: unknown serviceId",
      (i) => ({ method: "POST", path: INVOKE, headers: { ...json, ...sign("C9999999999999") }, body: query(i) }),
    ],
    [
      2,
      "malformed: deep JSON, 1 KiB junk",
      () => ({
        method: "POST",
        path: INVOKE,
        headers: { ...json, ...sign(info.serviceId) },
        body: "[".repeat(500) + "x".repeat(1024),
      }),
    ],
    [
      3.8,
      "malformed: contract violation",
      () => ({
        method: "POST",
        path: "/ebus/eseal/v1/signatures",
        headers: { ...json, ...sign() },
        body: '{"sealCode":1}',
      }),
    ],
  ];
}

function picker(entries) {
  const total = entries.reduce((n, [w]) => n + w, 0);
  const cum = [];
  let acc = 0;
  for (const e of entries) cum.push([(acc += e[0]) / total, e]);
  return (x) => cum.find(([c]) => x < c)[1];
}

async function drive() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--soak"),
    options: { requests: { type: "string", default: "1000000" }, "single-thread": { type: "boolean", default: false } },
    strict: false,
  });
  const total = Number(values.requests);
  const env = values["single-thread"] ? { GATESIM_HTTP_THREAD: "false" } : {};
  // SOAK_NODE_FLAGS="--flag …": V8/Node flags for the server child only (to compare heap settings)
  const flags = (process.env.SOAK_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const { info, pid, stop } = await startChild([...flags, fileURLToPath(import.meta.url), "--serve"], { env });
  try {
    report({ ...(await load(info, pid, total)), total, mode: values["single-thread"] ? "one thread" : "HTTP thread" });
  } finally {
    await stop(); // never leave the server behind, whatever failed
  }
}

async function load(info, pid, total) {
  const { basic } = await setUp(info);
  const { signedHeaders } = await import("../../dist/gateway/index.js");
  const sign = (serviceId) =>
    signedHeaders(info.paasid, info.token, {
      nonce: randomBytes(8).toString("hex"),
      ...(serviceId ? { serviceId } : {}),
    });
  const seals = await (await fetch(`${info.url}/ebus/eseal/v1/seals`, { headers: sign() })).json();
  info.sealCode = seals.data.seals[0]?.sealCode;
  if (!info.sealCode) throw new Error(`no seal for the tenant's organisation: ${JSON.stringify(seals).slice(0, 200)}`);

  // SOAK_SKIP="name;name": leave parts of the mix out (to find which part holds memory). ";" separates, because
  // names hold commas ("malformed: deep JSON, 1 KiB junk"); an unknown name stops the run rather than skip nothing.
  const skip = new Set(
    (process.env.SOAK_SKIP ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const all = mix(info, basic, sign);
  const known = new Set(all.map(([, name]) => name));
  const unknown = [...skip].filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`SOAK_SKIP names no part of the mix: ${unknown.join("; ")} (known: ${[...known].join("; ")})`);
  const entries = all.filter(([, name]) => !skip.has(name));
  const pick = picker(entries);
  const { Pool } = await import("undici");
  const pool = new Pool(info.url, { connections: 32 });
  const statuses = new Map(); // name → Map(status → n)
  const samples = [{ s: 0, n: 0, rss: rssMb(pid) }];
  const t0 = performance.now();
  const timer = setInterval(
    () => samples.push({ s: (performance.now() - t0) / 1000, n: sent, rss: rssMb(pid) }),
    10_000,
  );
  let sent = 0;
  let seq = 0;
  const rng = () => Math.random();
  async function worker() {
    while (seq < total) {
      const i = seq++;
      const [, name, make] = pick(rng());
      const r = make(i);
      let status = 0;
      try {
        const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
        status = res.statusCode;
        await res.body.dump();
      } catch {
        status = -1;
      }
      sent++;
      const m = statuses.get(name) ?? statuses.set(name, new Map()).get(name);
      m.set(status, (m.get(status) ?? 0) + 1);
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  samples.push({ s: seconds, n: sent, rss: rssMb(pid) });
  await pool.close();
  return { seconds, samples, statuses };
}

function report({ total, seconds, samples, statuses, mode }) {
  const end = samples[samples.length - 1];
  const half = samples.reduce((best, s) => (Math.abs(s.n - total / 2) < Math.abs(best.n - total / 2) ? s : best));
  const growth = ((end.rss - half.rss) / half.rss) * 100;
  console.log(
    `soak (${mode}): ${total.toLocaleString("en-US")} requests in ${seconds.toFixed(0)} s (${Math.round(total / seconds).toLocaleString("en-US")} req/s, 64 in flight over 32 connections), node ${process.version}`,
  );
  for (const [name, m] of statuses)
    console.log(
      `  ${name.padEnd(34)} ${[...m]
        .sort()
        .map(([s, n]) => `${s}×${n.toLocaleString("en-US")}`)
        .join("  ")}`,
    );
  console.log(
    `  RSS (MB) by requests sent: ${samples.map((s) => `${(s.n / 1000).toFixed(0)}k:${s.rss.toFixed(0)}`).join(" ")}`,
  );
  console.log(
    `  RSS at start ${samples[0].rss.toFixed(0)} MB, at ${(half.n / 1000).toFixed(0)}k ${half.rss.toFixed(0)} MB, at the end ${end.rss.toFixed(0)} MB; growth over the last half ${growth.toFixed(1)} %  (target: ≤ 150 MB, < 10 %)`,
  );
}

// last, so every top-level const above is initialised before it runs
if (process.argv[2] === "--serve") await serve();
else await drive();
