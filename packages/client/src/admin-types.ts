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

/** Runtime settings: app, smtp, mailTemplates… (docs/auth.md, "Email"). */
export type Settings = Record<string, unknown> & {
  app?: { name?: string; url?: string; redirectUrls?: string[] };
  smtp?: Record<string, unknown>;
};

/** OAuth2 providers' settings; secrets read as "••••••••" (docs/auth-oauth2.md). */
export type OAuth2Settings = Record<string, { enabled: boolean; [setting: string]: unknown }>;
