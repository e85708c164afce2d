// Reads the file storage settings for the admin, the secret access key masked.
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import type { Ctx } from "../context.js";
import { maskedSecret } from "./settings-shared.js";
import { getSetting, type StorageSettings } from "./settings-store.js";

/** The settings as answers show them: a stored secret reads as the mask, a missing one as "". */
export function maskStorageSettings(settings: StorageSettings): StorageSettings {
  const { secretAccessKey } = settings.s3;
  return { ...settings, s3: { ...settings.s3, secretAccessKey: secretAccessKey && maskedSecret } };
}

export async function getStorageSettings({ ctx }: { ctx: Ctx }): Promise<StorageSettings> {
  requireSettingsAdmin(ctx);
  return maskStorageSettings(await getSetting(ctx, "storage"));
}
