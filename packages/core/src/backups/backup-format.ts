// The backup archive: a gzipped tar of schema.json, one NDJSON file per table and the files'
// bytes, closed by manifest.json (counts and sha256 of every entry). Shared by backup and restore.
import { readFileSync } from "node:fs";
import { type Db, migrationsFolder, queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import { z } from "zod";

/** Bumped when an archive written by this code could not be read by an older restore. */
export const backupFormatVersion = 1;

/**
 * System tables (schema `cairn`) that a backup leaves out, with why: what they hold is
 * transient or belongs to the instance, not to the app's data.
 */
export const skippedSystemTables: Record<string, string> = {
  migrations: "the target applies its own migrations",
  rate_limits: "per-minute windows, meaningless later",
  auth_lockouts: "short sign-in lockouts",
  request_logs: "operational request log, can be large",
  mailbox: "the development mailbox",
  backups: "the list of archives kept by this instance",
};

/** The archive's entry names. */
export const entryNames = {
  schema: "schema.json",
  manifest: "manifest.json",
  systemTable: (table: string) => `tables/cairn/${table}.ndjson`,
  collection: (name: string) => `tables/public/${name}.ndjson`,
  file: (key: string) => `files/${key}`,
} as const;

const entrySchema = z.object({
  name: z.string(),
  kind: z.enum(["schema", "system", "collection", "file"]),
  /** The table (system) or collection name, or the storage key (file). */
  target: z.string(),
  /** Rows (tables) or 1 (schema, file). */
  count: z.number().int().min(0),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupEntry = z.infer<typeof entrySchema>;

export const manifestSchema = z.object({
  format: z.literal("cairn-backup"),
  formatVersion: z.number().int().min(1),
  cairnVersion: z.string(),
  /** The newest migration the source had applied: its journal tag and time. */
  migration: z.object({ tag: z.string(), when: z.number() }),
  createdAt: z.string(),
  driver: z.enum(["pglite", "postgres"]),
  includeFiles: z.boolean(),
  entries: z.array(entrySchema),
  /** Files whose row was in the snapshot but whose bytes were gone when read (deleted meanwhile). */
  missingFiles: z.array(z.object({ key: z.string(), storage: z.string(), reason: z.string() })),
  skippedTables: z.array(z.string()),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** What a backup reports when it is done. */
export interface BackupSummary {
  manifest: BackupManifest;
  /** Bytes of the whole archive (gzipped). */
  size: number;
  tables: number;
  rows: number;
  files: number;
}

let version: string | undefined;
/** This build's Cairn version (the core package's). */
export function cairnVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return version;
}

/** The newest applied migration of a database, named by its drizzle journal tag. */
export async function migrationLevel(db: Db): Promise<{ tag: string; when: number }> {
  const [row] = await queryRows<{ when: string | number | null }>(
    db,
    sql`SELECT max(created_at) AS "when" FROM cairn.migrations`,
  );
  const when = Number(row?.when ?? 0);
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
    entries: { when: number; tag: string }[];
  };
  const tag = journal.entries.find((entry) => entry.when === when)?.tag ?? `unknown-${when}`;
  return { tag, when };
}
