import { jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Runtime settings an admin changes without a restart, one JSON value per key. */
export const settings = cairn.table("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
