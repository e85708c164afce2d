import { integer, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Fixed-window counters, shared by every replica: one row per key and window. */
export const rateLimits = cairn.table("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
  count: integer("count").notNull(),
});
