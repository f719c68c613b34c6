import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20000,
    pool: "forks",
    // one Redis and one Redis Cluster for the run, stopped at its end (test/global-setup.ts)
    globalSetup: ["test/global-setup.ts"],
  },
});
