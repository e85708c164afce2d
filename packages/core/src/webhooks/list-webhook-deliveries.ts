import { schema } from "@cairn/db";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import {
  type DeliveryInfo,
  type DeliveryStatus,
  deliveryInfo,
  deliveryStatuses,
  requireWebhookAdmin,
} from "./webhook-shared.js";

export const maxDeliveriesPerPage = 500;

/** Deliveries newest first, by endpoint and status; `before` (a delivery id) pages back. */
export async function listWebhookDeliveries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    webhookId?: string | undefined;
    status?: string | undefined;
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
  if (input.before) {
    conditions.push(
      sql`(${d.created}, ${d.id}) < (SELECT "created", "id" FROM cairn.webhook_deliveries WHERE "id" = ${input.before})`,
    );
  }
  const rows = await ctx.db
    .select()
    .from(d)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(d.created), desc(d.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(deliveryInfo);
  return { items, next: rows.length > limit ? items.at(-1)!.id : null };
}
