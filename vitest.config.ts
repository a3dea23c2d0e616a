import { defineConfig } from "vitest/config";

/**
 * The HTTP-level test files, run a second time with FAST_PATH=false: every
 * behaviour they check must hold on yoga's full pipeline as on the fast path
 * (src/server/fast-path/), which serves production traffic by default. The
 * first project runs every file with COMPILE_AFTER=1, so every execution runs
 * compiled by graphql-jit (src/execution/compiled-execution.ts); the second
 * keeps the default of 3, so most of its executions are yoga's executor's.
 */
const HTTP_LEVEL = [
  "abuse-limits",
  "audit-log",
  "client-token",
  "compiled-execution",
  "cors",
  "create-workload-share",
  "error-mapping",
  "forward-auth",
  "graphql-over-http",
  "input-validation",
  "jwt-auth",
  "observability",
  "retries",
  "share-policy",
  "shutdown",
  "startup",
  "upstream-resilience",
].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  resolve: {
    // One graphql instance: Node loads graphql's CommonJS entry for Pothos and
    // yoga, so the tests' own imports must not pick the package's .mjs twin.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    pool: "forks",
    maxWorkers: 2,
    env: { AWS_EC2_METADATA_DISABLED: "true" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "fast-path", include: ["test/**/*.test.ts"], env: { COMPILE_AFTER: "1" } } },
      { extends: true, test: { name: "yoga-pipeline", include: HTTP_LEVEL, env: { FAST_PATH: "false" } } },
    ],
  },
});
