// Vitest global setup of the SDK's projects: on Postgres (TEST_DATABASE_URL), one migrated
// database per SDK test file, since each file starts its own server process on it. The client
// package cannot depend on @cairn/db; this file is test tooling outside src/, like the root setup.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { createTestTemplate, openTestDatabase } from "../../db/src/testing.js";

declare module "vitest" {
  interface ProvidedContext {
    /** Test file name (without .test.ts) → a Postgres URL; empty on PGlite. */
    cairnClientDatabases: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    project.provide("cairnClientDatabases", {});
    return;
  }
  const { template, teardown } = await createTestTemplate(url);
  const srcDir = fileURLToPath(new URL("../src", import.meta.url));
  const names = readdirSync(srcDir)
    .filter((file) => file.endsWith(".server.test.ts"))
    .map((file) => file.replace(/\.test\.ts$/, ""));
  const databases = await Promise.all(names.map(() => openTestDatabase(template)));
  project.provide(
    "cairnClientDatabases",
    Object.fromEntries(names.map((name, i) => [name, databases[i]!.url!])),
  );
  return async () => {
    await Promise.all(databases.map((database) => database.close()));
    await teardown();
  };
}
