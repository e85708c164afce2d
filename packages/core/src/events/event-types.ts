// What the outbox holds. Record events carry the record as stored (API form, hidden fields
// included, never the password hash); realtime hides fields per subscriber, webhooks send it.
import type { ApiRecord } from "../records/record-codec.js";

export const recordEventTypes = ["record.created", "record.updated", "record.deleted"] as const;
export const authEventTypes = [
  "auth.user.created",
  "auth.user.verified",
  "auth.user.signed_in",
  "auth.user.password_changed",
  "auth.user.deleted",
  "auth.user.disabled",
  "auth.user.enabled",
] as const;
export type EventType = (typeof recordEventTypes)[number] | (typeof authEventTypes)[number];

export interface RecordEventData {
  /** The record as it is after the change (for deletes: as it was). */
  record: ApiRecord;
  /** The record before an update. */
  before?: ApiRecord;
}

export interface AuthEventData {
  userId: string;
  collectionId: string;
  collectionName: string;
  /** The user record when the event has it at hand (created, deleted). */
  record?: ApiRecord;
  /** Non-secret details, e.g. the sign-in method. */
  detail?: Record<string, unknown>;
}

export interface CairnEvent {
  /** Unique and increasing within one writer; order readers by `cursor`. */
  position: number;
  /** Where a reader resumes after this event (`<txid>.<position>`). */
  cursor: string;
  type: EventType;
  collectionId: string | null;
  collectionName: string | null;
  recordId: string | null;
  data: RecordEventData | AuthEventData;
  created: string;
}

/** The name webhooks and docs use: `posts.created` for records, the type for auth events. */
export function eventName(event: Pick<CairnEvent, "type" | "collectionName">): string {
  if (event.type.startsWith("record.") && event.collectionName)
    return `${event.collectionName}.${event.type.slice("record.".length)}`;
  return event.type;
}
