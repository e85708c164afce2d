import { defineConfig } from "vitest/config";

// The SDK's suite (packages/client/src/*.test.ts) runs twice, under the globals of the two
// kinds of runtime it ships to: React-Native-like (fetch, nothing else) and browser-like
// (window, document, localStorage). Its server-backed files start a real server process each,
// hence a database setup of their own. cairn-typegen (src/typegen/) is a Node tool: its tests
// run once, in the main project.
const sdkTests = "packages/client/src/*.test.ts";
// Test tooling (servers, fake providers, the size budget) lives in packages/client/test/, outside
// the shipped source.
const sdkToolTests = "packages/client/test/*.test.ts";
// The admin entry's server-backed tests (a server process each) run in the browser project only:
// admins use it from the console and from Node, and the transport under it is the same one the
// React Native project already drives through the app entry's server tests.
const adminServerTests = "packages/client/src/admin*.server.test.ts";
const sdkProject = (name: string, setupFile: string, exclude: string[] = []) => ({
  extends: true as const,
  test: {
    name,
    include: [sdkTests, sdkToolTests],
    exclude: ["**/node_modules/**", ...exclude],
    setupFiles: [setupFile],
    globalSetup: ["./packages/client/test/server-databases.ts"],
  },
});

export default defineConfig({
  // Workspace packages export their TypeScript source under the "source" condition.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 30_000,
    // Generous: hooks that start server processes must survive a loaded CI machine.
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "cairn",
          include: ["{apps,packages}/*/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
          exclude: [sdkTests, "**/node_modules/**"],
        },
      },
      sdkProject("client:react-native", "./packages/client/test/globals-react-native.ts", [
        adminServerTests,
      ]),
      sdkProject("client:browser", "./packages/client/test/globals-browser.ts"),
    ],
  },
});
