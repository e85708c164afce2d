import { schema } from "@cairn/db";
import { asc, eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import {
  type AttemptInfo,
  attemptInfo,
  type DeliveryInfo,
  deliveryInfo,
  requireWebhookAdmin,
} from "./webhook-shared.js";

/** One delivery with the body it sends and the log of every attempt. */
export async function getWebhookDelivery({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<DeliveryInfo & { payload: unknown; attemptLog: AttemptInfo[] }> {
  requireWebhookAdmin(ctx);
  const [row] = await ctx.db
    .select()
    .from(schema.webhookDeliveries)
    .where(eq(schema.webhookDeliveries.id, input.id));
  if (!row) throw errors.notFound("No such delivery.");
  const attempts = await ctx.db
    .select()
    .from(schema.webhookAttempts)
    .where(eq(schema.webhookAttempts.deliveryId, input.id))
    .orderBy(asc(schema.webhookAttempts.attempt));
  return {
    ...deliveryInfo({ ...row, lastLatencyMs: attempts.at(-1)?.latencyMs ?? null }),
    payload: JSON.parse(row.payload),
    attemptLog: attempts.map(attemptInfo),
  };
}
