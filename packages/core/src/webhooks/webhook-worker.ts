// The delivery worker of one process: fans outbox events out into deliveries, claims due
// deliveries in batches, sends them concurrently over keep-alive connections, and records each
// outcome. Woken by the EventWake when events commit (any replica) and by a timer for retries.
// Safe to run on every replica: claims are SKIP LOCKED with a lease. Never logs a secret.
import { setMaxListeners } from "node:events";
import type { Database } from "@cairn/db";
import { sql } from "drizzle-orm";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx, type Log } from "../context.js";
import type { EventWake } from "../events/event-wake.js";
import { getSetting } from "../settings/settings-store.js";
import type { Resolve } from "./webhook-address.js";
import {
  type AttemptResult,
  type ClaimedDelivery,
  claimDeliveries,
  nextDue,
  type RecordedAttempt,
  recordAttempts,
} from "./webhook-dispatch.js";
import { fanOutEvents, startWebhookConsumer } from "./webhook-fan-out.js";
import { createWebhookSender, type SendOutcome, type WebhookSender } from "./webhook-http.js";
import { signatureHeaders } from "./webhook-signing.js";

export interface WebhookWorkerOptions {
  database: Database;
  /** Wake-ups when events commit (the server's AppDeps.events); without it, the timer alone. */
  events?: EventWake | undefined;
  log?: Log | undefined;
  /** The clock (tests move it instead of sleeping). */
  now?: () => Date;
  /** For the retry jitter. */
  random?: () => number;
  /** Deliveries in flight at once (default 256). */
  concurrency?: number;
  /** Deliveries claimed per query (default 100). */
  batchSize?: number;
  /** Events fanned out per transaction (default 500). */
  fanOutBatch?: number;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** How long a claim holds a delivery (default: the timeout + 5 s). */
  leaseMs?: number;
  /** Longest sleep between checks for due retries (default 30 s). */
  maxIdleMs?: number;
  /**
   * Only this process uses the database (PGlite): leases left by a crash are released at start
   * instead of waiting for them to run out.
   */
  soleWorker?: boolean;
  /** Host name resolution for the SSRF guard (tests point names at loopback). */
  resolve?: Resolve;
  /** Replaces the HTTP sender (tests). */
  sender?: WebhookSender;
  /** Called for every attempt recorded (the server's metrics); must not throw. */
  onAttempt?: ((attempt: WebhookAttemptStat) => void) | undefined;
}

/** One recorded delivery attempt, for the metrics. */
export type WebhookAttemptStat = RecordedAttempt;

export interface WebhookWorker {
  /** Creates the outbox consumer if needed, listens for wake-ups and starts working. */
  start(): Promise<void>;
  /** Works until nothing is due now: every event fanned out, every due delivery tried. */
  drain(): Promise<void>;
  /**
   * Stops claiming; waits up to `graceMs` (default 5 s) for deliveries in flight, then cuts
   * them off (their claims are released, not counted as attempts).
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

interface Pump {
  trigger(): void;
  idle(): Promise<void>;
  readonly busy: boolean;
}

/** Runs `work` when triggered; a trigger while it runs makes it run once more after. */
function pump(work: () => Promise<void>, onError: (error: unknown) => void): Pump {
  let running: Promise<void> | undefined;
  let again = false;
  return {
    trigger() {
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        try {
          do {
            again = false;
            try {
              await work();
            } catch (error) {
              onError(error);
            }
          } while (again);
        } finally {
          running = undefined;
        }
      })();
    },
    idle: () => running ?? Promise.resolve(),
    get busy() {
      return running !== undefined;
    },
  };
}

/** The innermost message: drizzle wraps driver errors in one that lists the query parameters. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { database } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? { info() {}, warn() {}, error() {} };
  const concurrency = options.concurrency ?? 256;
  const batchSize = Math.min(options.batchSize ?? 100, concurrency);
  const fanOutBatch = options.fanOutBatch ?? 500;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const leaseMs = options.leaseMs ?? timeoutMs + 5_000;
  const maxIdleMs = options.maxIdleMs ?? 30_000;
  const sender =
    options.sender ??
    createWebhookSender({ timeoutMs, resolve: options.resolve, maxSockets: concurrency });
  const ctx = createCtx({ database, collections: new CollectionRegistry(database), now, log });
  const abort = new AbortController();
  // Every delivery in flight listens on it.
  setMaxListeners(0, abort.signal);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const inFlight = new Set<Promise<void>>();
  let results: AttemptResult[] = [];
  /** Progress counters: drain() stops once a round changes neither. */
  let claimedTotal = 0;
  let fannedTotal = 0;

  const fanOut = pump(
    async () => {
      for (;;) {
        const result = await fanOutEvents(ctx, { limit: fanOutBatch });
        fannedTotal += result.events;
        if (result.deliveries > 0) claim.trigger();
        if (result.busy || result.events < fanOutBatch || stopped) return;
      }
    },
    (error) => {
      log.error({ error: rootMessage(error) }, "webhook fan-out failed");
      retryLater(1_000);
    },
  );

  const claim = pump(
    async () => {
      while (!stopped) {
        const room = concurrency - inFlight.size;
        // Wait for a useful amount of room; each finished delivery triggers another look.
        if (room <= 0 || (inFlight.size > 0 && room < Math.ceil(batchSize / 4))) return;
        const limit = Math.min(room, batchSize);
        const claimed = await claimDeliveries(ctx, { limit, leaseMs });
        claimedTotal += claimed.length;
        if (claimed.length > 0) {
          const { allowPrivateAddresses } = await getSetting(ctx, "webhooks");
          for (const delivery of claimed) launch(delivery, allowPrivateAddresses);
        }
        if (claimed.length < limit) {
          await scheduleTimer();
          return;
        }
      }
    },
    (error) => {
      log.error({ error: rootMessage(error) }, "webhook claim failed");
      retryLater(1_000);
    },
  );

  const flush = pump(
    async () => {
      // Let completions of the same moment join one transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (results.length > 0) {
        const batch = results;
        results = [];
        const recorded = await recordAttempts(ctx, batch, { random: options.random }).catch(
          (error: unknown) => {
            // The leases run out and the deliveries are tried again: at least once, never lost.
            log.error(
              { error: rootMessage(error), count: batch.length },
              "recording webhook attempts failed",
            );
            return [];
          },
        );
        if (options.onAttempt) for (const attempt of recorded) options.onAttempt(attempt);
      }
      claim.trigger();
    },
    () => {},
  );

  function launch(delivery: ClaimedDelivery, allowPrivate: boolean): void {
    const at = now();
    const headers = {
      ...delivery.headers,
      ...signatureHeaders({
        id: delivery.id,
        timestamp: Math.floor(at.getTime() / 1000),
        body: delivery.payload,
        secrets: delivery.secrets,
      }),
    };
    const sending: Promise<void> = sender
      .send({
        url: delivery.url,
        headers,
        body: delivery.payload,
        allowPrivate,
        signal: abort.signal,
      })
      .catch(
        (error: unknown): SendOutcome => ({
          status: null,
          retryAfter: null,
          latencyMs: 0,
          response: null,
          error: rootMessage(error),
          aborted: false,
        }),
      )
      .then((outcome) => {
        inFlight.delete(sending);
        results.push({ delivery, outcome, at });
        flush.trigger();
      });
    inFlight.add(sending);
  }

  function retryLater(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(wake, ms);
    timer.unref();
  }

  async function scheduleTimer(): Promise<void> {
    const due = await nextDue(ctx);
    const wait = due === null ? maxIdleMs : due.getTime() - now().getTime();
    retryLater(Math.min(Math.max(wait, 100), maxIdleMs));
  }

  function wake(): void {
    if (stopped) return;
    fanOut.trigger();
    claim.trigger();
  }

  async function settled(): Promise<void> {
    while (fanOut.busy || claim.busy || flush.busy || inFlight.size > 0) {
      await Promise.all([fanOut.idle(), claim.idle(), flush.idle(), ...inFlight]);
    }
  }

  return {
    async start() {
      await startWebhookConsumer(ctx);
      if (options.soleWorker) {
        // Safe only because no other process can hold a lease on this database.
        await database.db.execute(
          sql`UPDATE cairn.webhook_deliveries
            SET "locked_until" = NULL, "lock_token" = NULL WHERE "lock_token" IS NOT NULL`,
        );
      }
      unsubscribe = options.events?.subscribe(wake);
      wake();
    },
    async drain() {
      await startWebhookConsumer(ctx);
      for (;;) {
        const before = claimedTotal + fannedTotal;
        fanOut.trigger();
        await settled();
        claim.trigger();
        await settled();
        if (claimedTotal + fannedTotal === before || stopped) return;
      }
    },
    async stop({ graceMs = 5_000 } = {}) {
      stopped = true;
      clearTimeout(timer);
      unsubscribe?.();
      const grace = setTimeout(() => abort.abort(), graceMs);
      try {
        await settled();
      } finally {
        clearTimeout(grace);
        sender.close();
      }
    },
  };
}
