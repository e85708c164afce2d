// Realtime for one client: every subscription shares one SSE stream (fetch streaming, parsed
// here), set on the stream's URL when it opens and changed with POST /api/realtime after. The
// stream reconnects by itself (exponential backoff with jitter, or the server's hint) and
// resumes from the last event it saw, so nothing is lost or repeated across a reconnect; a
// change of session reconnects it as the new user. Protocol: docs/realtime.md.
import { CairnError, isCairnError } from "./cairn-error.js";
import { type Transport, toError } from "./http-transport.js";
import { readSse } from "./realtime-sse.js";

/** What a subscription's callback receives. */
export interface RealtimeEvent<T> {
  action: "create" | "update" | "delete";
  /** As you may see it (your rules, hidden fields removed); as it was, for a delete. */
  record: T;
}

export interface SubscribeOptions<E extends string = never> {
  /** Only records matching this rule-language expression (bind values with `cairn.filter()`). */
  filter?: string;
  /** Relations to include under `expand`, read with your permissions. */
  expand?: E;
  /** Keys to send, e.g. `"id,title"`. */
  fields?: string;
  /**
   * The server could not replay what happened while the stream was away (it was gone too long):
   * refetch what you show. Events flow again right after.
   */
  onReset?: () => void;
  /** The subscription ended on the server's refusal (e.g. its collection was deleted). */
  onError?: (error: CairnError) => void;
}

/** Ends a subscription; the stream closes with the last one. */
export type Unsubscribe = () => Promise<void>;

interface Sub {
  body: { id: string; topic: string; filter?: string; expand?: string; fields?: string };
  callback: (event: RealtimeEvent<unknown>) => void;
  map: (record: unknown) => unknown;
  options: SubscribeOptions<string>;
  settle?: (error?: CairnError) => void;
}

/** URLs longer than this get the set by POST after connecting instead. */
const maxQuery = 4000;
const realtimes = new WeakMap<Transport, Realtime>();

/** @internal The one realtime connection of a client. */
export function realtimeOf(transport: Transport): Realtime {
  let realtime = realtimes.get(transport);
  if (!realtime) {
    realtime = new Realtime(transport);
    realtimes.set(transport, realtime);
  }
  return realtime;
}

export class Realtime {
  readonly #transport: Transport;
  readonly #subs = new Map<string, Sub>();
  #seq = 0;
  /** The set the stream was opened with. */
  #sent: Sub[] = [];
  #clientId: string | undefined;
  #cursor: string | undefined;
  #token: string | undefined;
  #abort: AbortController | undefined;
  #running = false;
  #dirty = false;
  #syncing: Promise<void> | undefined;
  #offAuth: (() => void) | undefined;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async subscribe(
    topic: string,
    callback: Sub["callback"],
    options: SubscribeOptions<string>,
    map: Sub["map"],
  ): Promise<Unsubscribe> {
    const id = String(++this.#seq);
    const { filter, expand, fields } = options;
    const sub: Sub = { body: { id, topic, filter, expand, fields }, callback, map, options };
    const accepted = new Promise<void>((resolve, reject) => {
      sub.settle = (error) => {
        sub.settle = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    this.#subs.set(id, sub);
    if (!this.#running) void this.#run();
    else this.#sync();
    await accepted;
    return async () => {
      if (!this.#subs.delete(id)) return;
      if (this.#subs.size === 0) this.#stop();
      else await this.#sync();
    };
  }

  #stop(): void {
    this.#abort?.abort();
    this.#clientId = undefined;
    this.#cursor = undefined;
  }

  /** Opens, reads and reopens the stream for as long as there are subscriptions. */
  async #run(): Promise<void> {
    this.#running = true;
    const store = this.#transport.store;
    this.#offAuth = store.subscribe((session) => {
      // Signed in, out or expired: the stream must carry the new identity.
      if ((session?.token ?? "") !== this.#token) this.#abort?.abort();
    });
    let failures = 0;
    try {
      while (this.#subs.size > 0) {
        const abort = new AbortController();
        this.#abort = abort;
        let hint: number | undefined;
        try {
          hint = await this.#connect(abort.signal, () => {
            failures = 0;
          });
        } catch (error) {
          if (abort.signal.aborted) continue;
          failures += 1;
          // A refused set: drop what was refused, retry the rest (after the usual pause).
          if (isCairnError(error) && error.status >= 400 && error.status < 500)
            this.#refuse(error, this.#sent);
        }
        if (this.#subs.size === 0) break;
        // Full jitter, so a restarted server is not met by every client at once.
        const delay = hint ?? Math.min(30_000, 250 * 2 ** failures);
        await sleep(delay * (0.5 + Math.random() / 2), abort.signal);
      }
    } finally {
      this.#offAuth?.();
      this.#running = false;
      this.#clientId = undefined;
    }
  }

  /** One stream, to its end; answers the server's reconnect hint, if it gave one. */
  async #connect(signal: AbortSignal, healthy: () => void): Promise<number | undefined> {
    const transport = this.#transport;
    await transport.store.ready();
    await transport.beforeAuthed?.().catch(() => {});
    const token = transport.store.current?.token ?? "";
    this.#token = token;
    this.#clientId = undefined;
    const sent = [...this.#subs.values()];
    this.#sent = sent;
    let set: string | undefined = JSON.stringify(sent.map((s) => s.body));
    if (set.length > maxQuery) set = undefined;
    else this.#dirty = false;
    const url = transport.url("/api/realtime", { subscriptions: set, lastEventId: this.#cursor });
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = (await transport.send(url, { method: "GET", headers, signal })) as Response;
    if (!response.ok) {
      const text = await response.text();
      if (response.status === 401 && token && transport.store.current?.token === token) {
        transport.store.set(null, "expired");
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {}
      throw toError(response, json);
    }
    if (!response.body) {
      const error = new CairnError({
        status: 0,
        code: "NETWORK_ERROR",
        message: "This fetch cannot stream responses; pass one that can (e.g. expo/fetch).",
      });
      this.#refuse(error, sent, true);
      return undefined;
    }
    let hint: number | undefined;
    await readSse(
      response.body,
      ({ event, data }) => {
        const payload = JSON.parse(data);
        if (event === "connect") {
          healthy();
          this.#clientId = payload.clientId;
          if (set === undefined) this.#dirty = true;
          else for (const sub of sent) sub.settle?.();
          // Changes made while connecting (or a set too long for the URL) go by POST.
          if (this.#dirty) void this.#sync();
        } else if (event === "change") {
          for (const match of payload.matches) {
            const sub = this.#subs.get(match.subscription);
            sub?.callback({ action: payload.action, record: sub.map(match.record) });
          }
        } else if (event === "reset") {
          for (const sub of this.#subs.values()) sub.options.onReset?.();
        } else if (event === "reconnect") {
          hint = payload.retryMs;
        }
      },
      (id) => {
        this.#cursor = id;
      },
    ).catch((error: unknown) => {
      if (!signal.aborted) throw error;
    });
    return hint;
  }

  /** Sends the whole set to the open stream; concurrent changes coalesce into the next POST. */
  #sync(): Promise<void> {
    this.#dirty = true;
    if (!this.#clientId) return Promise.resolve();
    this.#syncing ??= (async () => {
      while (this.#dirty && this.#clientId && this.#subs.size > 0) {
        this.#dirty = false;
        const sent = [...this.#subs.values()];
        try {
          await this.#transport.request("/api/realtime", {
            method: "POST",
            body: { clientId: this.#clientId, subscriptions: sent.map((s) => s.body) },
          });
          for (const sub of sent) sub.settle?.();
        } catch (error) {
          // 400, or a 403/404 naming a subscription: the set itself was refused.
          if (!isCairnError(error) || (error.status !== 400 && !error.fields)) {
            // The stream is gone, lives on another server, or is someone else's now: reopen it
            // with the set on its URL (and resume from the last event).
            this.#abort?.abort();
            return;
          }
          this.#refuse(error, sent);
          this.#dirty = true;
        }
      }
    })().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  /**
   * Drops what the server refused of the set `sent`: the subscriptions its error names, else
   * (or with `all`) every one not yet accepted.
   */
  #refuse(error: CairnError, sent: Sub[], all = false): void {
    const named = Object.keys(error.fields ?? {})
      .map((key) => /^subscriptions\.(\d+)$/.exec(key)?.[1])
      .filter((index) => index !== undefined);
    const refused = all
      ? sent
      : named.length > 0
        ? named.map((i) => sent[Number(i)])
        : sent.filter((s) => s.settle);
    for (const sub of refused) {
      if (!sub) continue;
      this.#subs.delete(sub.body.id);
      if (sub.settle) sub.settle(error);
      else sub.options.onError?.(error);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
