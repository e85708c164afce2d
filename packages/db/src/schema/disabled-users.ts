import { primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * App users a superuser has disabled: they cannot sign in until enabled again. A table of its
 * own (not a column on each auth collection's table) keeps the user record's shape unchanged.
 */
export const disabledUsers = cairn.table(
  "disabled_users",
  {
    collectionId: text("collection_id").notNull(),
    userId: text("user_id").notNull(),
    reason: text("reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" })
      .notNull()
      .defaultNow(),
    /** The audit actor who disabled the user, e.g. `superuser:ann@example.com`. */
    disabledBy: text("disabled_by").notNull(),
  },
  (table) => [primaryKey({ columns: [table.collectionId, table.userId] })],
);
