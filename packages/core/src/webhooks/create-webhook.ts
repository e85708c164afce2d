import { schema } from "@cairn/db";
import { audit } from "../auth/audit.js";
import type { Ctx } from "../context.js";
import { parseWebhookInput } from "./webhook-input.js";
import {
  newWebhookId,
  requireWebhookAdmin,
  type WebhookInfo,
  webhookInfo,
} from "./webhook-shared.js";
import { generateWebhookSecret } from "./webhook-signing.js";

/** Creates an endpoint; the answer carries its signing secret (reveal it again when needed). */
export async function createWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<WebhookInfo & { secret: string }> {
  const createdBy = requireWebhookAdmin(ctx);
  const fields = await parseWebhookInput(ctx, "create", input);
  const secret = fields.secret ?? generateWebhookSecret();
  const now = ctx.now();
  const [row] = await ctx.db
    .insert(schema.webhooks)
    .values({
      id: newWebhookId(),
      url: fields.url,
      description: fields.description ?? "",
      events: fields.events,
      filter: fields.filter ?? null,
      headers: fields.headers ?? {},
      enabled: fields.enabled ?? true,
      disabledReason: fields.enabled === false ? "Created disabled." : null,
      disabledAt: fields.enabled === false ? now : null,
      secret,
      createdBy,
      created: now,
      updated: now,
    })
    .returning();
  ctx.log.info({ webhookId: row!.id, url: row!.url, by: createdBy }, "webhook created");
  await audit(ctx, { action: "webhook.created", detail: { webhookId: row!.id, url: row!.url } });
  return { ...webhookInfo(row!), secret };
}
