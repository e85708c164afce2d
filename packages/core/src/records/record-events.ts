// The outbox side of a record write: one record event, plus the user event when the record is
// an auth collection's user, in the write's own transaction.
import type { Collection } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { forgetSubjectAfterCommit } from "../auth/session-cache.js";
import type { Ctx } from "../context.js";
import { emitEvent, eventInsertSql, eventRecord } from "../events/emit-event.js";
import type { ApiRecord } from "./record-codec.js";
import { recordJsonSql } from "./record-sql.js";

export async function emitRecordEvent(
  tx: Ctx,
  collection: Collection,
  action: "created" | "updated" | "deleted",
  record: ApiRecord,
  before?: ApiRecord,
): Promise<void> {
  const data = {
    record: eventRecord(record),
    ...(before ? { before: eventRecord(before) } : {}),
  };
  await emitEvent(tx, {
    type: `record.${action}`,
    collection,
    recordId: record.id,
    data,
  });
  if (collection.type === "auth" && action !== "created") {
    forgetSubjectAfterCommit(tx, record.id);
  }
  if (collection.type === "auth" && action !== "updated") {
    await emitEvent(tx, {
      type: action === "created" ? "auth.user.created" : "auth.user.deleted",
      collection,
      recordId: record.id,
      data: {
        userId: record.id,
        collectionId: collection.id,
        collectionName: collection.name,
        record: data.record,
      },
    });
  }
}

/**
 * emitRecordEvent's record event for a write that is one statement (a `WITH` part; base
 * collections, which have no user events): built by Postgres from the row written, `rec`, and
 * for an update the row before, `cur`.
 */
export function recordEventSql(collection: Collection, action: "created" | "updated"): SQL {
  // The same for every write to this collection object (a new schema brings new objects).
  let ofCollection = eventSqls.get(collection);
  if (!ofCollection) {
    ofCollection = new Map();
    eventSqls.set(collection, ofCollection);
  }
  let event = ofCollection.get(action);
  if (!event) {
    const record = recordJsonSql(collection, "rec");
    event = eventInsertSql({
      type: `record.${action}`,
      collection,
      recordId: sql`"rec"."id"`,
      data:
        action === "created"
          ? sql`jsonb_build_object('record', ${record})`
          : sql`jsonb_build_object('record', ${record}, 'before', ${recordJsonSql(collection, "cur")})`,
      from: action === "created" ? sql`"rec"` : sql`"rec", "cur"`,
    });
    ofCollection.set(action, event);
  }
  return event;
}

const eventSqls = new WeakMap<Collection, Map<"created" | "updated", SQL>>();
