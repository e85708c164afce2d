// Shared by the admin verbs over runtime settings, the dev mailbox and the audit log.
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { SettingValue } from "./settings-store.js";

/** Stands for a stored secret in answers; sending it back keeps the secret. */
export const maskedSecret = "••••••••";

export function requireSuperuser(ctx: Ctx): void {
  if (ctx.actor.kind === "superuser") return;
  if (ctx.actor.kind === "apiKey" && ctx.actor.scopes.includes("full")) return;
  throw errors.forbidden("Only superusers manage settings.");
}

export interface Settings {
  app: SettingValue<"app">;
  smtp: SettingValue<"smtp">;
  mailTemplates: SettingValue<"mailTemplates">;
  events: SettingValue<"events">;
  logs: SettingValue<"logs">;
}
