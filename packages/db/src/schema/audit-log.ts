import { bigserial, index, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Security events: sign-ins, failures, password and MFA changes, impersonation, API key use. */
export const auditLog = cairn.table(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    collectionId: text("collection_id"),
    subjectId: text("subject_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: jsonb("detail").notNull().default({}),
  },
  (table) => [index("audit_log_at_idx").on(table.at)],
);
