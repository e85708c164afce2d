// Restore across migration levels: an archive written by an older Cairn (its manifest names an
// earlier migration, its rows lack the columns later migrations added) restores with those
// columns at their defaults; an archive from a newer migration level is refused, nothing changed.
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrationsFolder, queryRows, schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../auth/create-session.js";
import { impersonate } from "../auth/impersonate.js";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx } from "../context.js";
import { isCairnError } from "../errors.js";
import { newRecordId } from "../ids.js";
import { createRecord } from "../records/create-record.js";
import { appSettingsSchema, putSetting } from "../settings/settings-store.js";
import { createSuperuser } from "../superusers/create-superuser.js";
import { createArchiveWriter, ndjsonLines, readArchive } from "./backup-archive.js";
import {
  type BackupManifest,
  entryNames,
  manifestSchema,
  skippedSystemTables,
} from "./backup-format.js";
import { createBackup } from "./create-backup.js";
import { restoreBackup } from "./restore-backup.js";

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}
const journal = (
  JSON.parse(await readFile(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
    entries: JournalEntry[];
  }
).entries;

/** The system tables and their columns at a migration level, from drizzle-kit's snapshot. */
async function tablesAt(level: JournalEntry): Promise<Map<string, Set<string>>> {
  const snapshot = JSON.parse(
    await readFile(
      `${migrationsFolder}/meta/${String(level.idx).padStart(4, "0")}_snapshot.json`,
      "utf8",
    ),
  ) as { tables: Record<string, { schema: string; name: string; columns: object }> };
  return new Map(
    Object.values(snapshot.tables)
      .filter((table) => table.schema === "cairn")
      .map((table) => [table.name, new Set(Object.keys(table.columns))]),
  );
}

// History (the drizzle-kit snapshots compared, up to 0010_backups): the one column a migration
// has added to a table an earlier migration created is cairn.sessions.impersonator (0003_auth;
// the table comes from 0002_sessions). So the older
// archive is one a Cairn at 0002_sessions would have written: its manifest names that level,
// and it holds only the tables that existed then, each row with only the columns it had then.
// No Cairn at that level wrote backups (they came with 0010_backups), but every table and
// column in the rewritten archive is the one that migration history says existed.
const added = journal.find((entry) => entry.tag === "0003_auth")!;
const older = journal[journal.indexOf(added) - 1]!;
const latest = journal[journal.length - 1]!;

const superuser = { kind: "superuser", id: "cli", email: "cli@example.com" } as const;
const cleanups: (() => Promise<unknown>)[] = [];
let dir: string;
let source: TestDatabase;
let archive: string;

function ctxOf(database: TestDatabase): Ctx {
  return createCtx({ database, collections: new CollectionRegistry(database), actor: superuser });
}

async function fresh(): Promise<{ database: TestDatabase; ctx: Ctx }> {
  const database = await testDatabase();
  cleanups.push(() => database.close());
  return { database, ctx: ctxOf(database) };
}

/**
 * Writes `from` again as `to`: `rows` may change or drop each row of each table (undefined drops
 * the whole entry), `manifest` the manifest; sizes, counts and checksums are recomputed.
 */
async function rewrite(
  from: string,
  to: string,
  change: {
    manifest: (manifest: BackupManifest) => BackupManifest;
    rows?: (
      kind: "system" | "collection",
      table: string,
      row: Record<string, unknown>,
    ) => Record<string, unknown> | undefined;
  },
) {
  let original: BackupManifest | undefined;
  for await (const entry of readArchive(from)) {
    if (entry.name !== entryNames.manifest) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of entry.body) chunks.push(chunk as Buffer);
    original = manifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  }
  const byName = new Map(original!.entries.map((entry) => [entry.name, entry]));
  const writer = createArchiveWriter(createWriteStream(to));
  const entries: BackupManifest["entries"] = [];
  for await (const entry of readArchive(from)) {
    const listed = byName.get(entry.name);
    if (!listed) continue;
    if (listed.kind !== "system" && listed.kind !== "collection") {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body) chunks.push(chunk as Buffer);
      entries.push({ ...listed, ...(await writer.addBuffer(entry.name, Buffer.concat(chunks))) });
      continue;
    }
    const kept: string[] = [];
    let dropped = false;
    for await (const line of ndjsonLines(entry.body).lines) {
      if (line === "") continue;
      // Without `rows` a line keeps its text (JSON.parse would round numbers beyond 2^53; the
      // rows changed here hold none).
      const row = change.rows ? change.rows(listed.kind, listed.target, JSON.parse(line)) : line;
      if (row === undefined) dropped = true;
      else kept.push(typeof row === "string" ? row : JSON.stringify(row));
    }
    if (dropped) continue;
    const body = Buffer.from(kept.map((line) => `${line}\n`).join(""));
    entries.push({ ...listed, count: kept.length, ...(await writer.addBuffer(entry.name, body)) });
  }
  const manifest = change.manifest({ ...original!, entries });
  await writer.addBuffer(entryNames.manifest, Buffer.from(JSON.stringify(manifest)));
  await writer.finish();
}

/** Every row of a table as canonical text (jsonb sorts keys), without `except`'s columns. */
async function rowsOf(database: TestDatabase, table: string, except: string[] = []) {
  const drop = except.map((column) => ` - '${column}'`).join("");
  const rows = await queryRows<{ r: string }>(
    database.db,
    sql.raw(`SELECT (to_jsonb(t)${drop})::text AS r FROM ${table} AS t`),
  );
  return rows.map((row) => row.r).sort();
}

async function countOf(database: TestDatabase, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    database.db,
    sql.raw(`SELECT count(*) AS n FROM ${table}`),
  );
  return Number(row?.n);
}

async function systemTables(database: TestDatabase): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    database.db,
    sql`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'cairn' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/** A restore that must fail: its error. */
async function refused(ctx: Ctx, path: string) {
  const error = await restoreBackup({ ctx, input: { path } }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error, "the restore should have failed").toBeDefined();
  return error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-restore-test-"));
  source = await testDatabase();
  const ctx = ctxOf(source);
  // Users with sessions (one opened by impersonation, so its impersonator is set), a superuser
  // with a session, a collection of records pointing at users, a setting and a webhook.
  const members = await createCollection({
    ctx,
    input: {
      name: "members",
      type: "auth",
      fields: [{ name: "nickname", type: "text" }],
    },
  });
  await createCollection({
    ctx,
    input: {
      name: "notes",
      fields: [
        { name: "body", type: "text" },
        { name: "author", type: "relation", collection: "members" },
      ],
    },
  });
  const ann = await createRecord({
    ctx,
    input: {
      collection: "members",
      body: { email: "ann@example.com", password: "long enough pw", nickname: "Ann" },
    },
  });
  await createRecord({
    ctx,
    input: {
      collection: "members",
      body: { email: "bob@example.com", password: "long enough pw" },
    },
  });
  await createRecord({
    ctx,
    input: { collection: "notes", body: { body: "first", author: ann.id } },
  });
  await createRecord({ ctx, input: { collection: "notes", body: { body: "second" } } });
  const admin = await createSuperuser({
    ctx,
    input: { email: "admin@example.com", password: "long enough pw" },
  });
  await createSession({
    ctx,
    input: { subject: { kind: "user", collectionId: members.id, id: ann.id as string } },
  });
  await createSession({ ctx, input: { subject: { kind: "superuser", id: admin.id } } });
  await impersonate({ ctx, input: { collection: "members", userId: ann.id as string } });
  await putSetting(ctx, "app", appSettingsSchema.parse({ name: "Older" }));
  await source.db.insert(schema.webhooks).values({
    id: newRecordId(),
    url: "https://hooks.example.com/in",
    description: "left out on purpose",
    events: ["*"],
    enabled: false,
    secret: "whsec_c2VjcmV0",
    createdBy: "superuser:test",
  });

  archive = join(dir, "current.tar.gz");
  await createBackup({ ctx, input: { output: createWriteStream(archive), includeFiles: false } });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await source?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("restore across migration levels", () => {
  it(`restores an archive from ${older.tag}: later columns at their defaults, later tables empty`, async () => {
    const then = await tablesAt(older);
    const now = await tablesAt(latest);
    // The premise, checked: the column is in this build's schema and was not at that level.
    expect(now.get("sessions")?.has("impersonator")).toBe(true);
    expect(then.get("sessions")?.has("impersonator")).toBe(false);
    const impersonated = await queryRows<{ n: number | string }>(
      source.db,
      sql`SELECT count(*) AS n FROM cairn.sessions WHERE impersonator IS NOT NULL`,
    );
    expect(Number(impersonated[0]?.n)).toBe(1);

    const path = join(dir, "older.tar.gz");
    await rewrite(archive, path, {
      manifest: (manifest) => ({ ...manifest, migration: { tag: older.tag, when: older.when } }),
      rows: (kind, table, row) => {
        if (kind === "collection") return row;
        const columns = then.get(table);
        if (!columns) return undefined;
        return Object.fromEntries(Object.entries(row).filter(([name]) => columns.has(name)));
      },
    });

    const target = await fresh();
    const restored = await restoreBackup({ ctx: target.ctx, input: { path } });
    expect(restored.manifest.migration.tag).toBe(older.tag);

    // The database still has the newer columns and tables: this build's migrations.
    const tables = await systemTables(target.database);
    expect(tables).toContain("disabled_users");
    for (const database of [source, target.database]) {
      // to_jsonb writes timestamps in the session's zone: compare both in UTC.
      if (database.driver === "pglite") await database.db.execute(sql`SET TIME ZONE 'UTC'`);
    }
    let compared = 0;
    for (const table of tables) {
      if (table in skippedSystemTables) continue;
      const columns = then.get(table);
      const where = `"cairn"."${table}"`;
      if (!columns) {
        // Created by a later migration: the archive cannot have rows for it.
        expect(await countOf(target.database, where), table).toBe(0);
        continue;
      }
      const later = [...(now.get(table) ?? [])].filter((column) => !columns.has(column));
      const before = await rowsOf(source, where, later);
      expect(await rowsOf(target.database, where, later), table).toEqual(before);
      compared += before.length;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
    for (const collection of ["members", "notes"]) {
      const before = await rowsOf(source, `"public"."${collection}"`);
      expect(before).toHaveLength(2);
      expect(await rowsOf(target.database, `"public"."${collection}"`), collection).toEqual(before);
    }
    // Every session is back, the one column the archive lacked at its default (NULL).
    const sessions = await target.database.db.select().from(schema.sessions);
    expect(sessions).toHaveLength(3);
    expect(sessions.map((session) => session.impersonator)).toEqual([null, null, null]);
  });

  it("writes only the columns an archive carries, so the others take their non-NULL defaults", async () => {
    // impersonator's default is NULL, which a restore that wrote every column (NULL for the
    // missing ones) would also produce. No migration has added a column with a default to a
    // backed-up table yet, so this drops two columns that have one — webhooks.enabled (true)
    // and webhooks.description ('') — as a future migration would find them missing: only a
    // restore that names just the archive's columns brings them back at those defaults.
    const path = join(dir, "without-defaults.tar.gz");
    await rewrite(archive, path, {
      manifest: (manifest) => manifest,
      rows: (kind, table, row) => {
        if (kind !== "system" || table !== "webhooks") return row;
        const { enabled: _enabled, description: _description, ...rest } = row;
        return rest;
      },
    });
    const target = await fresh();
    await restoreBackup({ ctx: target.ctx, input: { path } });
    const [webhook] = await target.database.db.select().from(schema.webhooks);
    expect(webhook).toMatchObject({ enabled: true, description: "", secret: "whsec_c2VjcmV0" });
  });

  it("refuses an archive from a newer migration level, before changing anything", async () => {
    const path = join(dir, "newer.tar.gz");
    await rewrite(archive, path, {
      manifest: (manifest) => ({
        ...manifest,
        migration: { tag: "9999_from_a_newer_cairn", when: latest.when + 1 },
      }),
    });
    const target = await fresh();
    const error = await refused(target.ctx, path);
    expect(isCairnError(error) && error.code).toBe("BAD_REQUEST");
    expect((error as Error).message).toMatch(/newer Cairn .*9999_from_a_newer_cairn.*upgrade/);
    expect(await countOf(target.database, "cairn.collections")).toBe(0);
    expect(await countOf(target.database, "cairn.superusers")).toBe(0);
    expect(await countOf(target.database, "cairn.sessions")).toBe(0);

    // The same archive at this build's own level restores: the level is what was refused.
    const same = join(dir, "same.tar.gz");
    await rewrite(path, same, {
      manifest: (manifest) => ({ ...manifest, migration: { tag: latest.tag, when: latest.when } }),
    });
    const restored = await restoreBackup({ ctx: target.ctx, input: { path: same } });
    expect(restored.rows).toBeGreaterThan(0);
    expect(await countOf(target.database, "cairn.sessions")).toBe(3);
  });
});
