import { bigint, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Durable readers of the outbox (the webhook fan-out is one): where each has got to. Events are
 * pruned only once every consumer is past them, whatever the retention says.
 */
export const eventConsumers = cairn.table("event_consumers", {
  name: text("name").primaryKey(),
  txid: bigint("txid", { mode: "number" }).notNull().default(0),
  position: bigint("position", { mode: "number" }).notNull().default(0),
  updated: timestamp("updated", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
