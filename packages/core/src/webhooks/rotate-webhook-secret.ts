import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { notFound, requireWebhookAdmin } from "./webhook-shared.js";
import { generateWebhookSecret, isWebhookSecret } from "./webhook-signing.js";

/** How long the replaced secret keeps signing next to the new one. */
export const previousSecretLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * A new signing secret (given, or random). For 24 h every request carries a signature by the
 * old secret too, so receivers can switch without dropping a message. Rotating again within
 * those 24 h replaces the older one.
 */
export async function rotateWebhookSecret({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; secret?: unknown };
}): Promise<{ secret: string; previousSecretExpires: string }> {
  const by = requireWebhookAdmin(ctx);
  if (input.secret !== undefined && !isWebhookSecret(input.secret)) {
    throw errors.validation({
      secret: {
        code: "invalid",
        message: "Must be whsec_ and the base64 of 24 to 64 random bytes.",
      },
    });
  }
  const secret = (input.secret as string | undefined) ?? generateWebhookSecret();
  return withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select({ secret: schema.webhooks.secret })
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, input.id))
      .for("update");
    if (!current) notFound();
    const now = tx.now();
    const expires = new Date(now.getTime() + previousSecretLifetimeMs);
    await tx.db
      .update(schema.webhooks)
      .set({
        secret,
        previousSecret: current.secret,
        previousSecretExpires: expires,
        updated: now,
      })
      .where(eq(schema.webhooks.id, input.id));
    tx.log.info({ webhookId: input.id, by }, "webhook secret rotated");
    await audit(tx, { action: "webhook.secret_rotated", detail: { webhookId: input.id } });
    return { secret, previousSecretExpires: expires.toISOString() };
  });
}
