// Outbox retention: events older than the `events.retentionHours` setting go, but never one a
// durable consumer (the webhook fan-out) has not passed yet.

import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { getSetting } from "../settings/settings-store.js";

export async function pruneEvents({ ctx }: { ctx: Ctx }): Promise<{ events: number }> {
  const { retentionHours } = await getSetting(ctx, "events");
  const before = new Date(ctx.now().getTime() - retentionHours * 3_600_000).toISOString();
  const deleted = await queryRows(
    ctx.db,
    sql`DELETE FROM cairn.events AS e
        WHERE e."created" < ${before}::timestamptz
          AND NOT EXISTS (
            SELECT 1 FROM cairn.event_consumers AS c
            WHERE (c."txid", c."position") < (e."txid", e."position"))
        RETURNING e."position"`,
  );
  return { events: deleted.length };
}
