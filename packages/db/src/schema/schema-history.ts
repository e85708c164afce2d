import { bigserial, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Every applied schema change: who, when, what it was before and after, and the DDL steps. */
export const schemaHistory = cairn.table("schema_history", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  collectionId: text("collection_id").notNull(),
  collectionName: text("collection_name").notNull(),
  before: jsonb("before"),
  after: jsonb("after"),
  steps: jsonb("steps").notNull(),
});
