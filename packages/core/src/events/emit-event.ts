// Writes an event into the outbox inside the caller's transaction, so it exists exactly when the
// change does; once it commits, every replica is told (announceEventsAfterCommit).
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import type { ApiRecord } from "../records/record-codec.js";
import { announceEventsAfterCommit } from "./announce-events.js";
import type { AuthEventData, EventType, RecordEventData } from "./event-types.js";

/** The channel replicas LISTEN on; the payload is empty (readers read the table). */
export const eventsChannel = "cairn_events";

export async function emitEvent(
  ctx: Ctx,
  event: {
    type: EventType;
    collection?: Pick<Collection, "id" | "name"> | undefined;
    recordId?: string | undefined;
    data: RecordEventData | AuthEventData;
  },
): Promise<void> {
  await ctx.db.execute(
    sql`INSERT INTO ${schema.events} ("type", "collection_id", "collection_name", "record_id", "data") VALUES (${event.type}, ${event.collection?.id ?? null}, ${event.collection?.name ?? null}, ${event.recordId ?? null}, ${JSON.stringify(event.data)}::jsonb)`,
  );
  announceEventsAfterCommit(ctx);
}

/**
 * The outbox insert of a write that is one statement (a `WITH` part): one event per row of
 * `from`, its record id and data read from that row. The caller announces it once the statement
 * has run (announceEventsAfterCommit), as emitEvent does.
 */
export function eventInsertSql(event: {
  type: EventType;
  collection: Pick<Collection, "id" | "name">;
  recordId: SQL;
  data: SQL;
  from: SQL;
}): SQL {
  return sql`INSERT INTO ${schema.events} ("type", "collection_id", "collection_name", "record_id", "data") SELECT ${event.type}::text, ${event.collection.id}::text, ${event.collection.name}::text, ${event.recordId}, ${event.data} FROM ${event.from}`;
}

/** A record as events carry it: every field but the password hash. */
export function eventRecord(record: ApiRecord): ApiRecord {
  if (!("password" in record)) return record;
  const { password: _hash, ...rest } = record;
  return rest as ApiRecord;
}
