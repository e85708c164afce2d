// Moves attached files to one backend (after switching storage): copy, point the row at the copy,
// then delete the old bytes and thumbnails. One file at a time and the row updated on its own, so
// a crash or Ctrl-C loses nothing and a rerun carries on. Never deletes bytes a row still points to.
import { type Db, schema } from "@cairn/db";
import { isStorageError, type StorageAdapter } from "@cairn/storage";
import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type FileRow, requireFileStorage, thumbsPrefix } from "./file-shared.js";
import { type StorageKind, storageKinds } from "./file-storage.js";

export interface MigrateFilesInput {
  /** Where the files go; default: the active backend (the `storage` setting). */
  to?: StorageKind;
  /** Only report what would move (the source is still checked for each file). */
  dryRun?: boolean;
  /** Called after each file, e.g. to print progress. */
  onProgress?: (progress: MigrateFilesProgress) => void;
  /** Stops after the file in hand; the result says `aborted`. */
  signal?: AbortSignal;
}

export interface MigrateFilesProgress {
  /** 1-based position of this file, out of `total` found at the start. */
  done: number;
  total: number;
  file: { id: string; key: string; size: number; from: string };
  outcome: "moved" | "skipped" | "failed";
  message?: string;
}

export interface MigrateFilesFailure {
  id: string;
  key: string;
  from: string;
  message: string;
}

export interface MigrateFilesResult {
  to: StorageKind;
  dryRun: boolean;
  /** Files moved (or, in a dry run, that would be). */
  moved: number;
  bytes: number;
  /** Files that needed no move by the time they came up (changed or deleted meanwhile). */
  skipped: number;
  failed: number;
  /** Why each failed file failed; it stays where it was, readable, for a rerun. */
  failures: MigrateFilesFailure[];
  /** Files that moved but whose old bytes could not be deleted (only disk or bucket space lost). */
  leftovers: MigrateFilesFailure[];
  aborted: boolean;
}

const pageSize = 100;

type Outcome =
  | { outcome: "moved" | "skipped"; bytes: number }
  | { outcome: "failed"; message: string };

export async function migrateFiles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: MigrateFilesInput;
}): Promise<MigrateFilesResult> {
  requireSettingsAdmin(ctx);
  const files = requireFileStorage(ctx);
  if (input.to !== undefined && !storageKinds.includes(input.to)) {
    throw errors.validation({
      to: { code: "invalid", message: `Must be one of ${storageKinds.join(", ")}.` },
    });
  }
  let to: StorageKind;
  let target: StorageAdapter;
  try {
    to = input.to ?? (await files.active()).kind;
    target = await files.adapter(to);
  } catch (error) {
    if (isStorageError(error)) throw errors.unavailable(error.message, error);
    throw error;
  }

  // Never in a caller's transaction: each row's move must be durable before its old bytes go,
  // or a rollback would leave rows pointing at deleted bytes.
  if (ctx.inTransaction) throw new Error("migrateFiles cannot run inside a transaction.");
  const db = ctx.database.db;
  const dryRun = input.dryRun === true;
  const result: MigrateFilesResult = {
    to,
    dryRun,
    moved: 0,
    bytes: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    leftovers: [],
    aborted: false,
  };
  const pending = and(eq(schema.files.status, "attached"), ne(schema.files.storage, to));
  const [counted] = await db.select({ n: count() }).from(schema.files).where(pending);
  const total = counted?.n ?? 0;

  // Keyset pages by id: moved rows drop out of `pending`, failed ones are passed over.
  let after = "";
  let done = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(schema.files)
      .where(and(pending, gt(schema.files.id, after)))
      .orderBy(asc(schema.files.id))
      .limit(pageSize);
    for (const row of rows) {
      if (input.signal?.aborted) {
        result.aborted = true;
        return result;
      }
      after = row.id;
      const outcome = dryRun
        ? await wouldMove(ctx, row)
        : await moveOne(ctx, db, row, to, target, result.leftovers);
      done += 1;
      if (outcome.outcome === "failed") {
        result.failed += 1;
        result.failures.push({
          id: row.id,
          key: row.key,
          from: row.storage,
          message: outcome.message,
        });
      } else if (outcome.outcome === "moved") {
        result.moved += 1;
        result.bytes += outcome.bytes;
      } else {
        result.skipped += 1;
      }
      input.onProgress?.({
        done,
        total: Math.max(total, done),
        file: { id: row.id, key: row.key, size: row.size, from: row.storage },
        outcome: outcome.outcome,
        ...(outcome.outcome === "failed" ? { message: outcome.message } : {}),
      });
    }
    if (rows.length < pageSize) break;
  }
  if (result.moved > 0 || result.failed > 0) {
    const { moved, bytes, skipped, failed } = result;
    ctx.log.info({ to, dryRun, moved, bytes, skipped, failed }, "files migrated");
  }
  return result;
}

/** The dry run: checks that the bytes are where the row says, changes nothing. */
async function wouldMove(ctx: Ctx, row: FileRow): Promise<Outcome> {
  try {
    const source = await sourceOf(ctx, row);
    const object = await source.head(row.key);
    if (!object)
      return { outcome: "failed", message: `Its bytes are missing from ${row.storage}.` };
    return { outcome: "moved", bytes: row.size };
  } catch (error) {
    return { outcome: "failed", message: messageOf(error) };
  }
}

async function moveOne(
  ctx: Ctx,
  db: Db,
  row: FileRow,
  to: StorageKind,
  target: StorageAdapter,
  leftovers: MigrateFilesFailure[],
): Promise<Outcome> {
  let source: StorageAdapter;
  let etag: string;
  try {
    source = await sourceOf(ctx, row);
    const got = await source.get(row.key);
    if (!got) {
      // A copy made by someone else (or by hand) is as good as ours, if it is whole.
      const there = await target.head(row.key);
      if (!there || there.size !== row.size) {
        return { outcome: "failed", message: `Its bytes are missing from ${row.storage}.` };
      }
      etag = there.etag;
    } else {
      if (got.object.size !== row.size) {
        got.body.destroy();
        return {
          outcome: "failed",
          message: `${row.storage} holds ${got.object.size} bytes, the files table says ${row.size}.`,
        };
      }
      const stored = await target.put(row.key, got.body, {
        contentType: row.mimeType,
        contentLength: row.size,
      });
      if (stored.size !== row.size) {
        await target.delete(row.key).catch(() => {});
        return {
          outcome: "failed",
          message: `${to} stored ${stored.size} bytes instead of ${row.size}.`,
        };
      }
      etag = stored.etag;
    }
  } catch (error) {
    return { outcome: "failed", message: messageOf(error) };
  }

  // Only a row that still says what we copied moves: one deleted or changed meanwhile keeps its
  // own story, and the copy goes unless the row now points at it.
  const updated = await db
    .update(schema.files)
    .set({ storage: to, etag })
    .where(
      and(
        eq(schema.files.id, row.id),
        eq(schema.files.storage, row.storage),
        eq(schema.files.key, row.key),
        eq(schema.files.status, "attached"),
      ),
    )
    .returning({ id: schema.files.id });
  if (updated.length === 0) {
    const [now] = await db
      .select({ storage: schema.files.storage, key: schema.files.key })
      .from(schema.files)
      .where(eq(schema.files.id, row.id));
    if (!(now?.storage === to && now.key === row.key)) {
      await target.delete(row.key).catch((error: unknown) => {
        ctx.log.warn({ err: error, file: row.key }, "could not delete an unneeded copy");
      });
    }
    return { outcome: "skipped", bytes: 0 };
  }

  try {
    await source.delete(row.key);
    await source.deletePrefix(thumbsPrefix(row));
  } catch (error) {
    leftovers.push({ id: row.id, key: row.key, from: row.storage, message: messageOf(error) });
    ctx.log.warn({ err: error, file: row.key }, "a moved file's old bytes could not be deleted");
  }
  return { outcome: "moved", bytes: row.size };
}

async function sourceOf(ctx: Ctx, row: FileRow): Promise<StorageAdapter> {
  if (!storageKinds.includes(row.storage as StorageKind)) {
    throw new Error(`Unknown storage "${row.storage}".`);
  }
  return requireFileStorage(ctx).adapter(row.storage as StorageKind);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
