import { index, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Sign-in sessions (the Lucia recipe): the client holds a random token, the id here is its
 * SHA-256, so a leaked table does not leak sessions.
 */
export const sessions = cairn.table(
  "sessions",
  {
    id: text("id").primaryKey(),
    /** "superuser", or the id of the auth collection the user belongs to. */
    subjectKind: text("subject_kind").notNull(),
    collectionId: text("collection_id"),
    subjectId: text("subject_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastUsed: timestamp("last_used", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    /** Set when a superuser opened this session as the user (impersonation). */
    impersonator: text("impersonator"),
  },
  (table) => [index("sessions_subject_idx").on(table.subjectKind, table.subjectId)],
);
