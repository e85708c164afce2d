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
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
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
