// Holds the one session a client signs its requests with: loads it from storage, saves every
// change, tells subscribers, and schedules the refresh. Knows no endpoints (auth-client.ts does).
import type { AuthStorage } from "./auth-storage.js";

/** A signed-in session, as the client keeps and persists it. */
export interface AuthSession<R = Record<string, unknown>> {
  /** "user" for app users; "superuser" after an admin sign-in (`@cairn/client/admin`). */
  kind: "user" | "superuser";
  /** The bearer token; "" when the session lives in an HttpOnly cookie (console cookie mode). */
  token: string;
  /** ISO date the session ends unless refreshed. */
  expiresAt: string;
  /** ISO date the client got or last refreshed it: with expiresAt, the lifetime. */
  issuedAt: string;
  /** The auth collection of a user session. */
  collection: string;
  /** The user's own record (or the superuser). */
  record: R;
}

/** Why a session changed, passed to `onChange` listeners. */
export type AuthEvent = "restored" | "signedIn" | "refreshed" | "updated" | "signedOut" | "expired";

export type AuthListener<R> = (session: AuthSession<R> | null, event: AuthEvent) => void;

/** Largest delay setTimeout takes (about 24.8 days); longer ones would fire at once. */
const maxTimerMs = 2_147_483_647;

export class SessionStore<R = Record<string, unknown>> {
  #current: AuthSession<R> | null = null;
  /** Also holds a pending OAuth2 sign-in (under `${key}.oauth2`) across a page reload. */
  readonly storage: AuthStorage;
  readonly key: string;
  readonly #listeners = new Set<AuthListener<R>>();
  readonly #loaded: Promise<void>;
  // Writes to an async storage are chained so they land in the order they were made.
  #writes: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onDue: (() => void) | undefined;

  constructor(storage: AuthStorage, key: string) {
    this.storage = storage;
    this.key = key;
    this.#loaded = this.#load();
  }

  /** Resolves once the stored session (if any) has been read. */
  ready(): Promise<void> {
    return this.#loaded;
  }

  get current(): AuthSession<R> | null {
    return this.#current;
  }

  set(session: AuthSession<R> | null, event: AuthEvent): void {
    this.#current = session;
    const value = session ? JSON.stringify(session) : undefined;
    this.#writes = this.#writes
      .then(() =>
        value === undefined
          ? this.storage.removeItem(this.key)
          : this.storage.setItem(this.key, value),
      )
      // A storage that fails (quota, a broken adapter) must not break signing in.
      .catch(() => {});
    this.#schedule();
    for (const listener of [...this.#listeners]) {
      try {
        listener(session, event);
      } catch {
        // One faulty listener must not stop the others, nor the request that changed the session.
      }
    }
  }

  subscribe(listener: AuthListener<R>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether the session is past half its lifetime, so a refresh is due. */
  refreshDue(now = Date.now()): boolean {
    const session = this.#current;
    if (session?.kind !== "user" || session.token === "") return false;
    return now >= refreshAt(session);
  }

  /** Calls `onDue` when the session reaches half its lifetime; undefined stops the timer. */
  autoRefresh(onDue: (() => void) | undefined): void {
    this.#onDue = onDue;
    this.#schedule();
  }

  async #load(): Promise<void> {
    try {
      const raw = await this.storage.getItem(this.key);
      const session = raw ? (JSON.parse(raw) as AuthSession<R>) : null;
      if (this.#current !== null) return; // signed in while storage was still loading
      if (!session || typeof session.token !== "string") return;
      if (Date.parse(session.expiresAt) <= Date.now()) this.set(null, "expired");
      else this.set(session, "restored");
    } catch {
      // Unreadable storage or a corrupt value: start signed out.
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const session = this.#current;
    if (!this.#onDue || session?.kind !== "user" || session.token === "") return;
    const delay = Math.min(Math.max(refreshAt(session) - Date.now(), 0), maxTimerMs);
    const onDue = this.#onDue;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.refreshDue()) onDue();
      else this.#schedule(); // a clamped timer woke early
    }, delay);
    // In Node, a pending refresh must not keep the process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}

function refreshAt(session: AuthSession<unknown>): number {
  const issued = Date.parse(session.issuedAt);
  const expires = Date.parse(session.expiresAt);
  if (Number.isNaN(issued) || Number.isNaN(expires)) return 0;
  return issued + (expires - issued) / 2;
}
