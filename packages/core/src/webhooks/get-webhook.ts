import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { notFound, requireWebhookAdmin, type WebhookInfo, webhookInfo } from "./webhook-shared.js";

export async function getWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<WebhookInfo> {
  requireWebhookAdmin(ctx);
  const [row] = await ctx.db.select().from(schema.webhooks).where(eq(schema.webhooks.id, input.id));
  if (!row) notFound();
  return webhookInfo(row);
}
