// Request log retention: entries older than the `logs.retentionDays` setting go, in bounded
// batches so one housekeeping run never holds a long lock or a huge transaction.
import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { getSetting } from "../settings/settings-store.js";

export async function pruneRequestLogs({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { batchSize?: number; maxBatches?: number };
}): Promise<{ entries: number }> {
  const { retentionDays } = await getSetting(ctx, "logs");
  const batchSize = input.batchSize ?? 5000;
  const maxBatches = input.maxBatches ?? 200;
  const before = new Date(ctx.now().getTime() - retentionDays * 86_400_000).toISOString();
  let entries = 0;
  for (let round = 0; round < maxBatches; round += 1) {
    const deleted = await queryRows(
      ctx.db,
      sql`DELETE FROM cairn.request_logs
          WHERE "id" IN (
            SELECT "id" FROM cairn.request_logs
            WHERE "at" < ${before}::timestamptz
            LIMIT ${batchSize}::int
          )
          RETURNING "id"`,
    );
    entries += deleted.length;
    if (deleted.length < batchSize) break;
  }
  return { entries };
}
