// Writes an event into the outbox inside the caller's transaction, so it exists exactly when the
// change does; the NOTIFY inside the same transaction wakes every replica when it commits.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import type { ApiRecord } from "../records/record-codec.js";
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
  await withTransaction(ctx, async (tx) => {
    await tx.db.insert(schema.events).values({
      type: event.type,
      collectionId: event.collection?.id ?? null,
      collectionName: event.collection?.name ?? null,
      recordId: event.recordId ?? null,
      data: event.data,
    });
    await tx.db.execute(sql`SELECT pg_notify(${eventsChannel}, '')`);
  });
}

/** A record as events carry it: every field but the password hash. */
export function eventRecord(record: ApiRecord): ApiRecord {
  if (!("password" in record)) return record;
  const { password: _hash, ...rest } = record;
  return rest as ApiRecord;
}
