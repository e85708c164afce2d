import { bigserial, index, integer, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";
import { webhookDeliveries } from "./webhook-deliveries.js";

/** Every attempt to deliver, for the delivery log: status, latency, a response excerpt, error. */
export const webhookAttempts = cairn.table(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    webhookId: text("webhook_id").notNull(),
    /** 1 for the first attempt. */
    attempt: integer("attempt").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    url: text("url").notNull(),
    /** The HTTP status; null when no response came (refused, timed out, blocked). */
    status: integer("status"),
    latencyMs: integer("latency_ms").notNull(),
    /** At most 1 KB of the response body. */
    response: text("response"),
    error: text("error"),
  },
  (table) => [index("webhook_attempts_delivery_idx").on(table.deliveryId, table.attempt)],
);
