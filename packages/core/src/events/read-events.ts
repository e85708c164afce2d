// Reads the outbox in a safe order. Positions come from a sequence, so a transaction that took
// position 10 may commit after the one that took 11; a reader that went past 11 would never see
// 10. Readers therefore go in (txid, position) order and stop before the oldest transaction
// still running: everything below that horizon is final, so the cursor never skips an event.
import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { toIsoTimestamp } from "../records/record-codec.js";
import type { CairnEvent } from "./event-types.js";

export interface EventCursor {
  txid: number;
  position: number;
}

export const startCursor: EventCursor = { txid: 0, position: 0 };

export function formatCursor(cursor: EventCursor): string {
  return `${cursor.txid}.${cursor.position}`;
}

/** Undefined when `text` is not a cursor this server wrote. */
export function parseCursor(text: string | undefined | null): EventCursor | undefined {
  const match = /^(\d{1,18})\.(\d{1,18})$/.exec(text?.trim() ?? "");
  if (!match) return undefined;
  return { txid: Number(match[1]), position: Number(match[2]) };
}

interface EventRow extends Record<string, unknown> {
  position: string | number;
  txid: string | number;
  type: string;
  collection_id: string | null;
  collection_name: string | null;
  record_id: string | null;
  data: unknown;
  created: string | Date;
}

const horizon = sql`(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`;

/** Events after `after`, oldest first, up to `limit`. */
export async function readEvents(
  ctx: Ctx,
  input: { after: EventCursor; limit: number },
): Promise<CairnEvent[]> {
  const rows = await queryRows<EventRow>(
    ctx.db,
    sql`SELECT "position", "txid", "type", "collection_id", "collection_name", "record_id", "data", "created"
        FROM cairn.events
        WHERE ("txid", "position") > (${input.after.txid}::bigint, ${input.after.position}::bigint)
          AND "txid" < ${horizon}
        ORDER BY "txid", "position"
        LIMIT ${input.limit}`,
  );
  return rows.map((row) => {
    const cursor = { txid: Number(row.txid), position: Number(row.position) };
    return {
      position: cursor.position,
      cursor: formatCursor(cursor),
      type: row.type as CairnEvent["type"],
      collectionId: row.collection_id,
      collectionName: row.collection_name,
      recordId: row.record_id,
      data: (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as CairnEvent["data"],
      created: toIsoTimestamp(row.created) as string,
    };
  });
}

/** The cursor of "now": a new reader starting here sees only events committed from now on. */
export async function currentCursor(ctx: Ctx): Promise<EventCursor> {
  // Everything below the horizon is final; the newest of it is where "now" is. Events of
  // transactions still running sort after it, so the reader sees them once they commit.
  const [last] = await queryRows<{ txid: string | number; position: string | number }>(
    ctx.db,
    sql`SELECT "txid", "position" FROM cairn.events WHERE "txid" < ${horizon}
        ORDER BY "txid" DESC, "position" DESC LIMIT 1`,
  );
  return last ? { txid: Number(last.txid), position: Number(last.position) } : startCursor;
}
