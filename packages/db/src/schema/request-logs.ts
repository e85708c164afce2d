import { bigserial, doublePrecision, index, integer, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/**
 * One row per HTTP request, written in batches off the request's path (core/logs). The path
 * never carries its query string and no header but a truncated User-Agent is kept: tokens
 * travel there. Pruned to the `logs.retentionDays` setting.
 */
export const requestLogs = cairn.table(
  "request_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    durationMs: doublePrecision("duration_ms").notNull(),
    requestId: text("request_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** actorRef(): "anonymous", "superuser:<id>", "user:<collectionId>:<id>", "apiKey:<id>". */
    actor: text("actor").notNull().default("anonymous"),
    /** Content-Length of the answer, when it had one. */
    responseBytes: integer("response_bytes"),
    /** The error envelope's code, for answers that carried one. */
    errorCode: text("error_code"),
  },
  (table) => [
    index("request_logs_at_idx").on(table.at),
    index("request_logs_status_idx").on(table.status, table.id),
    index("request_logs_request_id_idx").on(table.requestId),
    index("request_logs_actor_idx").on(table.actor, table.id),
  ],
);
