// E-licence sharing benchmark: query by holder (POST /ebus/elicence/v1/licences/query-by-holder) through the x-tif
// signed gateway — signature, contract validation, licence library, permission check, response validation, journal —
// with autocannon at 50 connections. The server runs in a child process so client and server do not share a core.
// Usage: npm run build && node scripts/bench/elicence-http.mjs [seconds=10]
import { fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

const SECONDS = Math.min(Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10), 60);
const CONNECTIONS = 50;
const PAASID = "C90-44050001";

if (process.argv[2] === "serve" || process.env.ELICENCE_BENCH_ROLE === "serve") {
  const { loadConfig } = await import("../../dist/gateway/config.js");
  const { listen } = await import("../../dist/gateway/server.js");
  const { createIdentityPlatform } = await import("../../dist/mocks/identity/platform.js");
  const { createEsealPlatform } = await import("../../dist/mocks/eseal/platform.js");
  const { createElicencePlatform } = await import("../../dist/mocks/elicence/platform.js");
  const { seedLicencesOfPerson } = await import("../../dist/mocks/elicence/seed-licences.js");
  const adminToken = randomBytes(16).toString("hex");
  const paasToken = randomBytes(16).toString("hex");
  // served as the CLI serves (GATESIM_HTTP_THREAD=false measures the one-thread server)
  const config = loadConfig({
    env: process.env,
    overrides: {
      logLevel: "silent",
      port: 0,
      adminToken,
      tenants: [{ paasid: PAASID, name: "基准测试部门 / bench department", serviceIds: ["*"], paasToken }],
    },
  });
  const sim = await listen(config, {
    platforms: (seed) => [
      createIdentityPlatform({ seed, issuer: "http://127.0.0.1" }),
      createEsealPlatform(seed),
      createElicencePlatform(seed),
    ],
  });
  const { app, runtime } = sim;
  // Holders with seeded licences (a driving licence, a marriage certificate, …), and a permission for every type.
  const holders = [];
  for (let i = 0; holders.length < 200 && i < runtime.seed.persons.size; i++) {
    const p = runtime.seed.persons.at(i);
    if (seedLicencesOfPerson(runtime.seed, p).length) holders.push(p.idNumber);
  }
  const perm = await app.inject({
    method: "PUT",
    url: `/_gatesim/elicence/tenants/${PAASID}/permissions`,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    payload: JSON.stringify({ typeCodes: ["*"] }),
  });
  if (perm.statusCode !== 200) throw new Error(`permission grant failed: ${perm.body}`);
  process.on("SIGINT", () => process.exit(0)); // a clean exit writes the --cpu-prof profile
  process.send({ port: Number(new URL(sim.url).port), paasToken, holders });
} else {
  const { default: autocannon } = await import("autocannon");
  const child = fork(fileURLToPath(import.meta.url), ["serve"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: process.env.ELICENCE_BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/elic/prof"] : [],
  });
  const { port, paasToken, holders } = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/ebus/elicence/v1/licences/query-by-holder`;
  const sign = () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString("hex");
    return {
      "x-tif-paasid": PAASID,
      "x-tif-timestamp": ts,
      "x-tif-nonce": nonce,
      "x-tif-signature": createHash("sha256")
        .update(ts + paasToken + nonce + ts)
        .digest("hex"),
    };
  };
  let i = 0;
  const body = () =>
    JSON.stringify({
      holderCode: holders[i++ % holders.length],
      holderTypeCode: "111",
      useCause: "基准测试：核验身份材料",
    });
  // Check one answer before measuring.
  const probe = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...sign() },
    body: body(),
  }).then((r) => r.json());
  if (probe.head?.status !== 0 || !probe.data?.licences?.length)
    throw new Error(`unexpected answer: ${JSON.stringify(probe).slice(0, 300)}`);
  const run = (duration) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url,
          method: "POST",
          connections: CONNECTIONS,
          duration,
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                body: body(),
                headers: { "content-type": "application/json", ...sign() },
              }),
            },
          ],
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
  await run(2); // warm-up: JIT, seed licence cache
  const r = await run(SECONDS);
  console.log(
    `node ${process.version}, ${SECONDS}s, ${CONNECTIONS} connections, ${holders.length} holders with seeded licences`,
  );
  console.log(
    `query by holder (x-tif signed)      ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`,
  );
  child.kill("SIGINT");
}
