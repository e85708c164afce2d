import type { FieldError } from "@cairn/schema";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { getSetting, putSetting, settingSchemas } from "../settings/settings-store.js";
import type { WebhookSettings } from "./get-webhook-settings.js";
import { requireWebhookAdmin } from "./webhook-shared.js";

/**
 * Changes the webhook settings sent; the rest keep their value. Workers read them for every
 * batch they claim, so a change applies within moments on every replica.
 */
export async function updateWebhookSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<WebhookSettings> {
  const by = requireWebhookAdmin(ctx);
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw errors.badRequest("The request body must be a JSON object.");
  return withTransaction(ctx, async (tx) => {
    const current = await getSetting(tx, "webhooks");
    const problems: Record<string, FieldError> = {};
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(current, key))
        problems[key] = { code: "unknown_field", message: "No such webhook setting." };
    }
    const parsed = settingSchemas.webhooks.safeParse({ ...current, ...input });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems[issue.path.join(".") || "body"] ??= { code: "invalid", message: issue.message };
    }
    if (Object.keys(problems).length > 0 || !parsed.success) throw errors.validation(problems);
    await putSetting(tx, "webhooks", parsed.data);
    tx.log.info({ by, ...parsed.data }, "webhook settings updated");
    return parsed.data;
  });
}
