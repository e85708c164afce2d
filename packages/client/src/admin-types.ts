// Shapes of the admin API (docs/collections.md, docs/auth.md), mirrored loosely so the SDK ships
// no zod: enough to program against, with an index signature where the server has more.

import type { FieldKind } from "./typegen/typegen-document.js";

/** A field of a collection definition (docs/collections.md, "Fields"). */
export interface FieldDefinition {
  id?: string;
  name: string;
  type: FieldKind;
  required?: boolean;
  nullable?: boolean;
  unique?: boolean;
  hidden?: boolean;
  [option: string]: unknown;
}

export interface AuthCollectionOptions {
  password?: boolean;
  otp?: boolean;
  oauth2?: boolean;
  anonymous?: boolean;
  minPasswordLength?: number;
  requireVerifiedEmail?: boolean;
  mfa?: "optional" | "required";
  sessionLifetimeSeconds?: number;
}

/** What you send to create or change a collection. */
export interface CollectionInput {
  id?: string;
  name: string;
  type?: "base" | "auth" | "view";
  fields?: FieldDefinition[];
  indexes?: { name: string; fields: string[]; unique?: boolean }[];
  listRule?: string | null;
  viewRule?: string | null;
  createRule?: string | null;
  updateRule?: string | null;
  deleteRule?: string | null;
  viewQuery?: string;
  auth?: AuthCollectionOptions;
}

/** A stored collection definition, with ids and system fields. */
export interface Collection extends Required<Omit<CollectionInput, "viewQuery" | "auth">> {
  fields: (FieldDefinition & { id: string })[];
  viewQuery?: string;
  auth?: Required<AuthCollectionOptions>;
  created: string;
  updated: string;
}

/** The whole schema as one document (schema as code). */
export interface SchemaDocument {
  version: 1;
  collections: CollectionInput[];
}

export interface SchemaPlan {
  steps: {
    collection: string;
    action: "create" | "update" | "delete";
    description: string;
    destructive: boolean;
    statements: string[];
  }[];
  destructive: boolean;
  /** The version of the schema the plan was made against; apply's `expectedVersion`. */
  version: string;
}

export interface RuleProblem {
  message: string;
  line: number;
  column: number;
  offset: number;
  end: number;
}

export interface Superuser {
  id: string;
  email: string;
  created?: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: string[];
  created: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsed: string | null;
  revokedAt: string | null;
}

export interface MailboxEntry {
  id: number;
  at: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  action: string;
  actor: string;
  collectionId: string | null;
  subjectId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: unknown;
}

/** Runtime settings: app, smtp, mailTemplates, events (docs/configuration.md, "Runtime settings"). */
export type Settings = Record<string, unknown> & {
  app?: { name?: string; url?: string; redirectUrls?: string[] };
  smtp?: Record<string, unknown>;
  /** How long the event outbox keeps events (realtime resume reaches back this far). */
  events?: { retentionHours?: number };
  /** The request log (docs/logs.md). */
  logs?: Partial<LogSettings>;
};

/** OAuth2 providers' settings; secrets read as "••••••••" (docs/auth-oauth2.md). */
export type OAuth2Settings = Record<string, { enabled: boolean; [setting: string]: unknown }>;

/** What you send to create a webhook endpoint (docs/webhooks.md). */
export interface WebhookInput {
  /** http:// or https://; private addresses only when the webhook settings allow them. */
  url: string;
  /** Event name patterns: "posts.created", "posts.*", "auth.user.created", "auth.*", "*". */
  events: string[];
  /** A filter in the rule language, run against the event's record. */
  filter?: string | null;
  /** Extra request headers (not hop-by-hop ones, nor webhook-*). */
  headers?: Record<string, string>;
  enabled?: boolean;
  description?: string;
  /** Your own `whsec_…` signing secret; a random one by default. */
  secret?: string;
}

/** A webhook endpoint; header values read as "••••••••" (send that back to keep one). */
export interface WebhookInfo {
  id: string;
  url: string;
  description: string;
  events: string[];
  filter: string | null;
  headers: Record<string, string>;
  enabled: boolean;
  /** Why it is disabled (an admin, a 410 answer, failing for 5 days); null while enabled. */
  disabledReason: string | null;
  disabledAt: string | null;
  /** The first failed attempt since the last success; null while healthy. */
  failingSince: string | null;
  lastSuccessAt: string | null;
  /** Until when the previous secret still signs, after a rotation. */
  previousSecretExpires: string | null;
  createdBy: string;
  created: string;
  updated: string;
}

export interface WebhookSecretInfo {
  secret: string;
  /** The secret before the last rotation, while it still signs (24 h). */
  previousSecret: string | null;
  previousSecretExpires: string | null;
}

export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed";

/** One event on its way to one endpoint; `id` is the `webhook-id` the receiver sees. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  /** e.g. "posts.created", or "webhook.test". */
  eventType: string;
  status: WebhookDeliveryStatus;
  /** Every attempt made, across redeliveries. */
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  /** The latest attempt's HTTP status; null before it, or when no answer came. */
  lastStatus: number | null;
  /** How long the latest attempt took, in ms; null before the first attempt. */
  lastLatencyMs: number | null;
  lastError: string | null;
  created: string;
  completedAt: string | null;
}

/** One attempt in the delivery log. */
export interface WebhookAttempt {
  attempt: number;
  at: string;
  url: string;
  /** The HTTP status; null when no answer came (refused, timed out, blocked). */
  status: number | null;
  latencyMs: number;
  /** At most 1 KB of the answer. */
  response: string | null;
  error: string | null;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  /** The body sent: `{ type, timestamp, data }`. */
  payload: { type: string; timestamp: string; data: unknown };
  attemptLog: WebhookAttempt[];
}

export interface WebhookSettings {
  /** Deliver to private, loopback and link-local addresses (default false). */
  allowPrivateAddresses: boolean;
  /** How long finished deliveries stay in the log (default 30). */
  deliveryRetentionDays: number;
}

/** Where new files go (docs/files.md, "The storage settings"); the secret reads as "••••••••". */
export interface StorageSettings {
  kind: "local" | "s3";
  s3: {
    /** An http(s) URL; empty for AWS S3. */
    endpoint: string;
    region: string;
    bucket: string;
    accessKeyId: string;
    /** "••••••••" when stored, "" when missing; sending the mask back keeps the stored one. */
    secretAccessKey: string;
    /** The bucket in the URL path (MinIO and most self-hosted servers). */
    forcePathStyle: boolean;
  };
}

/** A change to the storage settings: fields left out keep their value. */
export interface StorageSettingsPatch {
  kind?: StorageSettings["kind"];
  s3?: Partial<StorageSettings["s3"]>;
}

/** CORS origins and per-IP rate limits (docs/auth.md, "Rate limits and CORS"). */
export interface SecuritySettingsValues {
  cors: {
    /**
     * Origins allowed to call the API from a browser: "*" (any), or scheme://host[:port] such as
     * "https://app.example.com" or "capacitor://localhost". The console (same origin) needs none.
     */
    origins: string[];
  };
  rateLimits: {
    /** Off: neither per-IP limit applies (per-account lockouts always do). */
    enabled: boolean;
    /** Auth requests (sign-in, sign-up, reset, codes…) per client IP per minute, all replicas. */
    auth: { perMinute: number };
    /** Other API requests per client IP per minute, counted on each replica; 0 = off. */
    api: { perMinute: number };
  };
}

/** The security settings in force, whether each was saved, and the server's defaults. */
export interface SecuritySettings extends SecuritySettingsValues {
  /** false: the section is the server's default (CAIRN_CORS_ORIGINS, CAIRN_AUTH_RATE_LIMIT). */
  saved: { cors: boolean; rateLimits: boolean };
  defaults: SecuritySettingsValues;
}

/** A change: fields left out keep their value; null puts a section back to the default. */
export interface SecuritySettingsPatch {
  cors?: { origins?: string[] } | null;
  rateLimits?: {
    enabled?: boolean;
    auth?: { perMinute?: number };
    api?: { perMinute?: number };
  } | null;
}

/** One stored request of the request log (docs/logs.md); never a query string. */
export interface RequestLogEntry {
  id: number;
  /** When it finished (ISO). */
  at: string;
  method: string;
  /** The path only. */
  path: string;
  status: number;
  durationMs: number;
  requestId: string | null;
  ip: string | null;
  /** Cut at 256 characters. */
  userAgent: string | null;
  /** "anonymous", "superuser:<id>", "user:<collectionId>:<id>" or "apiKey:<id>". */
  actor: string;
  /** The answer's Content-Length, when it had one. */
  responseBytes: number | null;
  /** The error envelope's code, for answers that carried one. */
  errorCode: string | null;
}

/** Filters the request log's list and stats share; all optional, ANDed. */
export interface RequestLogFilters {
  /** 404, "4xx", or a list: ["401", "5xx"] or "401,5xx". */
  status?: number | string | (number | string)[];
  /** "GET", or a list. */
  method?: string | string[];
  /** Starting with "/": a prefix; otherwise a substring. */
  path?: string;
  /** Milliseconds. */
  minDuration?: number;
  maxDuration?: number;
  /** ISO instants (or Dates). */
  from?: string | Date;
  to?: string | Date;
  requestId?: string;
  /** An actor ("superuser:<id>") or a kind ("superuser", "user", "apiKey", "anonymous"). */
  actor?: string;
}

/** One bar of the request log's chart. */
export interface RequestLogBucket {
  /** The bucket's start (ISO). */
  at: string;
  total: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface RequestLogStats {
  from: string;
  to: string;
  /** The width of one bucket: 60, 300, 900, 3600, 21600 or 86400 (or more) seconds. */
  bucketSeconds: number;
  buckets: RequestLogBucket[];
  totals: Omit<RequestLogBucket, "at">;
}

/** The `logs` setting (in admin.settings too). */
export interface LogSettings {
  /** Store requests (default true). */
  enabled: boolean;
  /** Days entries are kept, 1 to 90 (default 7). */
  retentionDays: number;
}

/** A disabled app user (docs/auth.md, "Disabling users"). */
export interface DisabledUser {
  userId: string;
  reason: string | null;
  /** ISO instant. */
  disabledAt: string;
  /** Who did it: "superuser:<email>" or "api_key:<id>". */
  disabledBy: string;
}

export interface DisabledUsersPage {
  items: DisabledUser[];
  page: number;
  perPage: number;
  totalItems: number;
}

/** /metrics (Prometheus): whether it answers and whether a scrape token exists; never the token. */
export interface MetricsSettings {
  /** Whether GET /metrics answers (it needs a token too). */
  enabled: boolean;
  hasToken: boolean;
  /** When the current token was generated (ISO), or null. */
  tokenCreated: string | null;
}

/** One backup run (docs/backups.md): the archive lives in the server's file storage. */
export interface BackupInfo {
  id: string;
  trigger: "scheduled" | "manual";
  status: "running" | "completed" | "failed";
  /** The storage holding the archive ("local" or "s3"). */
  storage: string;
  includeFiles: boolean;
  /** Bytes of the archive; null while it runs or when it failed. */
  size: number | null;
  /** Files whose bytes were gone when the backup read them. */
  missingFiles: number;
  error: string | null;
  startedBy: string;
  started: string;
  finished: string | null;
}

/** The backup schedule. */
export interface BackupSettings {
  enabled: boolean;
  /** A backup is due this many hours after the last one started. */
  intervalHours: number;
  /** Completed archives kept; older ones are deleted. */
  keep: number;
  includeFiles: boolean;
}
