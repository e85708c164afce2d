// The actors of recently used sessions, per process, so a request does not read its session and
// user again for a few seconds. Postgres triggers (migration 0012) NOTIFY every replica when a
// cached actor stops being true; a missed NOTIFY is bounded by `maxAgeMs`.
import type { Database } from "@cairn/db";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Actor, Ctx } from "../context.js";

/** The channel the session and user triggers NOTIFY on. */
export const sessionsChannel = "cairn_sessions";

export interface CachedSession {
  actor: Actor;
  /** The schema the actor was read under: a schema change makes every entry old. */
  lookup: CollectionLookup;
  readAt: number;
  /**
   * When the database must be asked again whatever the age: the session's expiry, or when it is
   * due for renewal or for its last-used time to be written (the database path does both).
   */
  until: number;
}

/** A session being read from the database: stored only if nothing changed it meanwhile. */
interface Read {
  id: string;
  stale: boolean;
}

export interface SessionCache {
  /** The actor of a session id, if its entry is younger than maxAgeMs, read under `lookup`, and before its `until`. */
  get(id: string, lookup: CollectionLookup, now: number): Actor | undefined;
  /** Marks the start of a database read of a session (see store). */
  begin(id: string): Read;
  /** Keeps what a read found, unless a notice about it came while it ran. */
  store(read: Read, entry: CachedSession | undefined): void;
  /** A session was deleted or shortened. */
  forgetSession(id: string): void;
  /** A user or superuser changed: every session of theirs. */
  forgetSubject(id: string): void;
  /** Settles once listening (or once listening has failed: then nothing is ever kept). */
  readonly ready: Promise<void>;
}

export interface SessionCacheOptions {
  database: Pick<Database, "listen">;
  /** The bound on staleness should a NOTIFY be missed (default 5 s). */
  maxAgeMs?: number;
  /** Entries kept; the oldest go first (default 10 000). */
  maxEntries?: number;
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, CachedSession>();
  const bySubject = new Map<string, Set<string>>();
  const reads = new Set<Read>();
  // Nothing is kept until the LISTEN is in place, nor ever if it cannot be.
  let listening = false;

  const subjectOf = (entry: CachedSession) =>
    entry.actor.kind === "anonymous" ? "" : entry.actor.id;
  const remove = (id: string) => {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    const ids = bySubject.get(subjectOf(entry));
    ids?.delete(id);
    if (ids?.size === 0) bySubject.delete(subjectOf(entry));
  };
  const forgetSession = (id: string) => {
    remove(id);
    for (const read of reads) if (read.id === id) read.stale = true;
  };
  const forgetSubject = (subject: string) => {
    for (const id of bySubject.get(subject) ?? []) remove(id);
    // A read in flight does not know its subject yet.
    for (const read of reads) read.stale = true;
  };

  const ready = options.database
    .listen(sessionsChannel, (payload) => {
      const colon = payload.indexOf(":");
      const id = payload.slice(colon + 1);
      if (payload.startsWith("session:")) forgetSession(id);
      else if (payload.startsWith("subject:")) forgetSubject(id);
    })
    .then(
      () => {
        listening = true;
      },
      () => {},
    );

  return {
    get(id, lookup, now) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      if (entry.lookup !== lookup || now - entry.readAt >= maxAgeMs || now >= entry.until) {
        remove(id);
        return undefined;
      }
      return entry.actor;
    },
    begin(id) {
      const read = { id, stale: !listening };
      reads.add(read);
      return read;
    },
    store(read, entry) {
      reads.delete(read);
      if (!entry || read.stale || !listening) return;
      // One actor object serves many requests: it must not be changed by any of them.
      if (entry.actor.kind === "user") Object.freeze(entry.actor.record);
      Object.freeze(entry.actor);
      remove(read.id);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) remove(oldest);
      }
      entries.set(read.id, entry);
      const subject = subjectOf(entry);
      let ids = bySubject.get(subject);
      if (!ids) {
        ids = new Set();
        bySubject.set(subject, ids);
      }
      ids.add(read.id);
    },
    forgetSession,
    forgetSubject,
    ready,
  };
}

const caches = new WeakMap<Pick<Database, "listen">, SessionCache>();

/** The process's cache for a database, listening from its first use. */
export function sessionCacheOf(database: Pick<Database, "listen">): SessionCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = createSessionCache({ database });
    caches.set(database, cache);
  }
  return cache;
}

/**
 * After the caller's transaction commits, this process forgets a user's (or superuser's) cached
 * sessions at once; other replicas hear the table's trigger.
 */
export function forgetSubjectAfterCommit(
  ctx: Pick<Ctx, "database" | "afterCommit">,
  subjectId: string,
): void {
  const cache = sessionCacheOf(ctx.database);
  ctx.afterCommit(() => cache.forgetSubject(subjectId));
}
