import { sql } from "drizzle-orm";
import { bigint, bigserial, index, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * The outbox: every change, written in the transaction that makes it. Readers go in
 * (txid, position) order and only up to the oldest transaction still running, so an event that
 * commits late can never fall behind a reader's cursor (see core/src/events/read-events.ts).
 */
export const events = cairn.table(
  "events",
  {
    position: bigserial("position", { mode: "number" }).primaryKey(),
    /** The writing transaction's id (pg_current_xact_id), as a number. */
    txid: bigint("txid", { mode: "number" })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    /** e.g. "record.created", "auth.user.signed_in". */
    type: text("type").notNull(),
    collectionId: text("collection_id"),
    /** The collection's name when the event happened (webhook event names use it). */
    collectionName: text("collection_name"),
    recordId: text("record_id"),
    /** The record after (and before, for updates and deletes), in API form, hidden fields included. */
    data: jsonb("data").notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    index("events_cursor_idx").on(table.txid, table.position),
    index("events_created_idx").on(table.created),
  ],
);
