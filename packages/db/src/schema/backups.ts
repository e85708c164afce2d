import { bigint, boolean, index, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * Backup archives this instance wrote to its file storage under `backups/` (core/backups):
 * one row per run, scheduled or asked for, with its outcome. The archive itself is in storage.
 */
export const backups = cairn.table(
  "backups",
  {
    id: text("id").primaryKey(),
    /** "scheduled" or "manual". */
    trigger: text("trigger").notNull(),
    /** "running", "completed" or "failed". */
    status: text("status").notNull(),
    /** Which backend holds the archive ("local" or "s3") and under which key. */
    storage: text("storage").notNull(),
    key: text("key").notNull(),
    includeFiles: boolean("include_files").notNull().default(true),
    /** Bytes of the archive, once written. */
    size: bigint("size", { mode: "number" }),
    /** Files whose bytes were gone when the backup read them (see docs/backups.md). */
    missingFiles: bigint("missing_files", { mode: "number" }).notNull().default(0),
    error: text("error"),
    startedBy: text("started_by").notNull(),
    started: timestamp("started", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finished: timestamp("finished", { withTimezone: true, mode: "date" }),
  },
  (table) => [index("backups_started_idx").on(table.started)],
);
