// The outbox side of a record write: one record event, plus the user event when the record is
// an auth collection's user, in the write's own transaction.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { emitEvent, eventRecord } from "../events/emit-event.js";
import type { ApiRecord } from "./record-codec.js";

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
