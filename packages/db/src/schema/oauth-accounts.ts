import { text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** Which provider identity signs in as which user. */
export const oauthAccounts = cairn.table(
  "oauth_accounts",
  {
    collectionId: text("collection_id").notNull(),
    subjectId: text("subject_id").notNull(),
    provider: text("provider").notNull(),
    providerUserId: text("provider_user_id").notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("oauth_accounts_identity_idx").on(
      table.collectionId,
      table.provider,
      table.providerUserId,
    ),
  ],
);
