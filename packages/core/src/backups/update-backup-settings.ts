import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getSetting, putSetting, settingSchemas } from "../settings/settings-store.js";
import { requireBackupAdmin } from "./backup-shared.js";
import type { BackupSettings } from "./get-backup-settings.js";

/** Changes the schedule; keys left out keep their value. Every replica reads it at its next tick. */
export async function updateBackupSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Record<string, unknown>;
}): Promise<BackupSettings> {
  requireBackupAdmin(ctx);
  const schema = settingSchemas.backups;
  const problems: Record<string, { code: string; message: string }> = {};
  for (const key of Object.keys(input)) {
    if (!(key in schema.shape))
      problems[key] = { code: "unknown_field", message: "No such setting." };
  }
  const parsed = schema.safeParse({ ...(await getSetting(ctx, "backups")), ...input });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems[issue.path.map(String).join(".")] = { code: "invalid", message: issue.message };
    }
  }
  if (Object.keys(problems).length > 0 || !parsed.success) throw errors.validation(problems);
  await putSetting(ctx, "backups", parsed.data);
  return parsed.data;
}
