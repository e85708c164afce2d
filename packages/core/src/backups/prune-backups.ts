// Retention: keeps the newest `keep` completed archives and drops older ones (row and bytes),
// with the failed runs older than the oldest one kept. Running backups are never touched.
import { schema } from "@cairn/db";
import { desc, inArray, ne } from "drizzle-orm";
import type { Ctx } from "../context.js";
import type { StorageKind } from "../files/file-storage.js";

type BackupRow = typeof schema.backups.$inferSelect;

/**
 * Deletes the rows of the archives retention drops, in the caller's transaction (with the
 * completion of the newest, the list never shows more than `keep`), and returns them: their
 * bytes go with deleteBackupArchives once it has committed.
 */
export async function dropOldBackups(tx: Ctx, keep: number): Promise<BackupRow[]> {
  const rows = await tx.db
    .select()
    .from(schema.backups)
    .where(ne(schema.backups.status, "running"))
    .orderBy(desc(schema.backups.started));
  const completed = rows.filter((row) => row.status === "completed");
  const oldestKept = completed[keep - 1] ?? completed.at(-1);
  const doomed = rows.filter((row) =>
    row.status === "completed"
      ? completed.indexOf(row) >= keep
      : oldestKept !== undefined && completed.length > keep && row.started < oldestKept.started,
  );
  if (doomed.length > 0) {
    await tx.db.delete(schema.backups).where(
      inArray(
        schema.backups.id,
        doomed.map((row) => row.id),
      ),
    );
  }
  return doomed;
}

/** Deletes dropped archives' bytes; one that cannot be deleted stays behind (space only). */
export async function deleteBackupArchives(ctx: Ctx, rows: BackupRow[]): Promise<void> {
  for (const row of rows) {
    try {
      const adapter = await ctx.files!.adapter(row.storage as StorageKind);
      await adapter.delete(row.key);
    } catch (error) {
      ctx.log.warn({ err: error, backup: row.id }, "could not delete an old backup archive");
    }
  }
}
