import type { Ctx } from "../context.js";
import { getSetting, type SettingValue } from "../settings/settings-store.js";
import { requireBackupAdmin } from "./backup-shared.js";

export type BackupSettings = SettingValue<"backups">;

/** The schedule: enabled, every how many hours, how many archives to keep, with files or not. */
export async function getBackupSettings({ ctx }: { ctx: Ctx }): Promise<BackupSettings> {
  requireBackupAdmin(ctx);
  return getSetting(ctx, "backups");
}
