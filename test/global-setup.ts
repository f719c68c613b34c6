// vitest globalSetup: one private redis-server and one three-node Redis Cluster for the whole run, started in the main
// process and stopped (their folder removed) when the run ends. Started in each test file instead, they outlived the
// run: vitest ends its worker processes with a signal, and their "exit" hooks never ran (four redis-servers left per
// run). .ci/run's own server (GATESIM_TEST_REDIS_URL) is used when set. Without redis-server nothing starts here,
// and the Redis tests fail naming the package (test/redis-server.ts), as before.
import { commandWorks } from "./system-tool.js";
import { startCluster, startRedisServer } from "./redis-server.js";

const stops: (() => void)[] = [];

export async function setup(): Promise<void> {
  if (!commandWorks("redis-server", ["--version"])) return;
  if (!process.env.GATESIM_TEST_REDIS_URL) {
    const s = await startRedisServer();
    stops.push(s.stop);
    process.env.GATESIM_TEST_REDIS_URL = s.url;
  }
  if (!process.env.GATESIM_TEST_REDIS_CLUSTER_URL && commandWorks("redis-cli", ["--version"])) {
    const c = await startCluster();
    stops.push(c.stop);
    process.env.GATESIM_TEST_REDIS_CLUSTER_URL = c.url;
  }
}

export function teardown(): void {
  for (const stop of stops) stop();
}
