import { text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Console administrators: separate from every app's users, and above every rule. */
export const superusers = cairn.table("superusers", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  /** argon2id; null until a password is set through the setup link. */
  passwordHash: text("password_hash"),
  created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updated: timestamp("updated", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
