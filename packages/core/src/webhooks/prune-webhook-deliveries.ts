// Delivery log retention: finished deliveries (and their attempts) older than the
// `webhooks.deliveryRetentionDays` setting go. Pending ones stay, whatever their age.
import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { getSetting } from "../settings/settings-store.js";

export async function pruneWebhookDeliveries({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ deliveries: number }> {
  const { deliveryRetentionDays } = await getSetting(ctx, "webhooks");
  const before = new Date(ctx.now().getTime() - deliveryRetentionDays * 86_400_000).toISOString();
  const deleted = await queryRows(
    ctx.db,
    sql`DELETE FROM cairn.webhook_deliveries
        WHERE "status" <> 'pending' AND "completed_at" < ${before}::timestamptz
        RETURNING "id"`,
  );
  return { deliveries: deleted.length };
}
