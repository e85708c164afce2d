// Writes a backup archive of the whole instance to a stream: every table read in one
// REPEATABLE READ READ ONLY snapshot, then the bytes of the files that snapshot lists.
// Never writes to the database and never runs inside a caller's transaction.

import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { type Db, queryRows } from "@cairn/db";
import { isStorageError } from "@cairn/storage";
import { sql } from "drizzle-orm";
import { readSchema } from "../collections/collection-registry.js";
import { toDocument } from "../collections/schema-document.js";
import type { Ctx } from "../context.js";
import { type StorageKind, storageKinds } from "../files/file-storage.js";
import { requireSuperuser } from "../settings/settings-shared.js";
import { createArchiveWriter } from "./backup-archive.js";
import {
  type BackupEntry,
  type BackupManifest,
  type BackupSummary,
  backupFormatVersion,
  cairnVersion,
  entryNames,
  migrationLevel,
  skippedSystemTables,
} from "./backup-format.js";
import { dumpTable, qualified } from "./backup-rows.js";

export interface CreateBackupInput {
  /** Where the gzipped archive goes (a file, stdout, a storage upload); ended when done. */
  output: Writable;
  /** Include the files' bytes (default true). Without them the archive has rows only. */
  includeFiles?: boolean;
  /** Where tables are spooled while the archive is written (default: the OS temp dir). */
  tempDir?: string;
}

export async function createBackup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateBackupInput;
}): Promise<BackupSummary> {
  requireSuperuser(ctx);
  // The snapshot needs a transaction of its own, with its own isolation level.
  if (ctx.inTransaction) throw new Error("createBackup cannot run inside a transaction.");
  const includeFiles = input.includeFiles !== false;
  const storage = includeFiles ? ctx.files : undefined;
  if (includeFiles && !storage) throw new Error("createBackup needs file storage to copy files.");

  const spool = await mkdtemp(join(input.tempDir ?? tmpdir(), "cairn-backup-"));
  const writer = createArchiveWriter(input.output);
  const entries: BackupEntry[] = [];
  try {
    const snapshot = await ctx.database.db.transaction(async (txDb) => {
      const tx = txDb as unknown as Db;
      // One snapshot for every table (PGlite has one connection: its transaction is one anyway).
      await tx.execute(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
      const [clock] = await queryRows<{ at: string | Date }>(tx, sql`SELECT now() AS "at"`);
      const migration = await migrationLevel(tx);
      const lookup = await readSchema(tx);
      const schemaText = Buffer.from(`${JSON.stringify(toDocument(lookup), null, 2)}\n`);
      const schemaEntry = await writer.addBuffer(entryNames.schema, schemaText);
      entries.push({
        name: entryNames.schema,
        kind: "schema",
        target: "",
        count: 1,
        ...schemaEntry,
      });

      const tables = await queryRows<{ name: string }>(
        tx,
        sql`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'cairn' ORDER BY tablename`,
      );
      let filesSpool: string | undefined;
      for (const { name } of tables) {
        if (name in skippedSystemTables) continue;
        const path = join(spool, `cairn.${name}.ndjson`);
        // Only attached files belong to records; the others are uploads in flight or going.
        const dumped = await dumpTable(tx, qualified("cairn", name), path, {
          where: name === "files" ? `t."status" = 'attached'` : undefined,
        });
        if (name === "files") filesSpool = path;
        const entryName = entryNames.systemTable(name);
        await writer.addFile(entryName, path, dumped.size);
        entries.push({ name: entryName, kind: "system", target: name, ...dumped });
        if (name !== "files") await rm(path);
      }
      for (const collection of lookup.all()) {
        if (collection.type === "view") continue;
        const path = join(spool, `public.${collection.id}.ndjson`);
        const dumped = await dumpTable(tx, qualified("public", collection.name), path);
        const entryName = entryNames.collection(collection.name);
        await writer.addFile(entryName, path, dumped.size);
        entries.push({ name: entryName, kind: "collection", target: collection.name, ...dumped });
        await rm(path);
      }
      return {
        at: new Date(clock!.at).toISOString(),
        migration,
        filesSpool,
      };
    });

    // Bytes after the snapshot: a stored key is never rewritten, so these are the snapshot's
    // bytes, unless a file was deleted since (then it is listed as missing).
    const missingFiles: BackupManifest["missingFiles"] = [];
    if (storage && snapshot.filesSpool) {
      const lines = createInterface({ input: createReadStream(snapshot.filesSpool) });
      for await (const line of lines) {
        if (line === "") continue;
        const row = JSON.parse(line) as { storage: string; key: string };
        const found = await openStored(ctx, row.storage, row.key);
        if (!found) {
          missingFiles.push({ key: row.key, storage: row.storage, reason: "not found" });
          ctx.log.warn({ file: row.key }, "backup: a file's bytes are gone (deleted meanwhile?)");
          continue;
        }
        const name = entryNames.file(row.key);
        const added = await writer.addStream(name, found.body, found.size);
        entries.push({ name, kind: "file", target: row.key, count: 1, ...added });
      }
    }
    const manifest: BackupManifest = {
      format: "cairn-backup",
      formatVersion: backupFormatVersion,
      cairnVersion: cairnVersion(),
      migration: snapshot.migration,
      createdAt: snapshot.at,
      driver: ctx.database.driver,
      includeFiles,
      entries,
      missingFiles,
      skippedTables: Object.keys(skippedSystemTables),
    };
    await writer.addBuffer(
      entryNames.manifest,
      Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    );
    const size = await writer.finish();
    return {
      manifest,
      size,
      tables: entries.filter((e) => e.kind === "system" || e.kind === "collection").length,
      rows: entries
        .filter((e) => e.kind === "system" || e.kind === "collection")
        .reduce((sum, e) => sum + e.count, 0),
      files: entries.filter((e) => e.kind === "file").length,
    };
  } catch (error) {
    writer.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}

/**
 * A file's bytes from the backend its row names, or from another one (a concurrent
 * `cairn files migrate` may have moved it: same key, same bytes); undefined when gone.
 */
async function openStored(ctx: Ctx, storage: string, key: string) {
  const kinds = [storage, ...storageKinds.filter((kind) => kind !== storage)] as StorageKind[];
  for (const kind of kinds) {
    try {
      const adapter = await ctx.files!.adapter(kind);
      const got = await adapter.get(key);
      if (got) return { body: got.body, size: got.object.size };
    } catch (error) {
      // A backend that is not configured (no S3) cannot hold it; any other failure is real.
      if (kind !== storage && isStorageError(error)) continue;
      throw error;
    }
  }
  return undefined;
}
