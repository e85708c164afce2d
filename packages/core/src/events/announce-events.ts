// Tells every replica that events have committed (NOTIFY cairn_events, heard by each EventWake):
// after the commits it covers, and at most once per `spacingMs` per process. A NOTIFY inside each
// writing transaction would make Postgres take its global notify lock in every commit, one
// commit at a time; one statement now and then covers any number of commits.
import type { Database } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { eventsChannel } from "./emit-event.js";

export interface EventAnnouncer {
  /** A commit has written events: a NOTIFY goes out after it, at once or within spacingMs. */
  announce(): void;
}

export function createEventAnnouncer(
  database: Pick<Database, "db">,
  options: { spacingMs?: number } = {},
): EventAnnouncer {
  const spacingMs = options.spacingMs ?? 25;
  const notify = sql`SELECT pg_notify(${eventsChannel}, '')`;
  let due = false;
  let lastSent = Number.NEGATIVE_INFINITY;
  const send = () => {
    due = false;
    lastSent = performance.now();
    // A NOTIFY that fails is covered by every reader's poll.
    database.db.execute(notify).catch(() => {});
  };
  return {
    announce() {
      // One already due is sent after this commit, so it covers it.
      if (due) return;
      due = true;
      const wait = lastSent + spacingMs - performance.now();
      if (wait <= 0) setImmediate(send);
      else setTimeout(send, wait).unref();
    },
  };
}

const announcers = new WeakMap<Pick<Database, "db">, EventAnnouncer>();

/** After the caller's transaction commits, its events are announced to every replica. */
export function announceEventsAfterCommit(ctx: Pick<Ctx, "database" | "afterCommit">): void {
  let announcer = announcers.get(ctx.database);
  if (!announcer) {
    announcer = createEventAnnouncer(ctx.database);
    announcers.set(ctx.database, announcer);
  }
  const chosen = announcer;
  ctx.afterCommit(() => chosen.announce());
}
