// One LISTEN per process, shared by everything that reads the outbox (realtime, webhooks): a
// commit anywhere (any replica, on Postgres) wakes them. A slow poll covers the gaps a dropped
// connection can leave; readers read the table, so a wake-up never carries data.
import type { Database } from "@cairn/db";
import { eventsChannel } from "./emit-event.js";

export interface EventWake {
  /** Calls `listener` after events may have committed; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
  /** Wakes this process's listeners now (tests, and commits made in this process). */
  wake(): void;
  close(): Promise<void>;
}

export async function createEventWake(
  database: Database,
  options: { pollMs?: number } = {},
): Promise<EventWake> {
  const listeners = new Set<() => void>();
  const wake = () => {
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still hear the wake-up.
      }
    }
  };
  const unlisten = await database.listen(eventsChannel, wake);
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
      listeners.clear();
      await unlisten().catch(() => {});
    },
  };
}
