import { schema } from "@cairn/db";
import { and, desc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import {
  type DeliveryInfo,
  type DeliveryStatus,
  deliveryInfo,
  deliveryStatuses,
  lastLatencyMs,
  requireWebhookAdmin,
} from "./webhook-shared.js";

export const maxDeliveriesPerPage = 500;

/**
 * Deliveries newest first, by endpoint, status and event type; `before` (a delivery id, the
 * `next` of the page before) pages back by (created, id), so deliveries queued meanwhile neither
 * repeat nor shift a page. Each carries its latest attempt's latency, from the same one query.
 */
export async function listWebhookDeliveries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    webhookId?: string | undefined;
    status?: string | undefined;
    eventType?: string | undefined;
    limit?: number | undefined;
    before?: string | undefined;
  };
}): Promise<{ items: DeliveryInfo[]; next: string | null }> {
  requireWebhookAdmin(ctx);
  if (input.status !== undefined && !deliveryStatuses.includes(input.status as DeliveryStatus)) {
    throw errors.validation({
      status: { code: "invalid", message: `Must be one of ${deliveryStatuses.join(", ")}.` },
    });
  }
  if (input.eventType !== undefined && (input.eventType === "" || input.eventType.length > 200)) {
    throw errors.validation({
      eventType: { code: "invalid", message: "Must be an event name of 1 to 200 characters." },
    });
  }
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxDeliveriesPerPage) {
    throw errors.validation({
      limit: {
        code: "invalid",
        message: `Must be a whole number from 1 to ${maxDeliveriesPerPage}.`,
      },
    });
  }
  const d = schema.webhookDeliveries;
  const conditions: SQL[] = [];
  if (input.webhookId) conditions.push(eq(d.webhookId, input.webhookId));
  if (input.status) conditions.push(eq(d.status, input.status));
  if (input.eventType) conditions.push(eq(d.eventType, input.eventType));
  if (input.before) {
    // A cursor whose delivery was pruned meanwhile matches nothing: the log ends there.
    conditions.push(
      sql`(${d.created}, ${d.id}) < (SELECT "created", "id" FROM cairn.webhook_deliveries WHERE "id" = ${input.before})`,
    );
  }
  const rows = await ctx.db
    .select({ ...getTableColumns(d), lastLatencyMs })
    .from(d)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(d.created), desc(d.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(deliveryInfo);
  return { items, next: rows.length > limit ? items.at(-1)!.id : null };
}
