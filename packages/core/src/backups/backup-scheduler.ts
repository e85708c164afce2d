// Scheduled backups: every replica ticks once a minute; a due backup is claimed under an
// advisory lock (start-backup.ts), so exactly one replica runs it. Reads the `backups` setting
// at every tick, so a change applies without a restart.
import type { Database } from "@cairn/db";
import type { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx, type Log } from "../context.js";
import type { FileStorage } from "../files/file-storage.js";
import { getSetting } from "../settings/settings-store.js";
import { startBackup, stopBackups } from "./start-backup.js";

export interface BackupScheduler {
  /** Runs one check now (tests); resolves when a backup it started has finished. */
  tick(): Promise<void>;
  /** Stops ticking and stops a backup in progress (its row ends failed). */
  stop(): Promise<void>;
}

export function createBackupScheduler(options: {
  database: Database;
  collections: CollectionRegistry;
  files: FileStorage;
  log: Log;
  everyMs?: number;
}): BackupScheduler {
  const { database, collections, files, log } = options;
  let ticking: Promise<void> | undefined;
  const tick = async () => {
    const ctx = createCtx({
      database,
      collections,
      files,
      log,
      actor: { kind: "superuser", id: "system", email: "scheduler" },
    });
    const settings = await getSetting(ctx, "backups");
    if (!settings.enabled) return;
    const dueBefore = new Date(ctx.now().getTime() - settings.intervalHours * 60 * 60 * 1000);
    const started = await startBackup({
      ctx,
      input: {
        trigger: "scheduled",
        includeFiles: settings.includeFiles,
        dueBefore,
        keep: settings.keep,
      },
    });
    await started?.done;
  };
  const run = () => {
    ticking ??= tick()
      .catch((error: unknown) => log.warn({ err: error }, "scheduled backup check failed"))
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  };
  const timer = setInterval(run, options.everyMs ?? 60_000);
  timer.unref();
  return {
    tick: run,
    async stop() {
      clearInterval(timer);
      await stopBackups();
      await ticking;
    },
  };
}
