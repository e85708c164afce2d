// A completed backup's archive for download, streamed from the storage that holds it.
import type { Readable } from "node:stream";
import { schema } from "@cairn/db";
import { isStorageError } from "@cairn/storage";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { StorageKind } from "../files/file-storage.js";
import { backupFileName, requireBackupAdmin } from "./backup-shared.js";

export async function openBackup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{ body: Readable; size: number; fileName: string }> {
  requireBackupAdmin(ctx);
  const [row] = await ctx.db.select().from(schema.backups).where(eq(schema.backups.id, input.id));
  if (!row) throw errors.notFound("No such backup.");
  if (row.status !== "completed") {
    throw errors.conflict(
      `This backup is ${row.status}: only completed backups can be downloaded.`,
    );
  }
  try {
    const adapter = await ctx.files!.adapter(row.storage as StorageKind);
    const got = await adapter.get(row.key);
    if (!got) throw errors.notFound("This backup's archive is gone from the storage.");
    return { body: got.body, size: got.object.size, fileName: backupFileName(row) };
  } catch (error) {
    if (isStorageError(error)) throw errors.unavailable(error.message, error);
    throw error;
  }
}
