import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    pool: "forks",
    maxWorkers: 2,
    env: { AWS_EC2_METADATA_DISABLED: "true" },
  },
});
