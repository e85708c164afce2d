// Vitest global setup of the SDK's projects: each server-backed test file starts its own server
// process, on a migrated database of its own — on Postgres (TEST_DATABASE_URL) one cloned from a
// template per file, on PGlite a copy of one migrated data directory (migrating a fresh one costs
// seconds per server). The client package cannot depend on @cairn/db; this file is test tooling
// outside src/, like the root setup.
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { createDb } from "../../db/src/create-db.js";
import { createTestTemplate, openTestDatabase } from "../../db/src/testing.js";

declare module "vitest" {
  interface ProvidedContext {
    /** Test file name (without .test.ts) → a Postgres URL; empty on PGlite. */
    cairnClientDatabases: Record<string, string>;
    /** On PGlite: a migrated data directory for servers to start on a copy of. */
    cairnClientDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dataDir = await mkdtemp(join(tmpdir(), "cairn-sdk-template-"));
    const database = await createDb({ dataDir });
    await database.close();
    project.provide("cairnClientDatabases", {});
    project.provide("cairnClientDataDir", dataDir);
    return () => rm(dataDir, { recursive: true, force: true });
  }
  project.provide("cairnClientDataDir", "");
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
