import type { Ctx } from "../context.js";
import { getSetting, type SettingValue } from "../settings/settings-store.js";
import { requireWebhookAdmin } from "./webhook-shared.js";

export type WebhookSettings = SettingValue<"webhooks">;

export async function getWebhookSettings({ ctx }: { ctx: Ctx }): Promise<WebhookSettings> {
  requireWebhookAdmin(ctx);
  return getSetting(ctx, "webhooks");
}
