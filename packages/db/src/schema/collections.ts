import { jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * One row per collection defined at runtime. The definition (fields, indexes, rules) is one
 * JSON document; the collection's data lives in a real table of its own in the public schema.
 */
export const collections = cairn.table("collections", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  type: text("type").notNull(),
  definition: jsonb("definition").notNull(),
  created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updated: timestamp("updated", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
