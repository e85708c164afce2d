import { jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Keys for servers. The secret is shown once; only its SHA-256 is kept. */
export const apiKeys = cairn.table("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  secretHash: text("secret_hash").notNull().unique(),
  /** ["full"], ["read"], or per collection: ["posts:read", "posts:write"]. */
  scopes: jsonb("scopes").notNull(),
  createdBy: text("created_by").notNull(),
  created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  lastUsed: timestamp("last_used", { withTimezone: true, mode: "date" }),
  revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
});
