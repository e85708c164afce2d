import { queryRows, schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { announceEventsAfterCommit } from "../events/announce-events.js";
import { notFound, requireWebhookAdmin } from "./webhook-shared.js";

/**
 * Sends every failed delivery of an endpoint again, now, each with a fresh retry schedule.
 * With `waiting`, deliveries waiting for their next retry go now as well (the receiver is
 * back: no need to wait out the backoff).
 */
export async function redeliverWebhookDeliveries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; waiting?: unknown };
}): Promise<{ count: number }> {
  const by = requireWebhookAdmin(ctx);
  if (input.waiting !== undefined && typeof input.waiting !== "boolean") {
    throw errors.validation({ waiting: { code: "invalid", message: "Must be true or false." } });
  }
  return withTransaction(ctx, async (tx) => {
    const [webhook] = await tx.db
      .select({ enabled: schema.webhooks.enabled })
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, input.id));
    if (!webhook) notFound();
    if (!webhook.enabled) throw errors.conflict("The endpoint is disabled; enable it first.");
    const now = tx.now().toISOString();
    const statuses = input.waiting ? sql`('failed', 'pending')` : sql`('failed')`;
    const rows = await queryRows(
      tx.db,
      sql`UPDATE cairn.webhook_deliveries
          SET "status" = 'pending', "next_attempt_at" = ${now}::timestamptz,
              "schedule_base" = "attempts", "completed_at" = NULL
          WHERE "webhook_id" = ${input.id} AND "status" IN ${statuses}
            AND ("lock_token" IS NULL OR "locked_until" <= ${now}::timestamptz)
          RETURNING "id"`,
    );
    if (rows.length > 0) announceEventsAfterCommit(tx);
    tx.log.info({ webhookId: input.id, by, count: rows.length }, "webhook deliveries redelivered");
    return { count: rows.length };
  });
}
