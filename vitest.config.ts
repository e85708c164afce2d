import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages export their TypeScript source under the "source" condition.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["{apps,packages}/*/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
