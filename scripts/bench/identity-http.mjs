// Benchmark: client_credentials token issuance over HTTP (POST /oidc/token, form body, Basic auth) through the whole
// gateway pipeline, autocannon with 50 connections against the built simulator in a child process; plus userinfo
// (offline verification of a user token) for comparison. Build first (npm run build). Bounded: BENCH_SECONDS each.
import { spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const ADMIN = "bench-admin-token-identity-http";
const PAASID = "C90-44050001";

if (process.argv[2] === "--serve") {
  // Child: the built simulator, as a department's test setup would start it.
  const { startSimulator } = await import("../../dist/gateway/index.js");
  const sim = await startSimulator({ config: { adminToken: ADMIN, logLevel: "silent" } });
  process.stdout.write(JSON.stringify({ url: sim.url }) + "\n");
  // SIGUSR2: report the CPU time used so far, so the parent can give CPU per request (steady even on a busy machine).
  process.on("SIGUSR2", () => process.stdout.write(JSON.stringify({ cpu: process.cpuUsage() }) + "\n"));
  process.on("SIGTERM", () => sim.close().then(() => process.exit(0)));
} else {
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the simulator (node --cpu-prof) to look at where the time goes.
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), (SECONDS * 2 + 60) * 1000); // never outlive the bench
  killer.unref();
  // the child's stdout: one JSON object per line
  const lines = [];
  const waiting = [];
  let buf = "";
  child.stdout.on("data", (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(msg);
      else lines.push(msg);
    }
  });
  const nextLine = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiting.push(r)));
  child.once("exit", (code) => code && console.error(`simulator exited (${code})`));
  const { url } = await nextLine();
  /** CPU time (user + system, µs) the simulator process has used so far. */
  const cpuNow = async () => {
    child.kill("SIGUSR2");
    const { cpu } = await nextLine();
    return cpu.user + cpu.system;
  };

  const clients = await fetch(`${url}/_gatesim/identity/tenants/${PAASID}/clients`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  }).then((r) => r.json());
  const ci = clients.clients.find((c) => c.clientId.endsWith("_ci"));
  const basic =
    "Basic " + Buffer.from(`${encodeURIComponent(ci.clientId)}:${encodeURIComponent(ci.secret)}`).toString("base64");
  const form = "grant_type=client_credentials&scope=all";

  // a user token for the userinfo figure, through the headless login_hint flow
  const personas = await fetch(`${url}/_gatesim/identity/personas`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  }).then((r) => r.json());
  const redirect = ci.redirectUris[0];
  const auth = await fetch(
    `${url}/oidc/authorize?${new URLSearchParams({ client_id: ci.clientId, response_type: "code", scope: "openid profile", redirect_uri: redirect, login_hint: personas.personas[0].id })}`,
    { redirect: "manual" },
  );
  const code = new URL(auth.headers.get("location")).searchParams.get("code");
  const user = await fetch(`${url}/oidc/token`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(redirect)}`,
  }).then((r) => r.json());

  const run = (opts) =>
    new Promise((resolve, reject) => {
      const inst = autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
      autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
    });
  /** One autocannon run with the simulator's CPU time per request (µs, all its threads). */
  const measured = async (opts) => {
    const before = await cpuNow();
    const r = await run(opts);
    r.cpuPerRequestUs = ((await cpuNow()) - before) / r.requests.total;
    return r;
  };
  const fmt = (name, r) =>
    `${name.padEnd(44)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}   simulator CPU ${Math.round(r.cpuPerRequestUs)} µs/req`;

  console.log(
    `identity over HTTP — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${CONNECTIONS} connections, ${SECONDS} s per figure`,
  );
  await run({
    url: `${url}/oidc/token`,
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: form,
    duration: 2,
  }); // warm-up
  const tok = await measured({
    url: `${url}/oidc/token`,
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  console.log(fmt("client_credentials tokens (POST /oidc/token)", tok));
  const ui = await measured({ url: `${url}/oidc/userinfo`, headers: { authorization: `Bearer ${user.access_token}` } });
  console.log(fmt("userinfo (bearer verified offline)", ui));
  console.log(
    `machine load average while measuring: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (other processes share the ${os.cpus().length} cores)`,
  );
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}
