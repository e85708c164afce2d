import { queryRows, schema } from "@cairn/db";
import { eq, getTableColumns, sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { announceEventsAfterCommit } from "../events/announce-events.js";
import {
  type DeliveryInfo,
  type DeliveryRow,
  deliveryInfo,
  lastLatencyMs,
  requireWebhookAdmin,
} from "./webhook-shared.js";

/**
 * Sends one delivery again, now, with a fresh retry schedule and the same webhook-id (so a
 * receiver that already has it can tell). Not while a worker is sending it.
 */
export async function redeliverWebhookDelivery({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<DeliveryInfo> {
  const by = requireWebhookAdmin(ctx);
  return withTransaction(ctx, async (tx) => {
    const [found] = await tx.db
      .select({ delivery: schema.webhookDeliveries, enabled: schema.webhooks.enabled })
      .from(schema.webhookDeliveries)
      .innerJoin(schema.webhooks, eq(schema.webhooks.id, schema.webhookDeliveries.webhookId))
      .where(eq(schema.webhookDeliveries.id, input.id))
      .for("update");
    if (!found) throw errors.notFound("No such delivery.");
    if (!found.enabled) throw errors.conflict("The endpoint is disabled; enable it first.");
    const now = tx.now().toISOString();
    const [row] = await queryRows<Record<string, unknown>>(
      tx.db,
      sql`UPDATE cairn.webhook_deliveries
          SET "status" = 'pending', "next_attempt_at" = ${now}::timestamptz,
              "schedule_base" = "attempts", "completed_at" = NULL
          WHERE "id" = ${input.id}
            AND ("lock_token" IS NULL OR "locked_until" <= ${now}::timestamptz)
          RETURNING "id"`,
    );
    if (!row) throw errors.conflict("The delivery is being sent right now.");
    announceEventsAfterCommit(tx);
    tx.log.info({ deliveryId: input.id, by }, "webhook delivery redelivered");
    const [updated] = await tx.db
      .select({ ...getTableColumns(schema.webhookDeliveries), lastLatencyMs })
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.id, input.id));
    return deliveryInfo(updated as DeliveryRow & { lastLatencyMs: number | null });
  });
}
