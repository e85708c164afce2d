// Test databases: each test file gets its own, cloned from one migrated template built once per
// run. PGlite by default (a data-dir dump loaded in memory); a real Postgres when
// TEST_DATABASE_URL is set (CREATE DATABASE … TEMPLATE, dropped when the file is done).
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { type Database, openPglite, openPostgres } from "./create-db.js";

export type TestTemplate =
  | { driver: "pglite"; file: string }
  | { driver: "postgres"; adminUrl: string; template: string };

function withDatabase(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** Builds the migrated template; returns it and a teardown. Call once per test run. */
export async function createTestTemplate(
  testDatabaseUrl: string | undefined,
): Promise<{ template: TestTemplate; teardown(): Promise<void> }> {
  if (testDatabaseUrl) {
    const name = uniqueName("cairn_tpl");
    const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const database = openPostgres(withDatabase(testDatabaseUrl, name), { poolSize: 1 });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
    return {
      template: { driver: "postgres", adminUrl: testDatabaseUrl, template: name },
      async teardown() {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end({ timeout: 5 });
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "cairn-test-"));
  const client = await PGlite.create();
  const database = openPglite(client);
  await database.migrate();
  const dump = await client.dumpDataDir("none");
  await database.close();
  const file = join(dir, "template.tar");
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  return {
    template: { driver: "pglite", file },
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TestDatabase extends Database {
  /** The connection URL on Postgres, for tests that start a server process on it. */
  readonly url: string | undefined;
}

/** A fresh, migrated, isolated database; close() discards it. */
export async function openTestDatabase(template: TestTemplate): Promise<TestDatabase> {
  if (template.driver === "pglite") {
    const client = await PGlite.create({ loadDataDir: new Blob([await readFile(template.file)]) });
    return { ...openPglite(client), url: undefined };
  }
  const name = uniqueName("cairn_test");
  const admin = postgres(template.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${template.template}"`);
  const url = withDatabase(template.adminUrl, name);
  const database = openPostgres(url, { poolSize: 5 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

declare module "vitest" {
  interface ProvidedContext {
    cairnTestTemplate: TestTemplate;
  }
}

/** In a test file: a database of its own, cloned from the run's template. */
export async function testDatabase(): Promise<TestDatabase> {
  const { inject } = await import("vitest");
  return openTestDatabase(inject("cairnTestTemplate"));
}
