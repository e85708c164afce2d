import { index, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** TOTP authenticators of app users, one per user; confirmed once a first code matched. */
export const mfaFactors = cairn.table(
  "mfa_factors",
  {
    id: text("id").primaryKey(),
    collectionId: text("collection_id").notNull(),
    subjectId: text("subject_id").notNull(),
    /** Base32 TOTP key: needed in clear to check codes, never returned after enrolment. */
    secret: text("secret").notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true, mode: "date" }),
    /** The last time step accepted: a code works once. */
    lastStep: text("last_step"),
  },
  (table) => [uniqueIndex("mfa_factors_subject_idx").on(table.collectionId, table.subjectId)],
);

/** One-use recovery codes, hashed. */
export const mfaRecoveryCodes = cairn.table(
  "mfa_recovery_codes",
  {
    id: text("id").primaryKey(),
    collectionId: text("collection_id").notNull(),
    subjectId: text("subject_id").notNull(),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("mfa_recovery_subject_idx").on(table.collectionId, table.subjectId)],
);
