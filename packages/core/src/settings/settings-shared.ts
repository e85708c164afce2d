// Shared by the admin verbs over runtime settings, the dev mailbox and the audit log.

import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import type { SettingValue } from "./settings-store.js";

/** Stands for a stored secret in answers; sending it back keeps the secret. */
export const maskedSecret = "••••••••";

export function requireSuperuser(ctx: Ctx): void {
  requireAdmin(ctx, { task: "manage settings", apiKeys: true });
}

export interface Settings {
  app: SettingValue<"app">;
  smtp: SettingValue<"smtp">;
  mailTemplates: SettingValue<"mailTemplates">;
  events: SettingValue<"events">;
  logs: SettingValue<"logs">;
}
