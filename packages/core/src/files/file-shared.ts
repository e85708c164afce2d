// Shared by the file verbs: keys, the actor an upload belongs to, storage failures as Cairn
// errors, and removing the bytes of files their records let go of.
import { schema } from "@cairn/db";
import { isStorageError, type StorageAdapter } from "@cairn/storage";
import { inArray } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { CairnError, errors } from "../errors.js";
import type { FileStorage, StorageKind } from "./file-storage.js";

export type FileRow = typeof schema.files.$inferSelect;

/** How long an upload may wait to be attached to a record before the sweep removes it. */
export const pendingUploadMs = 60 * 60 * 1000;

export function fileKey(collectionId: string, recordId: string, name: string): string {
  return `${collectionId}/${recordId}/${name}`;
}

/** The folder of a file's thumbnails, next to it on the same backend. */
export function thumbsPrefix(row: Pick<FileRow, "collectionId" | "recordId" | "name">): string {
  return `${row.collectionId}/${row.recordId}/thumbs_${row.name}/`;
}

export function requireFileStorage(ctx: Ctx): FileStorage {
  if (!ctx.files) throw new Error("No file storage is configured for this context.");
  return ctx.files;
}

export async function adapterFor(ctx: Ctx, kind: string): Promise<StorageAdapter> {
  return requireFileStorage(ctx).adapter(kind as StorageKind);
}

/** A storage failure as the error a client gets; anything else passes through. */
export function storageFailure(error: unknown, maxBytes?: number): unknown {
  if (error instanceof CairnError || !isStorageError(error)) return error;
  switch (error.code) {
    case "TOO_LARGE":
      return maxBytes !== undefined
        ? errors.payloadTooLarge(maxBytes)
        : errors.badRequest(error.message);
    case "UNAVAILABLE":
      return errors.unavailable("File storage is unavailable; try again later.", error);
    case "INVALID_RANGE":
      return errors.rangeNotSatisfiable("The requested range is past the end of the file.");
    default:
      return errors.badRequest(error.message);
  }
}

/**
 * Removes the bytes (and thumbnails) of files whose rows are marked `deleting`, then the rows.
 * A failure leaves the row for the next sweep, so nothing is forgotten.
 */
export async function purgeFiles(ctx: Ctx, rows: readonly FileRow[]): Promise<void> {
  const done: string[] = [];
  for (const row of rows) {
    try {
      const adapter = await adapterFor(ctx, row.storage);
      await adapter.delete(row.key);
      await adapter.deletePrefix(thumbsPrefix(row));
      done.push(row.id);
    } catch (error) {
      ctx.log.warn({ err: error, file: row.key }, "could not delete a file; the sweep retries");
    }
  }
  if (done.length > 0)
    await ctx.database.db.delete(schema.files).where(inArray(schema.files.id, done));
}

/** Purges after the transaction commits, without holding up the response. */
export function purgeAfterCommit(ctx: Ctx, rows: readonly FileRow[]): void {
  if (rows.length === 0) return;
  ctx.afterCommit(() => {
    purgeFiles(ctx, rows).catch((error: unknown) =>
      ctx.log.warn({ err: error }, "could not delete files; the sweep retries"),
    );
  });
}
