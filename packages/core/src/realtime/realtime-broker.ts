// One per process: reads the outbox from its own in-memory cursor whenever events may have
// committed (the EventWake: a NOTIFY from any replica, or its poll) and offers each event to
// the local clients whose topics touch it. It writes nothing and keeps nothing another replica
// needs: a client may reconnect anywhere and resume from its last cursor.
import { randomBytes } from "node:crypto";
import { type Database, queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { CollectionLookup, CollectionRegistry } from "../collections/collection-registry.js";
import { type Actor, actorRef, type Ctx, createCtx, type Log } from "../context.js";
import { errors } from "../errors.js";
import type { CairnEvent } from "../events/event-types.js";
import type { EventWake } from "../events/event-wake.js";
import {
  currentCursor,
  type EventCursor,
  formatCursor,
  parseCursor,
  readEvents,
} from "../events/read-events.js";
import { type AccessDeps, EventScope } from "./realtime-access.js";
import {
  type CloseReason,
  compareCursors,
  defaultRealtimeLimits,
  RealtimeConnection,
  type RealtimeLimits,
} from "./realtime-connection.js";
import { createLimiter } from "./realtime-loader.js";
import type { Subscription } from "./realtime-subscriptions.js";

export interface RealtimeBrokerOptions {
  database: Database;
  collections: CollectionRegistry;
  /** The process's outbox wake-up; without one the broker polls every `limits.pollMs`. */
  events?: EventWake | undefined;
  log?: Log | undefined;
  limits?: Partial<RealtimeLimits> | undefined;
  /** The clock of the stream limits (tests). */
  now?: () => number;
}

/** This process's realtime counts, for the server's metrics. */
export interface RealtimeStats {
  /** Open streams. */
  connections: number;
  /** Subscriptions over all open streams. */
  subscriptions: number;
  /** Change events sent to clients since start. */
  eventsPushed: number;
  /** Clients dropped for falling behind (slow consumers) since start. */
  clientsDropped: number;
}

/** Why a resume cannot replay: the `reset` event's reason. */
export type ResetReason = "expired" | "too_far_behind";

export class RealtimeBroker {
  readonly limits: RealtimeLimits;
  readonly #clients = new Map<string, RealtimeConnection>();
  readonly #perActor = new Map<string, number>();
  readonly #ctx: Ctx;
  readonly #access: AccessDeps;
  readonly #collections: CollectionRegistry;
  readonly #events: EventWake | undefined;
  readonly #log: Log;
  readonly #now: () => number;
  /** How far this process has read; undefined while nobody listens (it is not kept up then). */
  #head: EventCursor | undefined;
  /** Bumped when the last client leaves, so a read that started before is not taken as "now". */
  #epoch = 0;
  #pump: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #unsubscribe: (() => void) | undefined;
  /** Events pushed to clients that have left, and slow clients dropped (stats()). */
  #pushedByGone = 0;
  #dropped = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #poller: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RealtimeBrokerOptions) {
    this.limits = { ...defaultRealtimeLimits, ...options.limits };
    this.#log = options.log ?? { info() {}, warn() {}, error() {} };
    this.#ctx = createCtx({
      database: options.database,
      collections: options.collections,
      log: this.#log,
    });
    this.#collections = options.collections;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#access = {
      ctx: this.#ctx,
      limit: createLimiter(this.limits.dbConcurrency),
      maxCollectionRecords: this.limits.maxCollectionRecords,
      log: this.#log,
    };
  }

  /** Open streams in this process. */
  get size(): number {
    return this.#clients.size;
  }

  /** Counts for the metrics; cheap (a walk over this process's open streams). */
  stats(): RealtimeStats {
    let subscriptions = 0;
    let pushed = this.#pushedByGone;
    for (const connection of this.#clients.values()) {
      subscriptions += connection.subscriptions.length;
      pushed += connection.pushed;
    }
    return {
      connections: this.#clients.size,
      subscriptions,
      eventsPushed: pushed,
      clientsDropped: this.#dropped,
    };
  }

  client(id: string): RealtimeConnection | undefined {
    return this.#clients.get(id);
  }

  /**
   * Opens a stream for `ctx.actor`. It starts at "now", or at `resumeFrom` when that cursor is
   * still in the outbox (else a `reset` event tells the client it missed events); either way
   * nothing is delivered until it has subscriptions, and then everything after its cursor is.
   */
  async connect(input: {
    ctx: Ctx;
    resumeFrom?: EventCursor | undefined;
    subscriptions?: Subscription[] | undefined;
    revalidate?: (() => Promise<Actor>) | undefined;
  }): Promise<RealtimeConnection> {
    const key = actorRef(input.ctx.actor);
    this.#admit(key);
    await this.#ensureHead();
    // "Now" is the outbox as of this call: read what committed before it (the wake-up may not
    // have come yet), or a stream opened right after a write would start before that write.
    if (!input.resumeFrom) await this.#kick();
    const reset = input.resumeFrom ? await this.#resumeProblem(input.resumeFrom) : undefined;
    // The last client may have left meanwhile (and "now" gone stale): no await after this loop.
    while (this.#head === undefined) await this.#ensureHead();
    this.#admit(key);
    const cursor = input.resumeFrom && !reset ? input.resumeFrom : this.#head!;
    const id = randomBytes(16).toString("base64url");
    const connection = new RealtimeConnection(id, input.ctx, key, cursor, this.limits, {
      now: this.#now,
      revalidate: input.revalidate,
      onClose: (c, reason) => this.#remove(c, reason),
    });
    this.#clients.set(id, connection);
    if (key !== "anonymous") this.#perActor.set(key, (this.#perActor.get(key) ?? 0) + 1);
    this.#start();
    const at = formatCursor(cursor);
    connection.send(
      "connect",
      {
        clientId: id,
        cursor: at,
        resumed: input.resumeFrom !== undefined && !reset,
        heartbeatMs: this.limits.heartbeatMs,
        maxLifeMs: this.limits.maxLifeMs,
        maxSubscriptions: this.limits.maxSubscriptions,
      },
      at,
    );
    if (reset) connection.send("reset", { reason: reset, cursor: at }, at);
    if (input.subscriptions) this.setSubscriptions(connection, input.subscriptions);
    return connection;
  }

  /** Replaces a client's set; its first non-empty set starts the catch-up from its cursor. */
  setSubscriptions(connection: RealtimeConnection, subscriptions: Subscription[]): void {
    if (connection.closed) return;
    connection.setSubscriptions(subscriptions);
    if (connection.mode === "waiting" && subscriptions.length > 0) void this.#replay(connection);
  }

  /** Ends every stream with a `reconnect` hint and stops reading; new streams are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const connection of [...this.#clients.values()]) connection.close("shutdown");
    this.#stop();
    // A read in flight finishes on its own; a stuck database must not hold the shutdown.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#pump?.catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 1_000);
      }),
    ]);
    clearTimeout(timer);
  }

  #admit(key: string): void {
    if (this.#closed) throw errors.unavailable("The server is shutting down; reconnect shortly.");
    if (this.#clients.size >= this.limits.maxClients) {
      throw errors.unavailable("This server has as many realtime clients as it takes; try again.");
    }
    if (key !== "anonymous" && (this.#perActor.get(key) ?? 0) >= this.limits.maxClientsPerActor) {
      throw errors.rateLimited(
        `At most ${this.limits.maxClientsPerActor} realtime streams per account at once.`,
      );
    }
  }

  #remove(connection: RealtimeConnection, reason: CloseReason): void {
    if (this.#clients.get(connection.id) !== connection) return;
    this.#clients.delete(connection.id);
    const count = (this.#perActor.get(connection.actorKey) ?? 1) - 1;
    if (count > 0) this.#perActor.set(connection.actorKey, count);
    else this.#perActor.delete(connection.actorKey);
    this.#pushedByGone += connection.pushed;
    if (reason === "slow_consumer") {
      this.#dropped += 1;
      this.#log.warn({ clientId: connection.id }, "realtime: dropped a client that fell behind");
    }
    if (this.#clients.size === 0) {
      // Nobody listens: stop reading; the next client starts from a fresh "now".
      this.#head = undefined;
      this.#epoch += 1;
      this.#stop();
    }
  }

  #start(): void {
    if (this.#closed) return;
    if (this.#events) this.#unsubscribe ??= this.#events.subscribe(() => void this.#kick());
    else this.#poller ??= unref(setInterval(() => void this.#kick(), this.limits.pollMs));
    if (!this.#ticker) {
      const l = this.limits;
      const every = Math.min(Math.max(Math.min(l.heartbeatMs, l.idleMs, l.maxLifeMs) / 4, 5), 1000);
      this.#ticker = unref(
        setInterval(() => {
          const now = this.#now();
          for (const connection of [...this.#clients.values()]) connection.tick(now);
        }, every),
      );
    }
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#poller);
    this.#poller = undefined;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #ensureHead(): Promise<void> {
    for (let attempt = 0; this.#head === undefined; attempt++) {
      if (attempt === 3) throw errors.unavailable("Realtime cannot read the event outbox now.");
      await this.#kick();
    }
  }

  /** Reads (again) soon; reads never overlap, and a wake during a read causes one more. */
  #kick(): Promise<void> {
    this.#again = true;
    this.#pump ??= (async () => {
      while (this.#again && !this.#closed) {
        this.#again = false;
        await this.#step();
      }
    })().finally(() => {
      this.#pump = undefined;
      if (this.#again && !this.#closed) void this.#kick();
    });
    return this.#pump;
  }

  async #step(): Promise<void> {
    try {
      const epoch = this.#epoch;
      if (this.#head === undefined) {
        const head = await currentCursor(this.#ctx);
        if (epoch === this.#epoch) this.#head = head;
        return;
      }
      if (this.#clients.size === 0) return;
      const from = this.#head;
      const events = await readEvents(this.#ctx, { after: from, limit: this.limits.readBatch });
      if (events.length === 0 || epoch !== this.#epoch) return;
      const lookup = await this.#lookupFor(events);
      if (epoch !== this.#epoch) return;
      const upTo = parseCursor(events[events.length - 1]!.cursor)!;
      const scopes = events.map((event) => new EventScope(event, lookup, this.#access));
      for (const connection of this.#clients.values()) {
        if (connection.mode === "live") connection.offer(scopes, upTo);
      }
      this.#head = upTo;
      if (events.length === this.limits.readBatch) this.#again = true;
    } catch (error) {
      this.#log.warn({ err: error }, "realtime: reading the event outbox failed; retrying");
      clearTimeout(this.#retry);
      this.#retry = unref(setTimeout(() => void this.#kick(), 1_000));
    }
  }

  /**
   * Catches a client up from its cursor to the broker's, then makes it live. Only events up to
   * the broker's cursor as it was before each read are taken: those are surely in that read,
   * and everything after reaches the client live, so none is missed and none comes twice.
   */
  async #replay(connection: RealtimeConnection): Promise<void> {
    connection.mode = "replaying";
    while (!connection.closed && !this.#closed) {
      if (compareCursors(connection.cursor, this.#head!) >= 0) {
        connection.mode = "live";
        return;
      }
      await connection.drained();
      if (connection.closed) return;
      const head = this.#head!;
      let events: CairnEvent[];
      let lookup: CollectionLookup;
      try {
        events = await this.#access.limit(() =>
          readEvents(this.#ctx, { after: connection.cursor, limit: this.limits.readBatch }),
        );
        lookup = await this.#lookupFor(events);
      } catch (error) {
        this.#log.warn({ err: error }, "realtime: a client's catch-up read failed; retrying");
        await new Promise((resolve) => unref(setTimeout(resolve, 1_000)));
        continue;
      }
      const mine = events.filter((e) => compareCursors(parseCursor(e.cursor)!, head) <= 0);
      const more = events.length === this.limits.readBatch && mine.length === events.length;
      const upTo = more ? parseCursor(mine[mine.length - 1]!.cursor)! : head;
      connection.offer(
        mine.map((event) => new EventScope(event, lookup, this.#access)),
        upTo,
      );
    }
  }

  /** The schema for a batch; a collection another replica just created makes it reload. */
  async #lookupFor(events: CairnEvent[]): Promise<CollectionLookup> {
    const lookup = await this.#collections.current();
    const unknown = events.some(
      (e) =>
        e.collectionId !== null && e.type.startsWith("record.") && !lookup.byId(e.collectionId),
    );
    if (!unknown) return lookup;
    this.#collections.invalidate();
    return this.#collections.current();
  }

  /** Whether a resume can replay: its event is still kept, and not too much came after it. */
  async #resumeProblem(cursor: EventCursor): Promise<ResetReason | undefined> {
    const max = this.limits.maxReplayEvents;
    const [row] = await queryRows<{ known: boolean; behind: number }>(
      this.#ctx.db,
      sql`SELECT
            EXISTS (SELECT 1 FROM cairn.events WHERE "txid" = ${cursor.txid}::bigint AND "position" = ${cursor.position}::bigint) AS known,
            (SELECT count(*)::int FROM (
              SELECT 1 FROM cairn.events
              WHERE ("txid", "position") > (${cursor.txid}::bigint, ${cursor.position}::bigint)
              LIMIT ${max + 1}) AS t) AS behind`,
    );
    const start = cursor.txid === 0 && cursor.position === 0;
    if (!row?.known && !start) return "expired";
    if (Number(row?.behind ?? 0) > max) return "too_far_behind";
    return undefined;
  }
}

function unref<T extends { unref?: () => unknown }>(timer: T): T {
  timer.unref?.();
  return timer;
}
