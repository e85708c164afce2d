// Superusers' API over an app client: sign-in (bearer or cookie), collections, schema as code,
// users' sessions and impersonation, settings, mailbox, audit log, API keys, webhooks. Separate entry so
// app bundles never carry it.

import type {
  ApiKeyInfo,
  AuditEntry,
  BackupInfo,
  BackupSettings,
  Collection,
  CollectionInput,
  DisabledUser,
  DisabledUsersPage,
  MailboxEntry,
  MetricsSettings,
  OAuth2Settings,
  RequestLogEntry,
  RequestLogFilters,
  RequestLogStats,
  RuleProblem,
  SchemaDocument,
  SchemaPlan,
  SecuritySettings,
  SecuritySettingsPatch,
  Settings,
  StorageSettings,
  StorageSettingsPatch,
  Superuser,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryStatus,
  WebhookInfo,
  WebhookInput,
  WebhookSecretInfo,
  WebhookSettings,
} from "./admin-types.js";
import type { AuthSession } from "./auth-session.js";
import type { SessionInfo } from "./auth-types.js";
import type { CairnClient } from "./client.js";
import { type CallOptions, type Transport, toError } from "./http-transport.js";

const enc = encodeURIComponent;

/** The admin API; make one with `createAdmin(cairn)`. */
export class AdminClient {
  readonly #t: Transport;

  constructor(client: Pick<CairnClient, "transport">) {
    this.#t = client.transport;
  }

  /**
   * Signs in a superuser; the client then acts as them. `cookie: true` (the console, same
   * origin) keeps the session in an HttpOnly cookie that scripts never see.
   *
   * @example
   * const admin = createAdmin(createClient(url, { auth: { storageKey: "cairn.admin" } }));
   * await admin.signIn({ email, password });
   */
  async signIn(
    input: { email: string; password: string; cookie?: boolean },
    options: CallOptions = {},
  ): Promise<AuthSession<Superuser>> {
    const answer = await this.#t.request<{
      token?: string;
      expiresAt: string;
      superuser: Superuser;
    }>("/api/superusers/sign-in", {
      ...options,
      method: "POST",
      auth: false,
      body: { email: input.email, password: input.password },
      query: { cookie: input.cookie ? "true" : undefined },
    });
    const session: AuthSession<Superuser> = {
      kind: "superuser",
      token: answer.token ?? "",
      expiresAt: answer.expiresAt,
      issuedAt: new Date().toISOString(),
      collection: "",
      record: answer.superuser,
    };
    this.#t.store.set(session, "signedIn");
    return session;
  }

  /**
   * Ends the superuser's session (and clears the cookie in cookie mode).
   *
   * @example
   * await admin.signOut();
   */
  async signOut(options: CallOptions = {}): Promise<void> {
    const current = this.#t.store.current;
    try {
      await this.#t.request("/api/superusers/sign-out", { ...options, method: "POST" });
    } finally {
      if (this.#t.store.current === current && current) this.#t.store.set(null, "signedOut");
    }
  }

  /**
   * The signed-in superuser (a 401 when the session is gone, e.g. an expired cookie).
   *
   * @example
   * const { email } = await admin.me();
   */
  me(options: CallOptions = {}): Promise<Superuser> {
    return this.#t.request("/api/superusers/me", options);
  }

  /**
   * Creates the first superuser from the setup link's token (only while there is none).
   *
   * @example
   * await admin.setup({ token, email, password: "a long password" });
   */
  setup(input: { token: string; email: string; password: string }, options: CallOptions = {}) {
    return this.#t.request<Superuser>("/api/superusers/setup", {
      ...options,
      method: "POST",
      body: input,
      auth: false,
    });
  }

  /** Console admins. */
  readonly superusers = {
    /** @example const all = await admin.superusers.list(); */
    list: async (options: CallOptions = {}): Promise<Superuser[]> =>
      (await this.#t.request<{ items: Superuser[] }>("/api/superusers", options)).items,
    /** @example await admin.superusers.create({ email, password }); */
    create: (input: { email: string; password: string }, options: CallOptions = {}) =>
      this.#t.request<Superuser>("/api/superusers", { ...options, method: "POST", body: input }),
    /** Never the last one. @example await admin.superusers.delete(id); */
    delete: (id: string, options: CallOptions = {}) =>
      this.#t.request<void>(`/api/superusers/${enc(id)}`, { ...options, method: "DELETE" }),
  };

  /** Collections: definitions, created and changed at runtime (docs/collections.md). */
  readonly collections = {
    /** @example const collections = await admin.collections.list(); */
    list: async (options: CallOptions = {}): Promise<Collection[]> =>
      (await this.#t.request<{ items: Collection[] }>("/api/collections", options)).items,
    /** @example const posts = await admin.collections.get("posts"); */
    get: (nameOrId: string, options: CallOptions = {}) =>
      this.#t.request<Collection>(`/api/collections/${enc(nameOrId)}`, options),
    /** @example await admin.collections.create({ name: "posts", fields: [{ name: "title", type: "text" }] }); */
    create: (input: CollectionInput, options: CallOptions = {}) =>
      this.#t.request<Collection>("/api/collections", { ...options, method: "POST", body: input }),
    /** Keys left out keep their value; `fields` replaces the list (matched by id). @example await admin.collections.update("posts", { listRule: "" }); */
    update: (nameOrId: string, patch: Partial<CollectionInput>, options: CallOptions = {}) =>
      this.#t.request<Collection>(`/api/collections/${enc(nameOrId)}`, {
        ...options,
        method: "PATCH",
        body: patch,
      }),
    /** Drops the table and its records. @example await admin.collections.delete("posts"); */
    delete: (nameOrId: string, options: CallOptions = {}) =>
      this.#t.request<void>(`/api/collections/${enc(nameOrId)}`, { ...options, method: "DELETE" }),
  };

  /** Schema as code: export, plan and apply one JSON document. */
  readonly schema = {
    /** @example const doc = await admin.schema.export(); */
    export: (options: CallOptions = {}) => this.#t.request<SchemaDocument>("/api/schema", options),
    /** The steps applying `document` would take; changes nothing. @example const { steps } = await admin.schema.plan(doc); */
    plan: (document: SchemaDocument, options: CallOptions = {}) =>
      this.#t.request<SchemaPlan>("/api/schema/plan", {
        ...options,
        method: "POST",
        body: document,
      }),
    /**
     * Steps that drop data need `allowDestructive`; `expectedVersion` (a plan's `version`) refuses
     * with 409 CONFLICT if the schema changed since that plan.
     * @example await admin.schema.apply(doc, { expectedVersion: plan.version });
     */
    apply: (
      document: SchemaDocument,
      options: CallOptions & { allowDestructive?: boolean; expectedVersion?: string } = {},
    ) =>
      this.#t.request<SchemaPlan>("/api/schema/apply", {
        signal: options.signal,
        headers: options.headers,
        method: "POST",
        body: document,
        query: {
          allowDestructive: options.allowDestructive ? "true" : undefined,
          expectedVersion: options.expectedVersion,
        },
      }),
    /** Checks a rule or filter as you type. @example await admin.schema.validateRule({ text: "owner = @request.auth.id", collection: "posts" }); */
    validateRule: (
      input: {
        text: string;
        kind?: "rule" | "filter";
        collection?: string;
        definition?: CollectionInput;
      },
      options: CallOptions = {},
    ) =>
      this.#t.request<{ valid: boolean; problems: RuleProblem[] }>("/api/schema/rules/validate", {
        ...options,
        method: "POST",
        body: input,
      }),
  };

  /** App users of an auth collection, seen from the admin side. */
  readonly users = {
    /** @example const sessions = await admin.users.sessions("users", userId); */
    sessions: async (collection: string, userId: string, options: CallOptions = {}) =>
      (
        await this.#t.request<{ items: SessionInfo[] }>(
          `${authPath(collection)}/users/${enc(userId)}/sessions`,
          options,
        )
      ).items,
    /** One session, or every session when `sessionId` is left out. @example await admin.users.revokeSessions("users", userId); */
    revokeSessions: (
      collection: string,
      userId: string,
      sessionId?: string,
      options: CallOptions = {},
    ) =>
      this.#t.request<void>(
        `${authPath(collection)}/users/${enc(userId)}/sessions${sessionId ? `/${enc(sessionId)}` : ""}`,
        { ...options, method: "DELETE" },
      ),
    /**
     * A one-hour session as the user (audited, never extended). Use it in a client of its own.
     *
     * @example
     * const s = await admin.users.impersonate("users", userId);
     * const asUser = createClient(url, { auth: { storage: memoryStorage() } });
     * asUser.auth.setSession({ kind: "user", collection: "users", issuedAt: new Date().toISOString(), ...s });
     */
    impersonate: (collection: string, userId: string, options: CallOptions = {}) =>
      this.#t.request<{
        token: string;
        expiresAt: string;
        record: Record<string, unknown> & { id: string };
      }>(`${authPath(collection)}/users/${enc(userId)}/impersonate`, {
        ...options,
        method: "POST",
      }),
    /** Removes a user's authenticator (they lost their phone). @example await admin.users.resetMfa("users", userId); */
    resetMfa: (collection: string, userId: string, options: CallOptions = {}) =>
      this.#t.request<void>(`${authPath(collection)}/mfa/${enc(userId)}`, {
        ...options,
        method: "DELETE",
      }),
    /**
     * Disables a user: every session of theirs ends now, and no sign-in works until `enable`.
     * Disabling again only changes the reason.
     *
     * @example
     * const { sessionsRevoked } = await admin.users.disable("users", userId, { reason: "Spam" });
     */
    disable: (
      collection: string,
      userId: string,
      input: { reason?: string } = {},
      options: CallOptions = {},
    ) =>
      this.#t.request<DisabledUser & { sessionsRevoked: number }>(
        `${authPath(collection)}/users/${enc(userId)}/disable`,
        { ...options, method: "POST", body: input },
      ),
    /** Lets a disabled user sign in again. @example await admin.users.enable("users", userId); */
    enable: (collection: string, userId: string, options: CallOptions = {}) =>
      this.#t.request<{ wasDisabled: boolean }>(
        `${authPath(collection)}/users/${enc(userId)}/enable`,
        { ...options, method: "POST", body: {} },
      ),
    /**
     * Disabled users of a collection, newest first; `ids` asks about those users only (at most
     * 200), e.g. the page of users a list shows.
     *
     * @example
     * const { items } = await admin.users.disabled("users", { ids: page.items.map((u) => u.id) });
     */
    disabled: (
      collection: string,
      query: { ids?: string[]; page?: number; perPage?: number } = {},
      options: CallOptions = {},
    ) =>
      this.#t.request<DisabledUsersPage>(`${authPath(collection)}/disabled-users`, {
        ...options,
        query: {
          ids: query.ids?.join(","),
          page: query.page,
          perPage: query.perPage,
        },
      }),
  };

  /** Runtime settings: app, SMTP, mail templates, OAuth2 providers. */
  readonly settings = {
    /** The SMTP password reads masked. @example const settings = await admin.settings.get(); */
    get: (options: CallOptions = {}) => this.#t.request<Settings>("/api/settings", options),
    /** @example await admin.settings.update({ app: { name: "Acme", redirectUrls: ["acme://auth"] } }); */
    update: (patch: Settings, options: CallOptions = {}) =>
      this.#t.request<Settings>("/api/settings", { ...options, method: "PATCH", body: patch }),
    /** Sends a test mail with the saved settings. @example await admin.settings.testMail({ to: "me@acme.com" }); */
    testMail: (input: { to: string }, options: CallOptions = {}) =>
      this.#t.request<unknown>("/api/settings/mail/test", {
        ...options,
        method: "POST",
        body: input,
      }),
    /** Tries SMTP settings before saving them. @example await admin.settings.testSmtp({ to, smtp: { host, port: 587 } }); */
    testSmtp: (input: { to: string; smtp: Record<string, unknown> }, options: CallOptions = {}) =>
      this.#t.request<void>("/api/settings/smtp/test", { ...options, method: "POST", body: input }),
    /** @example const providers = await admin.settings.oauth2(); */
    oauth2: (options: CallOptions = {}) =>
      this.#t.request<OAuth2Settings>("/api/settings/oauth2", options),
    /** Merges each provider sent; the mask keeps a secret. @example await admin.settings.updateOAuth2({ github: { enabled: true, clientId, clientSecret } }); */
    updateOAuth2: (patch: Record<string, Record<string, unknown>>, options: CallOptions = {}) =>
      this.#t.request<OAuth2Settings>("/api/settings/oauth2", {
        ...options,
        method: "PUT",
        body: patch,
      }),
  };

  /** File storage: local disk or S3 (docs/files.md, "Where files are stored"). */
  readonly storage = {
    /** The secret reads masked. @example const { kind, s3 } = await admin.storage.get(); */
    get: (options: CallOptions = {}) =>
      this.#t.request<StorageSettings>("/api/settings/storage", options),
    /** Merges the patch; the mask keeps the secret. Does not check the bucket: test first. @example await admin.storage.update({ kind: "local" }); */
    update: (patch: StorageSettingsPatch, options: CallOptions = {}) =>
      this.#t.request<StorageSettings>("/api/settings/storage", {
        ...options,
        method: "PATCH",
        body: patch,
      }),
    /**
     * Writes, reads and deletes a probe with the stored settings overlaid by `patch`; saves
     * nothing. A failed check rejects with a 503 carrying the storage service's message.
     *
     * @example
     * await admin.storage.test({ kind: "s3", s3: { bucket: "acme-files", accessKeyId, secretAccessKey } });
     */
    test: (patch: StorageSettingsPatch = {}, options: CallOptions = {}) =>
      this.#t.request<{ ok: true; kind: StorageSettings["kind"] }>("/api/settings/storage/test", {
        ...options,
        method: "POST",
        body: patch,
      }),
  };

  /** CORS origins and per-IP rate limits; a change applies within seconds on every replica. */
  readonly security = {
    /** @example const { cors, rateLimits, saved } = await admin.security.get(); */
    get: (options: CallOptions = {}) =>
      this.#t.request<SecuritySettings>("/api/settings/security", options),
    /**
     * Merges the patch into the settings in force; null puts a section back to the server's
     * default. Invalid origins reject with VALIDATION_FAILED naming e.g. `cors.origins.2`.
     *
     * @example
     * await admin.security.update({ cors: { origins: ["https://app.example.com"] }, rateLimits: { api: { perMinute: 600 } } });
     */
    update: (patch: SecuritySettingsPatch, options: CallOptions = {}) =>
      this.#t.request<SecuritySettings>("/api/settings/security", {
        ...options,
        method: "PATCH",
        body: patch,
      }),
  };

  /** Prometheus metrics at /metrics (docs/metrics.md); superusers only, not API keys. */
  readonly metrics = {
    /** @example const { enabled, hasToken } = await admin.metrics.get(); */
    get: (options: CallOptions = {}) =>
      this.#t.request<MetricsSettings>("/api/settings/metrics", options),
    /**
     * Turns /metrics on or off; on needs a token (else VALIDATION_FAILED, `token_required`).
     *
     * @example await admin.metrics.update({ enabled: false });
     */
    update: (patch: { enabled?: boolean }, options: CallOptions = {}) =>
      this.#t.request<MetricsSettings>("/api/settings/metrics", {
        ...options,
        method: "PATCH",
        body: patch,
      }),
    /**
     * A new scrape token, replacing the previous one at once; also turns /metrics on. The token
     * is in this answer only.
     *
     * @example const { token } = await admin.metrics.createToken();
     */
    createToken: (options: CallOptions = {}) =>
      this.#t.request<{ token: string; settings: MetricsSettings }>("/api/settings/metrics/token", {
        ...options,
        method: "POST",
      }),
  };

  /** Backups of the whole instance (docs/backups.md): list, back up now, download, schedule. */
  readonly backups = {
    /** Newest first. @example const backups = await admin.backups.list(); */
    list: (options: CallOptions = {}) => this.#t.request<BackupInfo[]>("/api/backups", options),
    /**
     * Starts a backup in the background and answers with its row (`status: "running"`); poll
     * `list()` for the outcome. CONFLICT while another one runs.
     *
     * @example const { id } = await admin.backups.create({ includeFiles: true });
     */
    create: (input: { includeFiles?: boolean } = {}, options: CallOptions = {}) =>
      this.#t.request<BackupInfo>("/api/backups", { ...options, method: "POST", body: input }),
    /** @example await admin.backups.delete(id); */
    delete: (id: string, options: CallOptions = {}) =>
      this.#t.request<void>(`/api/backups/${enc(id)}`, { ...options, method: "DELETE" }),
    /**
     * The archive's URL: a browser signed in with the session cookie downloads it from there.
     *
     * @example link.href = admin.backups.downloadUrl(id);
     */
    downloadUrl: (id: string) => this.#t.url(`/api/backups/${enc(id)}/download`),
    /**
     * The archive's bytes (a gzipped tar), with this client's session.
     *
     * @example const bytes = new Uint8Array(await admin.backups.download(id));
     */
    download: async (id: string, options: CallOptions = {}): Promise<ArrayBuffer> => {
      await this.#t.store.ready();
      const token = this.#t.store.current?.token ?? "";
      const answer = (await this.#t.send(this.#t.url(`/api/backups/${enc(id)}/download`), {
        method: "GET",
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers },
        signal: options.signal,
      })) as Response;
      if (!answer.ok) {
        const text = await answer.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {}
        throw toError(answer, json);
      }
      return answer.arrayBuffer();
    },
    /** @example const { enabled, intervalHours, keep } = await admin.backups.getSettings(); */
    getSettings: (options: CallOptions = {}) =>
      this.#t.request<BackupSettings>("/api/backups/settings", options),
    /** @example await admin.backups.updateSettings({ enabled: true, intervalHours: 24, keep: 7 }); */
    updateSettings: (patch: Partial<BackupSettings>, options: CallOptions = {}) =>
      this.#t.request<BackupSettings>("/api/backups/settings", {
        ...options,
        method: "PATCH",
        body: patch,
      }),
  };

  /** The dev mailbox (mails sent while no SMTP server is configured). */
  readonly mailbox = {
    /** @example const { items } = await admin.mailbox.list({ to: "ann@example.com" }); */
    list: (query: { to?: string; limit?: number } = {}, options: CallOptions = {}) =>
      this.#t.request<{ items: MailboxEntry[]; total: number }>("/api/mailbox", {
        ...options,
        query,
      }),
    /** @example await admin.mailbox.clear(); */
    clear: (options: CallOptions = {}) =>
      this.#t.request<void>("/api/mailbox", { ...options, method: "DELETE" }),
  };

  /** Who did what: sign-ins, lockouts, impersonation, key use… */
  readonly auditLog = {
    /** @example const entries = await admin.auditLog.list({ action: "auth.sign_in" }); */
    list: async (
      query: { action?: string; subjectId?: string; limit?: number } = {},
      options: CallOptions = {},
    ): Promise<AuditEntry[]> =>
      (await this.#t.request<{ items: AuditEntry[] }>("/api/audit-log", { ...options, query }))
        .items,
  };

  /** API keys for servers; the key itself is answered once, at creation. */
  readonly apiKeys = {
    /** @example const keys = await admin.apiKeys.list(); */
    list: async (options: CallOptions = {}): Promise<ApiKeyInfo[]> =>
      (await this.#t.request<{ items: ApiKeyInfo[] }>("/api/api-keys", options)).items,
    /** @example const { key } = await admin.apiKeys.create({ name: "worker", scopes: ["orders:read"] }); */
    create: (
      input: { name: string; scopes: string[]; expiresAt?: string },
      options: CallOptions = {},
    ) =>
      this.#t.request<ApiKeyInfo & { key: string }>("/api/api-keys", {
        ...options,
        method: "POST",
        body: input,
      }),
    /** @example await admin.apiKeys.revoke(id); */
    revoke: (id: string, options: CallOptions = {}) =>
      this.#t.request<void>(`/api/api-keys/${enc(id)}`, { ...options, method: "DELETE" }),
  };

  /** Webhook endpoints, their secrets, the delivery log and redelivery (docs/webhooks.md). */
  readonly webhooks = {
    /** @example const hooks = await admin.webhooks.list(); */
    list: async (options: CallOptions = {}): Promise<WebhookInfo[]> =>
      (await this.#t.request<{ items: WebhookInfo[] }>("/api/webhooks", options)).items,
    /** @example const hook = await admin.webhooks.get(id); */
    get: (id: string, options: CallOptions = {}) =>
      this.#t.request<WebhookInfo>(`/api/webhooks/${enc(id)}`, options),
    /**
     * Creates an endpoint; the answer carries its signing secret.
     *
     * @example
     * const { id, secret } = await admin.webhooks.create({
     *   url: "https://example.com/hooks/cairn",
     *   events: ["posts.created", "auth.*"],
     *   filter: 'status = "published"',
     * });
     */
    create: (input: WebhookInput, options: CallOptions = {}) =>
      this.#t.request<WebhookInfo & { secret: string }>("/api/webhooks", {
        ...options,
        method: "POST",
        body: input,
      }),
    /** Keys left out keep their value; `enabled: true` clears a disabled state. @example await admin.webhooks.update(id, { enabled: true }); */
    update: (id: string, patch: Partial<Omit<WebhookInput, "secret">>, options: CallOptions = {}) =>
      this.#t.request<WebhookInfo>(`/api/webhooks/${enc(id)}`, {
        ...options,
        method: "PATCH",
        body: patch,
      }),
    /** With its deliveries and their log. @example await admin.webhooks.delete(id); */
    delete: (id: string, options: CallOptions = {}) =>
      this.#t.request<void>(`/api/webhooks/${enc(id)}`, { ...options, method: "DELETE" }),
    /** @example const { secret } = await admin.webhooks.revealSecret(id); */
    revealSecret: (id: string, options: CallOptions = {}) =>
      this.#t.request<WebhookSecretInfo>(`/api/webhooks/${enc(id)}/secret`, options),
    /** A new secret; the old one keeps signing for 24 h. @example const { secret } = await admin.webhooks.rotateSecret(id); */
    rotateSecret: (id: string, input: { secret?: string } = {}, options: CallOptions = {}) =>
      this.#t.request<{ secret: string; previousSecretExpires: string }>(
        `/api/webhooks/${enc(id)}/rotate-secret`,
        { ...options, method: "POST", body: input },
      ),
    /** Queues a `webhook.test` event. @example const delivery = await admin.webhooks.test(id); */
    test: (id: string, options: CallOptions = {}) =>
      this.#t.request<WebhookDelivery>(`/api/webhooks/${enc(id)}/test`, {
        ...options,
        method: "POST",
      }),
    /** Newest first; pass `next` back as `before` for the page after. @example const { items } = await admin.webhooks.deliveries({ webhookId: id, status: "failed" }); */
    deliveries: (
      query: {
        webhookId?: string;
        status?: WebhookDeliveryStatus;
        /** One event name, e.g. "posts.created". */
        eventType?: string;
        limit?: number;
        before?: string;
      } = {},
      options: CallOptions = {},
    ) =>
      this.#t.request<{ items: WebhookDelivery[]; next: string | null }>(
        "/api/webhooks/deliveries",
        { ...options, query },
      ),
    /** With its payload and every attempt. @example const { attemptLog } = await admin.webhooks.delivery(deliveryId); */
    delivery: (deliveryId: string, options: CallOptions = {}) =>
      this.#t.request<WebhookDeliveryDetail>(
        `/api/webhooks/deliveries/${enc(deliveryId)}`,
        options,
      ),
    /** Sends one delivery again now (same webhook-id). @example await admin.webhooks.redeliver(deliveryId); */
    redeliver: (deliveryId: string, options: CallOptions = {}) =>
      this.#t.request<WebhookDelivery>(`/api/webhooks/deliveries/${enc(deliveryId)}/redeliver`, {
        ...options,
        method: "POST",
      }),
    /** Every failed delivery of an endpoint again; `waiting` also those waiting for a retry. @example const { count } = await admin.webhooks.redeliverFailed(id); */
    redeliverFailed: (id: string, input: { waiting?: boolean } = {}, options: CallOptions = {}) =>
      this.#t.request<{ count: number }>(`/api/webhooks/${enc(id)}/redeliver`, {
        ...options,
        method: "POST",
        body: input,
      }),
    /** @example const { allowPrivateAddresses } = await admin.webhooks.settings(); */
    settings: (options: CallOptions = {}) =>
      this.#t.request<WebhookSettings>("/api/webhooks/settings", options),
    /** @example await admin.webhooks.updateSettings({ allowPrivateAddresses: true }); */
    updateSettings: (patch: Partial<WebhookSettings>, options: CallOptions = {}) =>
      this.#t.request<WebhookSettings>("/api/webhooks/settings", {
        ...options,
        method: "PATCH",
        body: patch,
      }),
  };

  /** The request log: stored requests, their chart data, one entry (docs/logs.md). */
  readonly logs = {
    /**
     * Newest first; pass `nextCursor` back as `before` for the page after.
     * @example const { items, nextCursor } = await admin.logs.list({ status: "5xx", path: "/api/collections/" });
     */
    list: (
      filters: RequestLogFilters & { limit?: number; before?: number | null } = {},
      options: CallOptions = {},
    ) =>
      this.#t.request<{ items: RequestLogEntry[]; nextCursor: number | null }>("/api/logs", {
        ...options,
        query: {
          ...logQuery(filters),
          limit: filters.limit,
          before: filters.before ?? undefined,
        },
      }),
    /** Requests over time (default the last 24 h). @example const { buckets, totals } = await admin.logs.stats({ from: new Date(Date.now() - 3600_000) }); */
    stats: (filters: RequestLogFilters = {}, options: CallOptions = {}) =>
      this.#t.request<RequestLogStats>("/api/logs/stats", { ...options, query: logQuery(filters) }),
    /** @example const entry = await admin.logs.get(42); */
    get: (id: number | string, options: CallOptions = {}) =>
      this.#t.request<RequestLogEntry>(`/api/logs/${enc(String(id))}`, options),
  };
}

function authPath(collection: string): string {
  return `/api/collections/${enc(collection)}/auth`;
}

/** The request log's filters as query parameters (lists comma-separated, dates ISO). */
function logQuery(filters: RequestLogFilters): Record<string, string | number | undefined> {
  const list = (value: unknown) =>
    value === undefined ? undefined : Array.isArray(value) ? value.join(",") : String(value);
  const instant = (value: string | Date | undefined) =>
    value instanceof Date ? value.toISOString() : value;
  return {
    status: list(filters.status),
    method: list(filters.method),
    path: filters.path,
    minDuration: filters.minDuration,
    maxDuration: filters.maxDuration,
    from: instant(filters.from),
    to: instant(filters.to),
    requestId: filters.requestId,
    actor: filters.actor,
  };
}

/**
 * The admin API over a client: the client's session becomes the superuser's once signed in.
 *
 * @example
 * import { createClient } from "@cairn/client";
 * import { createAdmin } from "@cairn/client/admin";
 * const admin = createAdmin(createClient(url, { auth: { storageKey: "cairn.admin" } }));
 * await admin.signIn({ email, password });
 * await admin.collections.create({ name: "posts", fields: [{ name: "title", type: "text" }] });
 */
export function createAdmin(client: Pick<CairnClient, "transport">): AdminClient {
  return new AdminClient(client);
}
