import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import type { Ctx } from "../context.js";
import { notFound, requireWebhookAdmin } from "./webhook-shared.js";

/** The signing secret, for an admin setting up a receiver; every reveal is logged (not the secret). */
export async function revealWebhookSecret({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{
  secret: string;
  /** The secret before the last rotation, while it still signs. */
  previousSecret: string | null;
  previousSecretExpires: string | null;
}> {
  const by = requireWebhookAdmin(ctx);
  const [row] = await ctx.db
    .select({
      secret: schema.webhooks.secret,
      previousSecret: schema.webhooks.previousSecret,
      previousSecretExpires: schema.webhooks.previousSecretExpires,
    })
    .from(schema.webhooks)
    .where(eq(schema.webhooks.id, input.id));
  if (!row) notFound();
  ctx.log.info({ webhookId: input.id, by }, "webhook secret revealed");
  await audit(ctx, { action: "webhook.secret_revealed", detail: { webhookId: input.id } });
  const stillSigns =
    row.previousSecret !== null &&
    row.previousSecretExpires !== null &&
    row.previousSecretExpires > ctx.now();
  return {
    secret: row.secret,
    previousSecret: stillSigns ? row.previousSecret : null,
    previousSecretExpires: stillSigns ? row.previousSecretExpires!.toISOString() : null,
  };
}
