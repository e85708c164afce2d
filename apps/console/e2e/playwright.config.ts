// The console's end-to-end suite: Playwright's runner driving Debian's Chromium (no browser is
// downloaded; CI installs the `chromium` package), against one real server that global-setup.ts
// starts on a fresh data directory. Run it with `pnpm e2e` from the repository root.
import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./chromium.js";
import { screenshotDir } from "./screenshots.js";

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  globalSetup: "./global-setup.ts",
  // Failure screenshots and traces, beside the per-page screenshots (gitignored).
  outputDir: `${screenshotDir}/failures`,
  // One server, one database: specs share state (the first superuser), so they run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    // The first-run spec uses the setup link; everything else comes after it.
    { name: "first-run", testMatch: "first-run.spec.ts" },
    { name: "console", testIgnore: "first-run.spec.ts", dependencies: ["first-run"] },
  ],
});
