import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // One graphql instance: Node loads graphql's CommonJS entry for Pothos and
    // yoga, so the tests' own imports must not pick the package's .mjs twin.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    pool: "forks",
    maxWorkers: 2,
    env: { AWS_EC2_METADATA_DISABLED: "true" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
