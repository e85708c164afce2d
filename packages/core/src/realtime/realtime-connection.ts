// One SSE client: its subscriptions, its place in the outbox, and a bounded queue between the
// broker and the socket. Events are decided in order, one at a time; the stream is pulled by
// the transport as the socket drains, so a client that stops reading only fills its own queue,
// and past the limit it is dropped (it resumes from its last cursor), never allowed to grow.
import { type Actor, actorRef, type Ctx } from "../context.js";
import { isCairnError } from "../errors.js";
import type { RecordEventData } from "../events/event-types.js";
import { type EventCursor, formatCursor } from "../events/read-events.js";
import {
  changeFrame,
  type EventScope,
  topicMatches,
  type Viewer,
  viewerOf,
} from "./realtime-access.js";
import { sseFrame, sseHeartbeat, sseRetry } from "./realtime-frames.js";
import type { Subscription } from "./realtime-subscriptions.js";

export interface RealtimeLimits {
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: number;
  /** A stream with no subscriptions this long is closed. */
  idleMs: number;
  /** Every stream is closed after this long (with a `reconnect` hint), so sessions re-check. */
  maxLifeMs: number;
  /** The stream's credentials are checked again this often (revoked sessions stop receiving). */
  reauthMs: number;
  maxSubscriptions: number;
  /** Events waiting for one client (decided or not); past either limit the client is dropped. */
  maxQueueEvents: number;
  maxQueueBytes: number;
  /** Streams per process, and per signed-in actor (users, superusers, API keys). */
  maxClients: number;
  maxClientsPerActor: number;
  /** A resume further back than this many events gets `reset` instead of a replay. */
  maxReplayEvents: number;
  /** Outbox rows per read. */
  readBatch: number;
  /** Rows the in-memory evaluator may load for one collection (`@collection`, back-relations). */
  maxCollectionRecords: number;
  /** Database queries realtime runs at once (rules that read relations, expand). */
  dbConcurrency: number;
  /** Without an EventWake, how often the outbox is read. */
  pollMs: number;
  /** The reconnect delay suggested to EventSource and the SDK. */
  retryMs: number;
}

export const defaultRealtimeLimits: RealtimeLimits = {
  heartbeatMs: 15_000,
  idleMs: 5 * 60_000,
  maxLifeMs: 60 * 60_000,
  reauthMs: 5 * 60_000,
  maxSubscriptions: 100,
  maxQueueEvents: 1_000,
  maxQueueBytes: 8 * 1024 * 1024,
  maxClients: 10_000,
  maxClientsPerActor: 50,
  maxReplayEvents: 10_000,
  readBatch: 500,
  maxCollectionRecords: 1_000,
  dbConcurrency: 8,
  pollMs: 1_000,
  retryMs: 2_000,
};

export type CloseReason =
  | "max_life"
  | "idle"
  | "shutdown"
  | "slow_consumer"
  | "unauthorized"
  /** The peer went away; nothing is sent. */
  | "gone";

export function compareCursors(a: EventCursor, b: EventCursor): number {
  return a.txid !== b.txid ? a.txid - b.txid : a.position - b.position;
}

export class RealtimeConnection {
  readonly stream: ReadableStream<Uint8Array>;
  readonly actorKey: string;
  viewer: Viewer;
  subscriptions: Subscription[] = [];
  /** waiting: no subscription set yet, the cursor holds still; replaying: catching up. */
  mode: "waiting" | "replaying" | "live" = "waiting";
  /** Every event up to here has been considered for this client. */
  cursor: EventCursor;
  readonly openedAt: number;
  idleSince: number | undefined;
  lastWriteAt: number;
  lastAuthAt: number;
  closed = false;
  /** Change events queued for this client so far (the server's metrics). */
  pushed = 0;
  #lastId: string;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #wanted = false;
  #frames: Uint8Array[] = [];
  #bytes = 0;
  #candidates: EventScope[] = [];
  #processing = false;
  #checking = false;
  #drained: (() => void)[] = [];

  constructor(
    readonly id: string,
    ctx: Ctx,
    actorKey: string,
    cursor: EventCursor,
    readonly limits: RealtimeLimits,
    readonly hooks: {
      now(): number;
      revalidate: (() => Promise<Actor>) | undefined;
      onClose(connection: RealtimeConnection, reason: CloseReason): void;
    },
  ) {
    this.viewer = viewerOf(ctx);
    this.actorKey = actorKey;
    this.cursor = cursor;
    this.#lastId = formatCursor(cursor);
    this.openedAt = hooks.now();
    this.idleSince = this.openedAt;
    this.lastWriteAt = this.openedAt;
    this.lastAuthAt = this.openedAt;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#wanted = true;
          this.#flush();
        },
        cancel: () => this.close("gone"),
      },
      { highWaterMark: 0 },
    );
    this.#write(sseRetry(limits.retryMs));
  }

  /** Events waiting for this client: not yet decided, or decided and not yet taken by the socket. */
  get pending(): number {
    return this.#candidates.length + this.#frames.length;
  }

  setSubscriptions(subscriptions: Subscription[]): void {
    this.subscriptions = subscriptions;
    this.idleSince = subscriptions.length === 0 ? this.hooks.now() : undefined;
  }

  /** Sends an event frame with no outbox event behind it (connect, reset). */
  send(event: string, data: unknown, id?: string): void {
    if (id !== undefined) this.#lastId = id;
    this.#write(sseFrame({ event, id, data }));
  }

  /**
   * Hands the client events it has not considered yet (those after its cursor), then moves the
   * cursor to `upTo`: the broker's read went that far, whether or not an event was for it.
   */
  offer(scopes: EventScope[], upTo: EventCursor): void {
    if (this.closed) return;
    for (const scope of scopes) {
      if (compareCursors(scope.cursor, this.cursor) <= 0) continue;
      if (this.#own(scope) || this.subscriptions.some((s) => topicMatches(s, scope)))
        this.#candidates.push(scope);
    }
    if (compareCursors(upTo, this.cursor) > 0) this.cursor = upTo;
    if (!this.#withinLimits()) return;
    void this.#process();
  }

  /** Resolves once the queue is at most half full (a replay waits for it between reads). */
  drained(): Promise<void> {
    if (this.closed || this.pending <= this.limits.maxQueueEvents / 2) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Heartbeats, idle and max-life limits, credential re-checks: called by the broker's timer. */
  tick(now: number): void {
    if (this.closed) return;
    if (now - this.openedAt >= this.limits.maxLifeMs) {
      this.close("max_life");
      return;
    }
    if (this.idleSince !== undefined && now - this.idleSince >= this.limits.idleMs) {
      this.close("idle");
      return;
    }
    if (now - this.lastAuthAt >= this.limits.reauthMs) void this.recheck();
    if (now - this.lastWriteAt >= this.limits.heartbeatMs && this.#frames.length === 0) {
      // With nothing undecided, every event up to the cursor is accounted for: the client may
      // resume from there, not from the last event it was shown.
      const id =
        this.mode === "live" && this.#candidates.length === 0
          ? formatCursor(this.cursor)
          : undefined;
      const moved = id !== undefined && id !== this.#lastId;
      if (moved) this.#lastId = id;
      this.#write(sseHeartbeat(moved ? id : undefined));
    }
  }

  /** Checks the stream's credentials again; a revoked session or deleted user ends the stream. */
  async recheck(): Promise<void> {
    const revalidate = this.hooks.revalidate;
    if (!revalidate || this.#checking || this.closed) return;
    this.#checking = true;
    this.lastAuthAt = this.hooks.now();
    try {
      const actor = await revalidate();
      if (this.closed) return;
      if (actorRef(actor) !== this.actorKey) {
        this.close("unauthorized");
        return;
      }
      this.viewer = viewerOf({ ...this.viewer.ctx, actor });
    } catch (error) {
      if (isCairnError(error) && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN"))
        this.close("unauthorized");
      // Anything else (the database is briefly away): keep going, check again next time.
    } finally {
      this.#checking = false;
    }
  }

  /**
   * Ends the stream. A `reconnect` frame says why and when to come back; a slow consumer's
   * queue is thrown away first (it resumes from its own last cursor, so nothing is lost).
   */
  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.#candidates = [];
    for (const resolve of this.#drained.splice(0)) resolve();
    this.hooks.onClose(this, reason);
    if (reason === "gone") return;
    if (reason === "slow_consumer") {
      this.#frames = [];
      this.#bytes = 0;
      // It is not reading: end the connection rather than wait for it to take a last frame.
      this.#controller.error(new Error("realtime client too slow"));
      return;
    }
    const retryMs = reason === "unauthorized" ? 0 : this.limits.retryMs;
    this.#frames.push(sseFrame({ event: "reconnect", data: { reason, retryMs } }));
    try {
      for (const frame of this.#frames) this.#controller.enqueue(frame);
      this.#frames = [];
      this.#controller.close();
    } catch {
      // Already cancelled by the peer.
    }
  }

  #own(scope: EventScope): boolean {
    const actor = this.viewer.ctx.actor;
    return (
      actor.kind === "user" &&
      scope.event.recordId === actor.id &&
      scope.event.collectionId === actor.collectionId
    );
  }

  async #process(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (!this.closed && this.#candidates.length > 0) {
        const scope = this.#candidates[0]!;
        if (this.#own(scope)) this.#ownChange(scope);
        if (this.closed) return;
        const frame = await changeFrame(this.viewer, this.subscriptions, scope);
        if (this.closed) return;
        this.#candidates.shift();
        if (frame) {
          this.#lastId = scope.event.cursor;
          this.#write(frame);
          this.pushed += 1;
        }
        this.#release();
      }
    } finally {
      this.#processing = false;
    }
  }

  /** The viewer's own user record changed: rules that read @request.auth see it from now on. */
  #ownChange(scope: EventScope): void {
    const type = scope.event.type;
    if (type === "record.deleted" || type === "auth.user.deleted") {
      this.close("unauthorized");
      return;
    }
    if (type === "auth.user.password_changed" || type === "auth.user.disabled") {
      void this.recheck();
      return;
    }
    const actor = this.viewer.ctx.actor;
    if (type === "record.updated" && actor.kind === "user") {
      const record = { ...actor.record, ...(scope.event.data as RecordEventData).record };
      this.viewer = viewerOf({ ...this.viewer.ctx, actor: { ...actor, record } });
    }
  }

  #write(frame: Uint8Array): void {
    if (this.closed) return;
    this.#frames.push(frame);
    this.#bytes += frame.byteLength;
    this.lastWriteAt = this.hooks.now();
    if (this.#withinLimits()) this.#flush();
  }

  #withinLimits(): boolean {
    if (this.pending > this.limits.maxQueueEvents || this.#bytes > this.limits.maxQueueBytes) {
      this.close("slow_consumer");
      return false;
    }
    return true;
  }

  /** Gives the transport everything queued, once it has asked for more. */
  #flush(): void {
    if (!this.#wanted || this.#frames.length === 0 || this.closed) return;
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    this.#wanted = false;
    this.#controller.enqueue(frames.length === 1 ? frames[0]! : concat(frames));
    this.#release();
  }

  #release(): void {
    if (this.#drained.length === 0 || this.pending > this.limits.maxQueueEvents / 2) return;
    for (const resolve of this.#drained.splice(0)) resolve();
  }
}

function concat(frames: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const frame of frames) size += frame.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const frame of frames) {
    out.set(frame, at);
    at += frame.byteLength;
  }
  return out;
}
