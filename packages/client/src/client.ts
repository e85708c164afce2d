// The SDK's transport: one request() that every feature goes through. Needs only `fetch`,
// so it runs in browsers, Node and React Native alike.
import { CairnError } from "./cairn-error.js";

export interface ClientOptions {
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Health {
  status: "ok";
}

export interface Readiness {
  status: "ready";
  database: "pglite" | "postgres";
}

export class CairnClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#headers = options.headers ?? {};
  }

  /** Liveness: resolves when the server process answers. */
  health(options: { signal?: AbortSignal } = {}): Promise<Health> {
    return this.request<Health>("/api/health", options);
  }

  /** Readiness: resolves when the server's database is reachable and migrated. */
  ready(options: { signal?: AbortSignal } = {}): Promise<Readiness> {
    return this.request<Readiness>("/api/ready", options);
  }

  /** Sends one request to the API and returns its JSON body, or throws a CairnError. */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...this.#headers,
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await this.#fetch(url.toString(), {
        method: options.method ?? "GET",
        headers,
        body,
        signal: options.signal,
      });
    } catch (cause) {
      const aborted = options.signal?.aborted === true;
      throw new CairnError({
        status: 0,
        code: aborted ? "ABORTED" : "NETWORK_ERROR",
        message: aborted ? "The request was aborted." : `Could not reach ${this.baseUrl}.`,
        cause,
      });
    }
    const text = await response.text();
    const json = text === "" ? undefined : safeParse(text);
    if (!response.ok) throw toError(response, json);
    return json as T;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toError(response: Response, json: unknown): CairnError {
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

/**
 * Creates a client for one Cairn server.
 *
 * @example
 * const cairn = createClient("http://localhost:8090");
 * await cairn.health(); // { status: "ok" }
 */
export function createClient(baseUrl: string, options?: ClientOptions): CairnClient {
  return new CairnClient(baseUrl, options);
}
