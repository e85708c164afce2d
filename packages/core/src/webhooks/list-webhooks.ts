import { schema } from "@cairn/db";
import { asc } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { requireWebhookAdmin, type WebhookInfo, webhookInfo } from "./webhook-shared.js";

export async function listWebhooks({ ctx }: { ctx: Ctx }): Promise<WebhookInfo[]> {
  requireWebhookAdmin(ctx);
  const rows = await ctx.db
    .select()
    .from(schema.webhooks)
    .orderBy(asc(schema.webhooks.created), asc(schema.webhooks.id));
  return rows.map(webhookInfo);
}
