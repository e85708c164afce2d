import { boolean, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Webhook endpoints, configured at runtime by admins. The signing secret must be usable to sign,
 * so it is stored as it is (never hashed) and only ever answered at creation, rotation and by
 * the explicit reveal endpoint. After a rotation the previous secret still signs until
 * `previous_secret_expires`.
 */
export const webhooks = cairn.table("webhooks", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  /** Event name patterns: "posts.created", "posts.*", "auth.*", "*". */
  events: jsonb("events").notNull(),
  /** A filter in the rule language, run against the event's record; null: every event. */
  filter: text("filter"),
  /** Extra request headers, name → value. */
  headers: jsonb("headers").notNull().default({}),
  enabled: boolean("enabled").notNull().default(true),
  /** Why the endpoint was disabled (by an admin, a 410, or failing for days); null if enabled. */
  disabledReason: text("disabled_reason"),
  disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
  /** `whsec_<base64>`. */
  secret: text("secret").notNull(),
  previousSecret: text("previous_secret"),
  previousSecretExpires: timestamp("previous_secret_expires", { withTimezone: true, mode: "date" }),
  /** The first failed attempt since the last success; null while healthy. */
  failingSince: timestamp("failing_since", { withTimezone: true, mode: "date" }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true, mode: "date" }),
  createdBy: text("created_by").notNull(),
  created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updated: timestamp("updated", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
