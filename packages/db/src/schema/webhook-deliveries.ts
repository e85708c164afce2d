import { sql } from "drizzle-orm";
import { bigint, index, integer, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";
import { webhooks } from "./webhooks.js";

/**
 * One event on its way to one endpoint. Its id is the `webhook-id` header, the same on every
 * retry, so receivers dedupe on it. Workers claim due rows with FOR UPDATE SKIP LOCKED and a
 * lease (`locked_until`), so a crashed worker's claims come back when the lease runs out.
 * Status: `pending` (due at `next_attempt_at`), `succeeded`, `failed` (for good).
 */
export const webhookDeliveries = cairn.table(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    /** The outbox event it came from; null for test events. */
    eventPosition: bigint("event_position", { mode: "number" }),
    /** The event name, e.g. "posts.created". */
    eventType: text("event_type").notNull(),
    /** The exact JSON body sent, so every retry sends (and signs) the same bytes. */
    payload: text("payload").notNull(),
    status: text("status").notNull().default("pending"),
    /** Every attempt made, across redeliveries (the log numbers them so). */
    attempts: integer("attempts").notNull().default(0),
    /** `attempts` when the current retry schedule began: a redelivery starts a new one. */
    scheduleBase: integer("schedule_base").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
    lockedUntil: timestamp("locked_until", { withTimezone: true, mode: "date" }),
    /** Which claim holds the lease: only that claim may record the attempt's outcome. */
    lockToken: text("lock_token"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date" }),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    index("webhook_deliveries_due_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
    index("webhook_deliveries_webhook_idx").on(table.webhookId, table.created),
    // Fan-out runs under a row lock; this makes a second fan-out of one event impossible anyway.
    uniqueIndex("webhook_deliveries_event_idx").on(table.webhookId, table.eventPosition),
    index("webhook_deliveries_completed_idx").on(table.completedAt),
  ],
);
