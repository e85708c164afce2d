import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { announceEventsAfterCommit } from "../events/announce-events.js";
import { testEventType } from "./webhook-events.js";
import {
  type DeliveryInfo,
  deliveryInfo,
  newDeliveryId,
  notFound,
  requireWebhookAdmin,
} from "./webhook-shared.js";

/**
 * Queues a `webhook.test` event for one endpoint (also a disabled one, to try it before
 * enabling); follow it with getWebhookDelivery. Retried like any delivery.
 */
export async function sendTestWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<DeliveryInfo> {
  requireWebhookAdmin(ctx);
  return withTransaction(ctx, async (tx) => {
    const [webhook] = await tx.db
      .select({ id: schema.webhooks.id })
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, input.id));
    if (!webhook) notFound();
    const now = tx.now();
    const payload = JSON.stringify({
      type: testEventType,
      timestamp: now.toISOString(),
      data: { webhookId: input.id, message: "A test event from Cairn." },
    });
    const [row] = await tx.db
      .insert(schema.webhookDeliveries)
      .values({
        id: newDeliveryId(),
        webhookId: input.id,
        eventType: testEventType,
        payload,
        nextAttemptAt: now,
        created: now,
      })
      .returning();
    announceEventsAfterCommit(tx);
    return deliveryInfo(row!);
  });
}
