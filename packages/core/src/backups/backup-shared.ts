// Shared by the verbs over stored backups (cairn.backups + archives under `backups/` in file
// storage): the API shape, the storage key, and the runs in flight in this process.
import type { schema } from "@cairn/db";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";

export type BackupRow = typeof schema.backups.$inferSelect;

export interface BackupInfo {
  id: string;
  trigger: "scheduled" | "manual";
  status: "running" | "completed" | "failed";
  storage: string;
  includeFiles: boolean;
  /** Bytes of the archive; null until it is written. */
  size: number | null;
  missingFiles: number;
  error: string | null;
  startedBy: string;
  started: string;
  finished: string | null;
}

export function toBackupInfo(row: BackupRow): BackupInfo {
  return {
    id: row.id,
    trigger: row.trigger as BackupInfo["trigger"],
    status: row.status as BackupInfo["status"],
    storage: row.storage,
    includeFiles: row.includeFiles,
    size: row.size,
    missingFiles: row.missingFiles,
    error: row.error,
    startedBy: row.startedBy,
    started: row.started.toISOString(),
    finished: row.finished ? row.finished.toISOString() : null,
  };
}

/** Archives live in the file storage under this folder; record files never do (ids start "c"). */
export const backupsPrefix = "backups/";

export function backupKey(id: string): string {
  return `${backupsPrefix}cairn-backup-${id}.tar.gz`;
}

/** The download name: when it was taken, readable. */
export function backupFileName(row: Pick<BackupRow, "started" | "id">): string {
  const stamp = row.started
    .toISOString()
    .replace(/[:]/g, "-")
    .replace(/\.\d+Z$/, "Z");
  return `cairn-backup-${stamp}.tar.gz`;
}

/** A run left `running` this long is taken to have died with its process. */
export const staleRunMs = 6 * 60 * 60 * 1000;

/** Backups hold every secret of the instance: superusers only, not even full API keys. */
export function requireBackupAdmin(ctx: Ctx): void {
  requireAdmin(ctx, { task: "manage backups", apiKeys: false });
}

/** Runs in flight in this process, so a shutdown can stop them and mark them failed. */
export const runningBackups = new Set<{ stop(): void; done: Promise<unknown> }>();
