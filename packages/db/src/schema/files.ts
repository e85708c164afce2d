import { bigint, index, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Every stored file and where its bytes live. A record's file field holds names; this table
 * knows each name's storage, key, size and sniffed type, and walks a file through its life:
 * `uploading` (a direct upload was granted), `ready` (bytes stored and checked, not yet on a
 * committed record), `attached` (on a record) and `deleting` (the record let go of it in a
 * committed transaction; the bytes go after commit, or at the next sweep after a crash).
 */
export const files = cairn.table(
  "files",
  {
    id: text("id").primaryKey(),
    collectionId: text("collection_id").notNull(),
    recordId: text("record_id").notNull(),
    fieldId: text("field_id").notNull(),
    /** The stored name (what the record holds): safe characters plus a random suffix. */
    name: text("name").notNull(),
    /** The name the client gave, for Content-Disposition. */
    originalName: text("original_name").notNull(),
    /** Which backend holds the bytes ("local" or "s3"); may differ from today's setting. */
    storage: text("storage").notNull(),
    key: text("key").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** Sniffed from the bytes, never taken from the client. */
    mimeType: text("mime_type").notNull(),
    etag: text("etag").notNull().default(""),
    status: text("status").notNull(),
    /** Who uploaded it: only they may attach a file that is not attached yet. */
    uploadedBy: text("uploaded_by").notNull(),
    created: timestamp("created", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** When a file that never got attached is swept. */
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("files_record_name_idx").on(table.collectionId, table.recordId, table.name),
    index("files_status_idx").on(table.status, table.expiresAt),
  ],
);
