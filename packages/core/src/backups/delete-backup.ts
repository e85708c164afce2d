import { schema } from "@cairn/db";
import { isStorageError } from "@cairn/storage";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { StorageKind } from "../files/file-storage.js";
import { requireBackupAdmin } from "./backup-shared.js";

/** Deletes a backup's archive, then its row. A running backup cannot be deleted. */
export async function deleteBackup({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireBackupAdmin(ctx);
  const [row] = await ctx.db.select().from(schema.backups).where(eq(schema.backups.id, input.id));
  if (!row) throw errors.notFound("No such backup.");
  if (row.status === "running") throw errors.conflict("This backup is still running.");
  try {
    const adapter = await ctx.files!.adapter(row.storage as StorageKind);
    await adapter.delete(row.key);
  } catch (error) {
    if (isStorageError(error)) throw errors.unavailable(error.message, error);
    throw error;
  }
  await ctx.db.delete(schema.backups).where(eq(schema.backups.id, row.id));
}
