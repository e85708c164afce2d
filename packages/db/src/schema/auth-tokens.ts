import { index, integer, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Single-use, expiring tokens for auth flows (email verification, password reset, email change,
 * one-time codes, magic links, pending MFA, OAuth state, superuser setup). The id is the
 * SHA-256 of the token: the token itself exists only in the link or code sent out.
 */
export const authTokens = cairn.table(
  "auth_tokens",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    /** The auth collection, or null for superusers. */
    collectionId: text("collection_id"),
    subjectId: text("subject_id"),
    email: text("email"),
    payload: jsonb("payload").notNull().default({}),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    /** Wrong guesses so far (one-time codes are refused after a few). */
    attempts: integer("attempts").notNull().default(0),
  },
  (table) => [index("auth_tokens_subject_idx").on(table.kind, table.subjectId)],
);
