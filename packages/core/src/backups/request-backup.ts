import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getSetting } from "../settings/settings-store.js";
import type { BackupInfo } from "./backup-shared.js";
import { requireBackupAdmin } from "./backup-shared.js";
import { startBackup } from "./start-backup.js";

/**
 * "Back up now" (POST /api/backups): starts a backup in the background and answers with its
 * row at once. With or without files as asked, else as the schedule says; retention applies.
 */
export async function requestBackup({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Record<string, unknown>;
}): Promise<BackupInfo> {
  requireBackupAdmin(ctx);
  const problems: Record<string, { code: string; message: string }> = {};
  for (const key of Object.keys(input)) {
    if (key !== "includeFiles")
      problems[key] = { code: "unknown_field", message: "Not an option." };
  }
  if (input.includeFiles !== undefined && typeof input.includeFiles !== "boolean") {
    problems.includeFiles = { code: "invalid_type", message: "Must be true or false." };
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  const settings = await getSetting(ctx, "backups");
  const started = await startBackup({
    ctx,
    input: {
      trigger: "manual",
      includeFiles: (input.includeFiles as boolean | undefined) ?? settings.includeFiles,
      keep: settings.keep,
    },
  });
  // Manual runs never wait on a schedule, so a claim always answers (or throws CONFLICT).
  return started!.backup;
}
