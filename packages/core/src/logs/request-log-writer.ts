// The request log's writer: the HTTP middleware hands it finished requests in memory; a timer
// writes them in batches (one INSERT each). It never sits in a request's path, never throws at a
// caller, and drops (and counts) entries when the database cannot keep up.
import type { Database } from "@cairn/db";
import { schema } from "@cairn/db";
import { sql } from "drizzle-orm";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx, type Log } from "../context.js";
import { getSetting } from "../settings/settings-store.js";
import { maxPathLength, maxUserAgentLength, type RequestLogEntry } from "./request-log-shared.js";

export interface RequestLogWriterOptions {
  database: Database;
  log?: Log | undefined;
  /** How often the buffer is written (default 1 s). */
  flushIntervalMs?: number | undefined;
  /** Entries per INSERT; a full batch is written at once (default 500). */
  batchSize?: number | undefined;
  /** Entries held while the database is slow; newer ones are dropped (default 10 000). */
  maxBuffered?: number | undefined;
}

export interface RequestLogWriter {
  /** Takes one finished request; synchronous, never throws. */
  push(entry: RequestLogEntry): void;
  /** Writes everything buffered now (tests, shutdown). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
  /** Entries dropped since start: buffer full, or their batch failed to write. */
  readonly dropped: number;
  /** Entries waiting to be written. */
  readonly buffered: number;
}

export function createRequestLogWriter(options: RequestLogWriterOptions): RequestLogWriter {
  const { database } = options;
  const batchSize = options.batchSize ?? 500;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const ctx = createCtx({ database, collections: new CollectionRegistry(database) });
  let buffer: RequestLogEntry[] = [];
  let dropped = 0;
  let reportedDropped = 0;
  let flushing: Promise<void> | undefined;
  let stopped = false;

  const writeAll = async () => {
    if (buffer.length === 0) return;
    // The setting is read once per flush, never per request.
    let enabled = true;
    try {
      enabled = (await getSetting(ctx, "logs")).enabled;
    } catch (error) {
      options.log?.warn({ err: error }, "request log: could not read the logs setting");
    }
    if (!enabled) {
      buffer = [];
      return;
    }
    while (buffer.length > 0) {
      const batch = buffer.splice(0, batchSize);
      try {
        await database.db.execute(insertBatchSql(batch));
      } catch (error) {
        dropped += batch.length;
        options.log?.warn({ err: error, entries: batch.length }, "request log: a batch was lost");
        break;
      }
    }
    if (dropped > reportedDropped) {
      options.log?.warn({ dropped: dropped - reportedDropped }, "request log: entries dropped");
      reportedDropped = dropped;
    }
  };

  const flush = (): Promise<void> => {
    // One flush at a time; a caller during one waits for it and then for a fresh one.
    const previous = flushing ?? Promise.resolve();
    const next = previous.then(writeAll).catch((error: unknown) => {
      options.log?.warn({ err: error }, "request log: flush failed");
    });
    flushing = next;
    void next.finally(() => {
      if (flushing === next) flushing = undefined;
    });
    return next;
  };

  const timer = setInterval(() => {
    if (buffer.length > 0 && !flushing) void flush();
  }, options.flushIntervalMs ?? 1000);
  timer.unref();

  return {
    push(entry) {
      if (stopped || buffer.length >= maxBuffered) {
        dropped += 1;
        return;
      }
      buffer.push(entry);
      if (buffer.length >= batchSize && !flushing) void flush();
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
      stopped = true;
    },
    get dropped() {
      return dropped;
    },
    get buffered() {
      return buffer.length;
    },
  };
}

/**
 * One INSERT for a whole batch, its rows as one JSON parameter: the statement's text is the same
 * for every batch size (one prepared statement, not one per size), and building it costs nothing
 * per row.
 */
function insertBatchSql(batch: RequestLogEntry[]) {
  const rows = batch.map((entry) => ({
    at: entry.at.toISOString(),
    method: entry.method.slice(0, 20),
    // The transport strips the query already; this is the last line of defence for tokens.
    path: noNul(entry.path.split("?")[0]!.slice(0, maxPathLength)),
    status: entry.status,
    duration_ms: entry.durationMs,
    request_id: entry.requestId?.slice(0, 200) ?? null,
    ip: entry.ip?.slice(0, 100) ?? null,
    user_agent: entry.userAgent ? noNul(entry.userAgent.slice(0, maxUserAgentLength)) : null,
    actor: entry.actor,
    response_bytes: entry.responseBytes ?? null,
    error_code: entry.errorCode ?? null,
  }));
  return sql`INSERT INTO ${schema.requestLogs} ("at", "method", "path", "status", "duration_ms", "request_id", "ip", "user_agent", "actor", "response_bytes", "error_code")
    SELECT "at", "method", "path", "status", "duration_ms", "request_id", "ip", "user_agent", "actor", "response_bytes", "error_code"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("at" timestamptz, "method" text, "path" text, "status" integer, "duration_ms" double precision, "request_id" text, "ip" text, "user_agent" text, "actor" text, "response_bytes" integer, "error_code" text)`;
}

/** Postgres text cannot hold NUL, and one such entry would lose its whole batch. */
const noNul = (text: string) => text.replaceAll("\u0000", "");
