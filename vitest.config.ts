import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Integration tests start real processes; each waits for conditions with its own deadline.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
