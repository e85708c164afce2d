// One LISTEN per process, shared by everything that reads the outbox (realtime, webhooks): a
// commit anywhere (any replica, on Postgres) wakes them. A slow poll covers the gaps a dropped
// connection can leave; readers read the table, so a wake-up never carries data. Under a stream
// of commits the wake-ups are spaced out: readers then read many events per wake-up instead of
// one, and do not keep the database busy reading one event at a time.
import type { Database } from "@cairn/db";
import { eventsChannel } from "./emit-event.js";

export interface EventWake {
  /** Calls `listener` after events may have committed; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
  /** Wakes this process's listeners now (tests, and commits made in this process). */
  wake(): void;
  close(): Promise<void>;
}

export interface EventWakeOptions {
  /** The slow poll (default 5 s). */
  pollMs?: number;
  /**
   * The least time between two wake-ups from NOTIFY (default 25 ms): the first of a stream wakes
   * at once, the ones that follow within this time make one wake-up when it has passed.
   */
  spacingMs?: number;
}

export async function createEventWake(
  database: Pick<Database, "listen">,
  options: EventWakeOptions = {},
): Promise<EventWake> {
  const spacingMs = options.spacingMs ?? 25;
  const listeners = new Set<() => void>();
  let lastWake = Number.NEGATIVE_INFINITY;
  let pending: NodeJS.Timeout | undefined;
  const wake = () => {
    clearTimeout(pending);
    pending = undefined;
    lastWake = performance.now();
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still hear the wake-up.
      }
    }
  };
  const notified = () => {
    if (pending) return;
    const wait = lastWake + spacingMs - performance.now();
    if (wait <= 0) wake();
    else pending = setTimeout(wake, wait);
  };
  const unlisten = await database.listen(eventsChannel, notified);
  const poll = setInterval(wake, options.pollMs ?? 5_000);
  poll.unref();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    wake,
    async close() {
      clearInterval(poll);
      clearTimeout(pending);
      listeners.clear();
      await unlisten().catch(() => {});
    },
  };
}
