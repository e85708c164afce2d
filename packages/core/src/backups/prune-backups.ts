// Retention: keeps the newest `keep` completed archives and deletes older ones (row and bytes),
// with the failed runs older than the oldest one kept. Running backups are never touched.
import { schema } from "@cairn/db";
import { desc, inArray, ne } from "drizzle-orm";
import type { Ctx } from "../context.js";
import type { StorageKind } from "../files/file-storage.js";

export async function pruneBackups(ctx: Ctx, keep: number): Promise<number> {
  const rows = await ctx.database.db
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
  for (const row of doomed) {
    try {
      const adapter = await ctx.files!.adapter(row.storage as StorageKind);
      await adapter.delete(row.key);
    } catch (error) {
      // Its bytes stay behind (space only); the row goes so the list shows what is kept.
      ctx.log.warn({ err: error, backup: row.id }, "could not delete an old backup archive");
    }
  }
  if (doomed.length > 0) {
    await ctx.database.db.delete(schema.backups).where(
      inArray(
        schema.backups.id,
        doomed.map((row) => row.id),
      ),
    );
  }
  return doomed.length;
}
