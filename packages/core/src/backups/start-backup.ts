// Starts a backup run: claims it (one at a time across every replica, under an advisory lock),
// then writes the archive to the file storage under `backups/` in the background and records how
// it went in cairn.backups. The caller gets the row at once and a promise of the outcome.
import { PassThrough } from "node:stream";
import { schema } from "@cairn/db";
import { isStorageError } from "@cairn/storage";
import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { requireFileStorage } from "../files/file-shared.js";
import { newRecordId } from "../ids.js";
import {
  type BackupInfo,
  type BackupRow,
  backupKey,
  requireBackupAdmin,
  runningBackups,
  staleRunMs,
  toBackupInfo,
} from "./backup-shared.js";
import { createBackup } from "./create-backup.js";
import { deleteBackupArchives, dropOldBackups } from "./prune-backups.js";

export interface StartBackupInput {
  trigger: "scheduled" | "manual";
  includeFiles: boolean;
  /** For scheduled runs: claim only when the newest successful backup is older than this. */
  dueBefore?: Date;
  /** Prune to this many completed archives once done. */
  keep?: number;
}

export interface StartedBackup {
  backup: BackupInfo;
  /** Settles with the final row (completed or failed); never rejects. */
  done: Promise<BackupInfo>;
}

/** Undefined when a scheduled run is not due (or another replica has it). */
export async function startBackup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: StartBackupInput;
}): Promise<StartedBackup | undefined> {
  requireBackupAdmin(ctx);
  let active: Awaited<ReturnType<ReturnType<typeof requireFileStorage>["active"]>>;
  try {
    active = await requireFileStorage(ctx).active();
  } catch (error) {
    if (isStorageError(error)) throw errors.unavailable(error.message, error);
    throw error;
  }
  const row = await claim(ctx, input, active.kind);
  if (!row) return undefined;

  const output = new PassThrough();
  let stopped = false;
  const run = async (): Promise<BackupInfo> => {
    try {
      const putting = active.adapter.put(row.key, output, { contentType: "application/gzip" });
      putting.catch(() => {});
      // The backup's own error says more than the upload's "aborted" that follows it.
      const summary = await createBackup({
        ctx,
        input: { output, includeFiles: input.includeFiles },
      }).catch(async (error: unknown) => {
        await putting.catch(() => {});
        throw error;
      });
      const stored = await putting;
      // Completed and retention applied at once: the list never holds more than `keep`.
      const { done, dropped } = await withTransaction(ctx, async (tx) => {
        const [done] = await tx.db
          .update(schema.backups)
          .set({
            status: "completed",
            size: stored.size,
            missingFiles: summary.manifest.missingFiles.length,
            finished: ctx.now(),
          })
          .where(eq(schema.backups.id, row.id))
          .returning();
        const dropped = input.keep === undefined ? [] : await dropOldBackups(tx, input.keep);
        return { done: done!, dropped };
      });
      ctx.log.info(
        { backup: row.id, size: stored.size, files: summary.files, rows: summary.rows },
        "backup completed",
      );
      await deleteBackupArchives(ctx, dropped);
      return toBackupInfo(done);
    } catch (error) {
      output.destroy();
      const message = stopped
        ? "Stopped: the server shut down while it ran."
        : error instanceof Error
          ? error.message
          : String(error);
      ctx.log.error({ err: error, backup: row.id }, "backup failed");
      await active.adapter.delete(row.key).catch(() => {});
      const [failed] = await ctx.database.db
        .update(schema.backups)
        .set({ status: "failed", error: message.slice(0, 2000), finished: ctx.now() })
        .where(eq(schema.backups.id, row.id))
        .returning()
        .catch(() => [row]);
      return toBackupInfo(failed ?? row);
    }
  };
  const handle = {
    stop() {
      stopped = true;
      output.destroy(new Error("stopped"));
    },
    done: Promise.resolve() as Promise<unknown>,
  };
  const done = run().finally(() => runningBackups.delete(handle));
  handle.done = done;
  runningBackups.add(handle);
  return { backup: toBackupInfo(row), done };
}

async function claim(
  ctx: Ctx,
  input: StartBackupInput,
  storage: string,
): Promise<BackupRow | undefined> {
  if (ctx.inTransaction) throw new Error("startBackup cannot run inside a transaction.");
  return withTransaction(ctx, async (tx) => {
    // Every replica's scheduler ticks; the lock makes check-and-claim one step across them.
    await tx.db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('cairn.backups'))`);
    const now = tx.now();
    await tx.db
      .update(schema.backups)
      .set({ status: "failed", error: "Interrupted: its server stopped.", finished: now })
      .where(
        and(
          eq(schema.backups.status, "running"),
          lt(schema.backups.started, new Date(now.getTime() - staleRunMs)),
        ),
      );
    const [running] = await tx.db
      .select()
      .from(schema.backups)
      .where(eq(schema.backups.status, "running"))
      .limit(1);
    if (running) {
      if (input.trigger === "scheduled") return undefined;
      throw errors.conflict(
        `A backup is already running (started ${running.started.toISOString()}); wait for it to finish.`,
      );
    }
    if (input.dueBefore) {
      const [last] = await tx.db
        .select({ started: schema.backups.started })
        .from(schema.backups)
        .where(ne(schema.backups.status, "failed"))
        .orderBy(desc(schema.backups.started))
        .limit(1);
      if (last && last.started > input.dueBefore) return undefined;
    }
    const id = newRecordId();
    const actor = tx.actor.kind === "superuser" ? tx.actor.email : "system";
    const [row] = await tx.db
      .insert(schema.backups)
      .values({
        id,
        trigger: input.trigger,
        status: "running",
        storage,
        key: backupKey(id),
        includeFiles: input.includeFiles,
        startedBy: actor,
        started: now,
      })
      .returning();
    return row;
  });
}

/** Stops this process's runs (server shutdown): their rows end `failed`, their archives go. */
export async function stopBackups(): Promise<void> {
  const runs = [...runningBackups];
  for (const run of runs) run.stop();
  await Promise.all(runs.map((run) => run.done.catch(() => {})));
}
