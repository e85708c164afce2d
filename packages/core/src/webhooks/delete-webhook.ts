import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import type { Ctx } from "../context.js";
import { notFound, requireWebhookAdmin } from "./webhook-shared.js";

/** Removes the endpoint with its deliveries and their log; nothing more is sent to it. */
export async function deleteWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<void> {
  const by = requireWebhookAdmin(ctx);
  const [row] = await ctx.db
    .delete(schema.webhooks)
    .where(eq(schema.webhooks.id, input.id))
    .returning({ id: schema.webhooks.id });
  if (!row) notFound();
  ctx.log.info({ webhookId: input.id, by }, "webhook deleted");
  await audit(ctx, { action: "webhook.deleted", detail: { webhookId: input.id } });
}
