// Durable outbox readers: a named cursor in cairn.event_consumers. A consumer reads after its
// cursor and moves it forward in the same transaction as the work the events caused, so a crash
// replays (never skips) what was not done.
import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import type { EventCursor } from "./read-events.js";

/** Where `name` has got to; a new consumer starts at `start` (and is remembered there). */
export async function consumerCursor(
  ctx: Ctx,
  name: string,
  start: EventCursor,
): Promise<EventCursor> {
  await ctx.db
    .insert(schema.eventConsumers)
    .values({ name, txid: start.txid, position: start.position })
    .onConflictDoNothing();
  const [row] = await ctx.db
    .select()
    .from(schema.eventConsumers)
    .where(eq(schema.eventConsumers.name, name));
  return { txid: row!.txid, position: row!.position };
}

/** Moves the cursor (never backwards), inside the caller's transaction. */
export async function advanceConsumer(ctx: Ctx, name: string, to: EventCursor): Promise<void> {
  await ctx.db
    .update(schema.eventConsumers)
    .set({ txid: to.txid, position: to.position, updated: ctx.now() })
    .where(
      sql`${schema.eventConsumers.name} = ${name} AND (${schema.eventConsumers.txid}, ${schema.eventConsumers.position}) < (${to.txid}::bigint, ${to.position}::bigint)`,
    );
}
