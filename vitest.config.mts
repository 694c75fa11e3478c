import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Builds (or finds) the Pulumi CLI once, before any worker starts, and names its version.
    globalSetup: ["test/global-setup.ts"],
    // A run through the real engine takes seconds on this 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
