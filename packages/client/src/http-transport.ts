// The SDK's transport: one request() every feature goes through. Needs only `fetch`, so it runs
// in browsers, Node and React Native alike; signs requests with the session and drops it on 401.

import type { SessionStore } from "./auth-session.js";
import { CairnError } from "./cairn-error.js";
import { bodySize, toFormData } from "./file-form.js";
import type { UploadProgress } from "./file-types.js";
import { type Answer, hasXhr, xhrSend } from "./http-xhr.js";

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the request; the call then rejects with a CairnError of code "ABORTED". */
  signal?: AbortSignal;
  /** Headers for this request only (they win over the client's). */
  headers?: Record<string, string>;
}

export interface RequestOptions extends CallOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /**
   * A JSON value, or a FormData. An object with files among its values (File, Blob, named
   * bytes, React Native files) goes as multipart: `@jsonPayload` first, then the files.
   */
  body?: unknown;
  /** false: send no session (the request is anonymous). Default true. */
  auth?: boolean;
  /**
   * Upload progress. Where there is an XMLHttpRequest (browsers, React Native) the request
   * goes through it, not `fetch`; elsewhere (Node) one event comes when the body is sent.
   */
  onUploadProgress?: (progress: UploadProgress) => void;
}

/** What `send` takes: the parts of a fetch init the SDK uses. */
export interface SendInit {
  method: string;
  headers: Record<string, string>;
  /** What both fetch and XMLHttpRequest send. */
  body?: string | Blob | FormData | ArrayBuffer | Uint8Array | undefined;
  signal?: AbortSignal | undefined;
}

export interface TransportOptions {
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
}

export class Transport {
  readonly baseUrl: string;
  readonly store: SessionStore<unknown>;
  /** Set by the auth client: refreshes the session first when it is due. */
  beforeAuthed: (() => Promise<void>) | undefined;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #credentials: RequestCredentials | undefined;

  constructor(baseUrl: string, options: TransportOptions, store: SessionStore<unknown>) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.store = store;
    // Late-bound, so a fetch polyfilled after the client was made is still found.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#headers = options.headers ?? {};
    this.#credentials = options.credentials;
  }

  /** Built by hand: React Native's URL and URLSearchParams lack most of their methods. */
  url(path: string, query?: RequestOptions["query"]): string {
    const pairs = Object.entries(query ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    return `${this.baseUrl}${path}${pairs.length > 0 ? `?${pairs.join("&")}` : ""}`;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...this.#headers,
      ...options.headers,
    };
    let token = "";
    if (options.auth !== false) {
      await this.store.ready();
      await this.beforeAuthed?.();
      token = this.store.current?.token ?? "";
      const explicit = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
      if (token !== "" && !explicit) headers.Authorization = `Bearer ${token}`;
      else token = "";
    }
    let body: SendInit["body"] = isFormData(options.body) ? options.body : toFormData(options.body);
    if (body === undefined && options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const sentWith = this.store.current;
    const init = { method: options.method ?? "GET", headers, body, signal: options.signal };
    const response = await this.send(this.url(path, options.query), init, options.onUploadProgress);
    const text = await response.text();
    const json = text === "" ? undefined : safeParse(text);
    if (!response.ok) {
      // The server no longer accepts the session (revoked, expired): drop it, once, and only if
      // it is still the session this request carried (not one signed in meanwhile).
      const cookieSession = sentWith?.token === "" && options.auth !== false;
      if (response.status === 401 && (token !== "" || cookieSession)) {
        if (this.store.current === sentWith && sentWith) this.store.set(null, "expired");
      }
      throw toError(response, json);
    }
    return json as T;
  }

  /**
   * One HTTP exchange, no session and no error envelope: fetch, or XHR for upload progress.
   * Network failures and aborts become CairnErrors. Also used for storage URLs (direct uploads).
   */
  async send(
    url: string,
    init: SendInit,
    onUploadProgress?: (progress: UploadProgress) => void,
  ): Promise<Answer> {
    const credentials = this.#credentials ? { credentials: this.#credentials } : {};
    try {
      if (onUploadProgress && hasXhr()) {
        return await xhrSend(url, { ...init, ...credentials }, onUploadProgress);
      }
      const response = await this.#fetch(url, {
        ...init,
        body: init.body as BodyInit | undefined,
        ...credentials,
      });
      if (onUploadProgress) {
        const size = bodySize(init.body);
        onUploadProgress({ loaded: size, total: size });
      }
      return response;
    } catch (cause) {
      const aborted = init.signal?.aborted === true;
      throw new CairnError({
        status: 0,
        code: aborted ? "ABORTED" : "NETWORK_ERROR",
        message: aborted
          ? "The request was aborted."
          : `Could not reach ${url.startsWith(this.baseUrl) ? this.baseUrl : origin(url)}.`,
        cause,
      });
    }
  }
}

function isFormData(value: unknown): value is FormData {
  return typeof FormData !== "undefined" && value instanceof FormData;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The scheme and host of a URL, for messages (the path may hold a signature). */
function origin(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? url;
}

/** @internal The server's error envelope (or any failed answer) as a CairnError. */
export function toError(response: Answer, json: unknown): CairnError {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const envelope = (json as { error?: Partial<Record<string, unknown>> } | undefined)?.error;
  if (envelope && typeof envelope.code === "string" && typeof envelope.message === "string") {
    return new CairnError({
      status: response.status,
      code: envelope.code as CairnError["code"],
      message: envelope.message,
      fields: envelope.fields as CairnError["fields"],
      requestId: (envelope.requestId as string | undefined) ?? requestId,
    });
  }
  return new CairnError({
    status: response.status,
    code: response.status >= 500 ? "INTERNAL" : "BAD_REQUEST",
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    requestId,
  });
}
