// The client apps create once: options, the session store, and the features (auth, records,
// filters, batch) over one transport. Everything admin-only lives in ./admin.ts instead.
import { AuthClient } from "./auth-client.js";
import { SessionStore } from "./auth-session.js";
import { type AuthStorage, browserStorage, memoryStorage } from "./auth-storage.js";
import { FilesClient } from "./file-client.js";
import { assertNoUploads } from "./file-form.js";
import { bindFilter, type FilterValue } from "./filter-bind.js";
import { type CallOptions, type RequestOptions, Transport } from "./http-transport.js";
import type { BatchOperation, BatchResults } from "./record-batch.js";
import { RecordClient } from "./record-client.js";
import type {
  AnySchema,
  AuthName,
  CairnSchema,
  DefaultAuthCollection,
  WithoutUploads,
} from "./schema-types.js";

export interface ClientOptions<C extends string = string> {
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** `fetch`'s credentials mode, e.g. "include" for a cookie session on another origin. */
  credentials?: RequestCredentials;
  auth?: {
    /** Where the session is kept: localStorage when there is one, else memory. */
    storage?: AuthStorage;
    /** The auth collection users sign in to. Default "users". */
    collection?: C;
    /** The storage key. Default "cairn.session". */
    storageKey?: string;
    /** Refresh the session past half its lifetime, on a timer and on requests. Default true. */
    autoRefresh?: boolean;
  };
}

export interface Health {
  status: "ok";
}

export interface Readiness {
  status: "ready";
  database: "pglite" | "postgres";
}

type AuthRecord<S extends CairnSchema, C> = C extends keyof S
  ? S[C]["record"]
  : Record<string, unknown>;
/** Sign-up is JSON: upload an avatar with `update` once signed in. */
type AuthCreate<S extends CairnSchema, C> = C extends keyof S
  ? WithoutUploads<S[C]["create"]>
  : Record<string, unknown>;

export class CairnClient<
  S extends CairnSchema = AnySchema,
  C extends AuthName<S> = DefaultAuthCollection<S> & AuthName<S>,
> {
  readonly baseUrl: string;
  /** Sign-up, sign-in and every other flow of the auth collection, and the session. */
  readonly auth: AuthClient<AuthRecord<S, C>, AuthCreate<S, C>>;
  /** File URLs, download tokens for protected files, and direct uploads to storage. */
  readonly files: FilesClient;
  /** @internal The transport, for `@cairn/client/admin`. */
  readonly transport: Transport;

  constructor(baseUrl: string, options: ClientOptions<C> = {}) {
    const auth = options.auth ?? {};
    const storage = auth.storage ?? browserStorage() ?? memoryStorage();
    const store = new SessionStore<unknown>(storage, auth.storageKey ?? "cairn.session");
    this.transport = new Transport(baseUrl, options, store);
    this.baseUrl = this.transport.baseUrl;
    this.auth = new AuthClient(
      this.transport,
      auth.collection ?? "users",
      auth.autoRefresh ?? true,
    );
    this.files = new FilesClient(this.transport);
  }

  /**
   * The records of one collection, typed from the generated Schema.
   *
   * @example
   * const posts = await cairn.collection("posts").list({ sort: "-created" });
   */
  collection<N extends keyof S & string>(name: N): RecordClient<S, N> {
    return new RecordClient<S, N>(this.transport, name);
  }

  /**
   * Binds values into a filter expression safely: `{:name}` becomes a quoted, escaped literal.
   *
   * @example
   * cairn.collection("posts").list({ filter: cairn.filter("title ~ {:q} && published = true", { q }) });
   */
  filter(expression: string, params?: Record<string, FilterValue>): string {
    return bindFilter(expression, params);
  }

  /**
   * Runs record writes in one transaction: all happen or none does (at most 100).
   *
   * @example
   * const [post] = await cairn.batch([
   *   cairn.collection("posts").op.create({ title: "One" }),
   *   cairn.collection("posts").op.delete(oldId),
   * ]);
   */
  async batch<const Ops extends readonly BatchOperation<unknown>[]>(
    operations: Ops,
    options: CallOptions = {},
  ): Promise<BatchResults<Ops>> {
    const requests = operations.map(({ method, url, body }) => {
      assertNoUploads(body, "A batch");
      return { method, url, body };
    });
    return this.transport.request("/api/batch", {
      ...options,
      method: "POST",
      body: { requests },
    });
  }

  /**
   * Liveness: resolves when the server process answers.
   *
   * @example
   * await cairn.health(); // { status: "ok" }
   */
  health(options: CallOptions = {}): Promise<Health> {
    return this.transport.request<Health>("/api/health", { ...options, auth: false });
  }

  /**
   * Readiness: resolves when the server's database is reachable and migrated.
   *
   * @example
   * const { database } = await cairn.ready();
   */
  ready(options: CallOptions = {}): Promise<Readiness> {
    return this.transport.request<Readiness>("/api/ready", { ...options, auth: false });
  }

  /**
   * Sends one request to the API (with the session) and returns its JSON body, or throws a
   * CairnError. For endpoints the SDK does not wrap.
   *
   * @example
   * const doc = await cairn.request("/api/openapi.json");
   */
  request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.transport.request<T>(path, options);
  }
}

/**
 * Creates a client for one Cairn server. Pass the generated `Schema` for end-to-end types.
 *
 * @example
 * import type { Schema } from "./cairn-schema";
 * const cairn = createClient<Schema>("https://api.example.com", { auth: { collection: "users" } });
 */
export function createClient<
  S extends CairnSchema = AnySchema,
  C extends AuthName<S> = DefaultAuthCollection<S> & AuthName<S>,
>(baseUrl: string, options?: ClientOptions<C>): CairnClient<S, C> {
  return new CairnClient<S, C>(baseUrl, options);
}
