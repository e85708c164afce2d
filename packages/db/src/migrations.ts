// Committed drizzle-kit migrations for the system schema, applied at start-up.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where drizzle-kit writes and the migrator reads; the same relative path from src/ and dist/. */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));
export const migrationsTable = {
  migrationsSchema: "cairn",
  migrationsTable: "migrations",
} as const;

/** The `when` of the newest committed migration: the database is current when it has applied it. */
export function latestMigrationMillis(): number {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(0, ...journal.entries.map((entry) => entry.when));
}
