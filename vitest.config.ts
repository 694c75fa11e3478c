import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Builds (or finds) the Pulumi CLI once, before any worker starts, and names its version.
    globalSetup: ["test/global-setup.ts"],
  },
});
