// Restores a backup archive into an empty instance: checks every entry against the manifest
// first, then recreates the collections through the schema apply path and loads every row in one
// transaction, then copies the files to the active storage. Never touches a non-empty instance
// unless asked to replace it.

import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Db, queryRows, schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { applySchema } from "../collections/apply-schema.js";
import { readSchema } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import type { SchemaDocument } from "../collections/schema-document.js";
import { updateCollection } from "../collections/update-collection.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors, isCairnError } from "../errors.js";
import { requireSuperuser } from "../settings/settings-shared.js";
import { quoteIdent } from "../sql.js";
import { hashStream, ndjsonLines, readArchive } from "./backup-archive.js";
import {
  type BackupManifest,
  backupFormatVersion,
  entryNames,
  manifestSchema,
  migrationLevel,
  skippedSystemTables,
} from "./backup-format.js";
import { loadRows, qualified, resetSequences } from "./backup-rows.js";

export interface RestoreBackupInput {
  /** The archive file (read three times: check, rows, files). */
  path: string;
  /** Replace whatever the instance holds (its collections, users, superusers, settings). */
  force?: boolean;
  /** Progress lines for the operator. */
  onProgress?: (message: string) => void;
}

export interface RestoreBackupResult {
  manifest: BackupManifest;
  tables: number;
  rows: number;
  files: number;
  bytes: number;
  /** Files listed in the archive without bytes (deleted while the backup ran). */
  missingFiles: string[];
}

export async function restoreBackup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RestoreBackupInput;
}): Promise<RestoreBackupResult> {
  requireSuperuser(ctx);
  if (ctx.inTransaction) throw new Error("restoreBackup cannot run inside a transaction.");
  const progress = input.onProgress ?? (() => {});

  progress("checking the archive");
  const { manifest, schemaDocument } = await verifyArchive(input.path);

  await ctx.database.migrate();
  const level = await migrationLevel(ctx.database.db);
  if (manifest.migration.when > level.when) {
    throw errors.badRequest(
      `The archive comes from a newer Cairn (${manifest.cairnVersion}, migration ` +
        `${manifest.migration.tag}) than this one (migration ${level.tag}): upgrade Cairn first.`,
    );
  }

  const [counts] = await queryRows<{ collections: number | string; superusers: number | string }>(
    ctx.database.db,
    sql`SELECT (SELECT count(*) FROM cairn.collections) AS "collections",
               (SELECT count(*) FROM cairn.superusers) AS "superusers"`,
  );
  const collectionCount = Number(counts?.collections ?? 0);
  const superuserCount = Number(counts?.superusers ?? 0);
  const empty = collectionCount === 0 && superuserCount === 0;
  if (!empty && !input.force) {
    throw errors.conflict(
      `This instance is not empty (${collectionCount} collections, ${superuserCount} superusers): ` +
        "restore into a fresh one, or pass --force to replace everything it holds.",
    );
  }

  const tableEntries = manifest.entries.filter(
    (e) => e.kind === "system" || e.kind === "collection",
  );
  let rows = 0;
  await withTransaction(ctx, async (tx) => {
    if (!empty) {
      progress("removing the current collections (--force)");
      await dropCollections(tx.db);
    }
    progress("creating the collections");
    await createCollections(tx, schemaDocument);

    // The instance's own storage setting wins: it says where this instance keeps its files.
    const [ownStorage] = await tx.db
      .select()
      .from(schema.settings)
      .where(eq(schema.settings.key, "storage"));
    const systemTables = await queryRows<{ name: string }>(
      tx.db,
      sql`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'cairn'`,
    );
    const known = new Set(systemTables.map((t) => t.name));
    for (const { name } of systemTables) {
      if (name in skippedSystemTables) continue;
      await tx.db.execute(sql.raw(`DELETE FROM ${qualified("cairn", name)}`));
    }
    for (const entry of tableEntries) {
      if (
        entry.kind === "system" &&
        (!known.has(entry.target) || entry.target in skippedSystemTables)
      ) {
        throw errors.badRequest(
          `The archive holds a table this Cairn does not restore: ${entry.target}.`,
        );
      }
    }

    const deferred = await deferForeignKeys(tx.db);
    for await (const entry of readArchive(input.path)) {
      if (entry.name.startsWith("files/") || entry.name === entryNames.manifest) break;
      const listed = tableEntries.find((e) => e.name === entry.name);
      if (!listed) continue;
      const schemaName = listed.kind === "system" ? "cairn" : "public";
      progress(`loading ${schemaName}.${listed.target} (${listed.count} rows)`);
      const { lines, result } = ndjsonLines(entry.body);
      const loaded = await loadRows(tx.db, schemaName, listed.target, lines);
      if (loaded !== listed.count || result().sha256 !== listed.sha256) {
        throw errors.badRequest(`The archive changed while it was read (${entry.name}).`);
      }
      rows += loaded;
    }
    // Event cursors compare transaction ids, which start over on another database: the restored
    // outbox sorts before anything this instance writes, and consumers resume at their position.
    await tx.db.execute(sql`UPDATE cairn.events SET txid = 0`);
    await tx.db.execute(sql`UPDATE cairn.event_consumers SET txid = 0`);
    if (ownStorage) {
      await tx.db
        .insert(schema.settings)
        .values(ownStorage)
        .onConflictDoUpdate({
          target: schema.settings.key,
          set: { value: ownStorage.value, updatedAt: ownStorage.updatedAt },
        });
    }
    await restoreForeignKeys(tx.db, deferred);
    for (const entry of tableEntries) {
      const schemaName = entry.kind === "system" ? "cairn" : "public";
      await resetSequences(tx.db, schemaName, entry.target);
      const [row] = await queryRows<{ n: number | string }>(
        tx.db,
        sql.raw(`SELECT count(*) AS "n" FROM ${qualified(schemaName, entry.target)}`),
      );
      if (Number(row?.n) !== entry.count) {
        throw errors.badRequest(
          `${schemaName}.${entry.target} has ${row?.n} rows after loading, the archive ${entry.count}.`,
        );
      }
    }
  });
  ctx.collections.invalidate();

  const fileEntries = manifest.entries.filter((e) => e.kind === "file");
  let bytes = 0;
  if (fileEntries.length > 0) {
    if (!ctx.files) throw new Error("restoreBackup needs file storage to copy files.");
    ctx.files.invalidate();
    const { kind, adapter } = await ctx.files.active();
    progress(`copying ${fileEntries.length} files to ${kind} storage`);
    const byName = new Map(fileEntries.map((e) => [e.name, e]));
    for await (const entry of readArchive(input.path)) {
      const listed = byName.get(entry.name);
      if (!listed) continue;
      const key = listed.target;
      const [row] = await ctx.database.db
        .select({ id: schema.files.id, mimeType: schema.files.mimeType })
        .from(schema.files)
        .where(eq(schema.files.key, key));
      const hash = createHash("sha256");
      const hasher = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      const piping = pipeline(entry.body, hasher);
      piping.catch(() => {});
      const stored = await adapter.put(key, hasher, {
        contentLength: listed.size,
        contentType: row?.mimeType,
      });
      await piping;
      if (hash.digest("hex") !== listed.sha256) {
        throw errors.badRequest(`The archive changed while it was read (${entry.name}).`);
      }
      if (row) {
        await ctx.database.db
          .update(schema.files)
          .set({ storage: kind, etag: stored.etag })
          .where(eq(schema.files.id, row.id));
      }
      bytes += listed.size;
    }
  }
  return {
    manifest,
    tables: tableEntries.length,
    rows,
    files: fileEntries.length,
    bytes,
    missingFiles: manifest.missingFiles.map((m) => m.key),
  };
}

/**
 * Reads the whole archive once before anything changes: the manifest must parse, be a format
 * this code reads, and match every entry's size and sha256, with no entry missing or extra.
 */
async function verifyArchive(
  path: string,
): Promise<{ manifest: BackupManifest; schemaDocument: unknown }> {
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | undefined;
  let schemaText: string | undefined;
  try {
    for await (const entry of readArchive(path)) {
      if (entry.name === entryNames.manifest || entry.name === entryNames.schema) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry.body) chunks.push(chunk as Buffer);
        const data = Buffer.concat(chunks);
        if (entry.name === entryNames.manifest) manifestText = data.toString("utf8");
        else {
          schemaText = data.toString("utf8");
          seen.set(entry.name, {
            size: data.length,
            sha256: createHash("sha256").update(data).digest("hex"),
          });
        }
        continue;
      }
      seen.set(entry.name, await hashStream(entry.body));
    }
  } catch (error) {
    throw errors.badRequest(
      `Not a readable backup archive: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (manifestText === undefined || schemaText === undefined) {
    throw errors.badRequest(
      "Not a complete Cairn backup: manifest.json or schema.json is missing.",
    );
  }
  let parsed: ReturnType<typeof manifestSchema.safeParse>;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(manifestText));
  } catch {
    throw errors.badRequest("The archive's manifest.json is not JSON.");
  }
  if (!parsed.success)
    throw errors.badRequest("The archive's manifest.json is not one Cairn writes.");
  const manifest = parsed.data;
  if (manifest.formatVersion > backupFormatVersion) {
    throw errors.badRequest(
      `The archive has format ${manifest.formatVersion}; this Cairn reads up to ${backupFormatVersion}: upgrade Cairn first.`,
    );
  }
  for (const entry of manifest.entries) {
    const found = seen.get(entry.name);
    if (!found) throw errors.badRequest(`The archive is incomplete: ${entry.name} is missing.`);
    if (found.size !== entry.size || found.sha256 !== entry.sha256) {
      throw errors.badRequest(`The archive is damaged: ${entry.name} does not match its checksum.`);
    }
    seen.delete(entry.name);
  }
  if (seen.size > 0) {
    throw errors.badRequest(
      `The archive has entries its manifest does not list: ${[...seen.keys()][0]}.`,
    );
  }
  return { manifest, schemaDocument: JSON.parse(schemaText) as unknown };
}

interface ForeignKey {
  schema: string;
  table: string;
  name: string;
}

/** Foreign keys are checked once every row is in, so tables load in any order (cycles too). */
async function deferForeignKeys(db: Db): Promise<ForeignKey[]> {
  const keys = await queryRows<{ schema: string; table: string; name: string }>(
    db,
    sql`SELECT n.nspname AS "schema", c.relname AS "table", con.conname AS "name"
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype = 'f' AND NOT con.condeferrable AND n.nspname IN ('cairn', 'public')`,
  );
  for (const key of keys) {
    await db.execute(
      sql.raw(
        `ALTER TABLE ${qualified(key.schema, key.table)} ALTER CONSTRAINT ${quoteIdent(key.name)} DEFERRABLE INITIALLY DEFERRED`,
      ),
    );
  }
  return keys;
}

async function restoreForeignKeys(db: Db, keys: ForeignKey[]): Promise<void> {
  // Checks every deferred row now, so a broken reference fails the restore here, by name.
  await db.execute(sql`SET CONSTRAINTS ALL IMMEDIATE`);
  for (const key of keys) {
    await db.execute(
      sql.raw(
        `ALTER TABLE ${qualified(key.schema, key.table)} ALTER CONSTRAINT ${quoteIdent(key.name)} NOT DEFERRABLE`,
      ),
    );
  }
}

/**
 * Recreates the archive's collections through the schema apply path. Relations between
 * collections that form a cycle cannot be created in one document, so then it goes in two
 * steps: first without those relations (and the rules and indexes that may name them, and
 * views), then the whole document, which adds them.
 */
async function createCollections(tx: Ctx, exported: unknown): Promise<void> {
  // A self-relation names its own collection: by name, since a collection being created does
  // not have its id yet when its fields are checked.
  const document = {
    ...(exported as SchemaDocument),
    collections: (exported as SchemaDocument).collections.map((collection) => ({
      ...collection,
      fields: collection.fields.map((field) =>
        field.type === "relation" && field.collection === collection.id
          ? { ...field, collection: collection.name }
          : field,
      ),
    })),
  };
  try {
    await applySchema({ ctx: tx, input: { document, allowDestructive: true } });
    return;
  } catch (error) {
    // Thrown while planning, before any statement ran: the transaction is intact.
    if (
      !(isCairnError(error) && error.code === "BAD_REQUEST" && /form a cycle/.test(error.message))
    )
      throw error;
  }
  const firstStep = {
    version: 1,
    collections: document.collections
      .filter((collection) => collection.type !== "view")
      .map((collection) => ({
        ...collection,
        listRule: null,
        viewRule: null,
        createRule: null,
        updateRule: null,
        deleteRule: null,
        indexes: [],
        fields: collection.fields.filter(
          (field) => field.type !== "relation" || field.collection === collection.name,
        ),
      })),
  };
  await applySchema({ ctx: tx, input: { document: firstStep, allowDestructive: true } });
  // Then collection by collection (a whole document with the cycle is refused again): the
  // relations first, the rules and indexes once every field exists, the views last.
  const tables = document.collections.filter((collection) => collection.type !== "view");
  for (const collection of tables) {
    await updateCollection({
      ctx: tx,
      input: {
        collection: collection.id,
        definition: {
          ...firstStep.collections.find((c) => c.id === collection.id),
          fields: collection.fields,
        },
      },
    });
  }
  for (const collection of tables) {
    await updateCollection({
      ctx: tx,
      input: { collection: collection.id, definition: collection },
    });
  }
  for (const collection of document.collections) {
    if (collection.type === "view") await createCollection({ ctx: tx, input: collection });
  }
}

/**
 * --force: every collection goes, whatever points at what (schema apply refuses to drop a
 * collection others still reference, one at a time). Their rows in cairn.collections are
 * replaced with the archive's right after.
 */
async function dropCollections(db: Db): Promise<void> {
  const lookup = await readSchema(db);
  for (const collection of lookup.all()) {
    if (collection.type === "view") {
      await db.execute(
        sql.raw(`DROP VIEW IF EXISTS ${qualified("public", collection.name)} CASCADE`),
      );
    }
  }
  for (const collection of lookup.all()) {
    if (collection.type !== "view") {
      await db.execute(
        sql.raw(`DROP TABLE IF EXISTS ${qualified("public", collection.name)} CASCADE`),
      );
    }
  }
  // The functions behind multiple relations' triggers (collection-ddl.ts).
  const functions = await queryRows<{ name: string }>(
    db,
    sql`SELECT proname AS "name" FROM pg_proc
        WHERE pronamespace = 'cairn'::regnamespace AND proname LIKE 'mrel\_%'`,
  );
  for (const { name } of functions) {
    await db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${qualified("cairn", name)}()`));
  }
  await db.execute(sql`DELETE FROM cairn.collections`);
}
