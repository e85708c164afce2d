import { integer, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Failed sign-ins per account (collection + email, or superuser email), for progressive
 * lockout. Kept for unknown emails too, so a lockout says nothing about whether one exists.
 */
export const authLockouts = cairn.table("auth_lockouts", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailure: timestamp("last_failure", { withTimezone: true, mode: "date" }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true, mode: "date" }),
});
