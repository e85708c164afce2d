// The fan-out: the durable outbox consumer "webhooks" turns each event into one delivery per
// matching enabled endpoint, in the same transaction as moving its cursor, so a crash replays
// (never skips, never doubles) a batch. The consumer's row is locked for the batch: another
// replica finding it locked leaves the work to the one holding it.
import { queryRows, schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { readSchema } from "../collections/collection-registry.js";
import { type Ctx, withTransaction } from "../context.js";
import { announceEventsAfterCommit } from "../events/announce-events.js";
import { advanceConsumer, consumerCursor } from "../events/event-consumers.js";
import { eventName } from "../events/event-types.js";
import { currentCursor, parseCursor, readEvents } from "../events/read-events.js";
import { parseRule, type RuleAst } from "../rules/index.js";
import { matchesEvent, webhookPayload } from "./webhook-events.js";
import { passesFilter } from "./webhook-filter.js";
import { newDeliveryId } from "./webhook-shared.js";

export const consumerName = "webhooks";

/** Creates the consumer at "now" when there is none: endpoints get events from then on. */
export async function startWebhookConsumer(ctx: Ctx): Promise<void> {
  await consumerCursor(ctx, consumerName, await currentCursor(ctx));
}

export interface FanOutResult {
  /** Events read (and passed) in this batch. */
  events: number;
  deliveries: number;
  /** Another replica holds the consumer: it is doing this work. */
  busy: boolean;
}

/** One batch of at most `limit` events; call again while `events === limit`. */
export async function fanOutEvents(ctx: Ctx, options: { limit: number }): Promise<FanOutResult> {
  return withTransaction(ctx, async (tx) => {
    const [locked] = await queryRows<{ txid: string | number; position: string | number }>(
      tx.db,
      sql`SELECT "txid", "position" FROM cairn.event_consumers
          WHERE "name" = ${consumerName} FOR UPDATE SKIP LOCKED`,
    );
    if (!locked) return { events: 0, deliveries: 0, busy: true };
    const after = { txid: Number(locked.txid), position: Number(locked.position) };
    const events = await readEvents(tx, { after, limit: options.limit });
    if (events.length === 0) return { events: 0, deliveries: 0, busy: false };

    const endpoints = await tx.db
      .select({
        id: schema.webhooks.id,
        events: schema.webhooks.events,
        filter: schema.webhooks.filter,
      })
      .from(schema.webhooks)
      .where(eq(schema.webhooks.enabled, true));
    const filters = new Map<string, RuleAst | null>();
    for (const endpoint of endpoints) {
      if (!endpoint.filter) continue;
      try {
        filters.set(endpoint.id, parseRule(endpoint.filter));
      } catch {
        // Checked on save; a filter that no longer parses lets nothing through.
        filters.set(endpoint.id, null);
      }
    }
    // The schema as this transaction sees it (a cache could lag behind a change).
    const lookup = filters.size > 0 ? await readSchema(tx.db) : undefined;

    const now = tx.now();
    const rows: (typeof schema.webhookDeliveries.$inferInsert)[] = [];
    for (const event of events) {
      const name = eventName(event);
      let payload: string | undefined;
      for (const endpoint of endpoints) {
        if (!matchesEvent(endpoint.events as string[], name)) continue;
        if (endpoint.filter) {
          const ast = filters.get(endpoint.id);
          if (!ast || !lookup || !(await passesFilter(tx, ast, event, lookup))) continue;
        }
        payload ??= webhookPayload(event);
        rows.push({
          id: newDeliveryId(),
          webhookId: endpoint.id,
          eventPosition: event.position,
          eventType: name,
          payload,
          nextAttemptAt: now,
          created: now,
        });
      }
    }
    // Under the insert's parameter limit (65 535) with room to spare.
    for (let i = 0; i < rows.length; i += 1000) {
      await tx.db
        .insert(schema.webhookDeliveries)
        .values(rows.slice(i, i + 1000))
        .onConflictDoNothing();
    }
    await advanceConsumer(tx, consumerName, parseCursor(events.at(-1)!.cursor)!);
    // Other replicas' workers help deliver.
    if (rows.length > 0) announceEventsAfterCommit(tx);
    return { events: events.length, deliveries: rows.length, busy: false };
  });
}
