// Collection and field definitions: the shape of the schema admins build at runtime.
// Shared by the server (validation, DDL), the SDK's type generator and the console.
import { z } from "zod";

/** Names of collections, fields and indexes: safe SQL identifiers, never quoted-only tricks. */
export const identifierPattern = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
export const identifierSchema = z
  .string()
  .regex(identifierPattern, "must start with a letter and use only letters, digits and _ (max 63)");

export const fieldTypes = [
  "text",
  "number",
  "bool",
  "email",
  "url",
  "date",
  "autodate",
  "select",
  "json",
  "relation",
  "file",
] as const;
export type FieldType = (typeof fieldTypes)[number];

export const onDeleteActions = ["cascade", "setNull", "restrict"] as const;
export type OnDeleteAction = (typeof onDeleteActions)[number];

const fieldBase = {
  /**
   * Stable id: a rename keeps it, so data follows the field. Generated (lower case) when omitted;
   * the auth system fields' ids (emailVisibility) are camelCase.
   */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,32}$/)
    .optional(),
  name: identifierSchema,
  /** Must be present (and not empty) on create. */
  required: z.boolean().default(false),
  /** May hold null. When false the column is NOT NULL. */
  nullable: z.boolean().default(true),
  unique: z.boolean().default(false),
  /** Never returned to anyone but superusers. */
  hidden: z.boolean().default(false),
  /** Shown next to the field in the console. */
  help: z.string().max(500).default(""),
  /** Set by Cairn for id, created, updated and the auth fields; cannot be removed or renamed. */
  system: z.boolean().default(false),
};

const nonNegative = z.number().int().min(0);

export const textFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("text"),
  default: z.string().nullable().optional(),
  min: nonNegative.optional(),
  max: nonNegative.optional(),
  pattern: z.string().max(500).optional(),
});
export const numberFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("number"),
  default: z.number().nullable().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().default(false),
});
export const boolFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("bool"),
  default: z.boolean().nullable().optional(),
});
export const emailFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("email"),
  default: z.string().nullable().optional(),
});
export const urlFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("url"),
  default: z.string().nullable().optional(),
});
export const dateFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("date"),
  default: z.string().nullable().optional(),
  min: z.string().optional(),
  max: z.string().optional(),
});
export const autodateFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("autodate"),
  onCreate: z.boolean().default(true),
  onUpdate: z.boolean().default(false),
});
export const selectFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("select"),
  default: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  values: z.array(z.string().min(1).max(200)).min(1).max(500),
  multiple: z.boolean().default(false),
  /** With multiple: the most values one record may hold. */
  maxSelect: z.number().int().min(1).optional(),
});
export const jsonFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("json"),
  default: z.unknown().optional(),
  /** Largest serialised value in bytes. */
  maxSize: z.number().int().min(1).default(1_048_576),
});
export const relationFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("relation"),
  /** The target collection's id (a name is accepted on input and resolved). */
  collection: z.string().min(1),
  multiple: z.boolean().default(false),
  maxSelect: z.number().int().min(1).optional(),
  onDelete: z.enum(onDeleteActions).default("setNull"),
});
export const fileFieldSchema = z.object({
  ...fieldBase,
  type: z.literal("file"),
  multiple: z.boolean().default(false),
  maxSelect: z.number().int().min(1).optional(),
  /** Largest file in bytes. */
  maxSize: z.number().int().min(1).default(5_242_880),
  /** Allowed MIME types, checked against the bytes; empty allows any. */
  mimeTypes: z.array(z.string()).default([]),
  /** Downloads need a short-lived file token. */
  protected: z.boolean().default(false),
  /** Thumbnail sizes clients may ask for, e.g. "100x100", "0x300", "200x200f". */
  thumbs: z.array(z.string().regex(/^\d+x\d+[tbf]?$/)).default([]),
});

export const fieldSchema = z.discriminatedUnion("type", [
  textFieldSchema,
  numberFieldSchema,
  boolFieldSchema,
  emailFieldSchema,
  urlFieldSchema,
  dateFieldSchema,
  autodateFieldSchema,
  selectFieldSchema,
  jsonFieldSchema,
  relationFieldSchema,
  fileFieldSchema,
]);
export type FieldInput = z.input<typeof fieldSchema>;
export type Field = z.output<typeof fieldSchema> & { id: string };
export type FieldOf<T extends FieldType> = Extract<Field, { type: T }>;

export const indexSchema = z.object({
  name: identifierSchema,
  /** Field names, in index order. */
  fields: z.array(identifierSchema).min(1).max(16),
  unique: z.boolean().default(false),
});
export type IndexDefinition = z.output<typeof indexSchema>;

/** null: superusers only; "": anyone; otherwise a filter expression. */
export const ruleSchema = z.string().max(4096).nullable();
export const ruleNames = [
  "listRule",
  "viewRule",
  "createRule",
  "updateRule",
  "deleteRule",
] as const;
export type RuleName = (typeof ruleNames)[number];

export const collectionTypes = ["base", "auth", "view"] as const;
export type CollectionType = (typeof collectionTypes)[number];

/** How the users of an auth collection may sign in, and what their sessions are like. */
export const authOptionsSchema = z.object({
  /** Sign-up and sign-in with email and password. */
  password: z.boolean().default(true),
  /** One-time codes and magic links by email. */
  otp: z.boolean().default(false),
  /** OAuth2 providers configured in the settings. */
  oauth2: z.boolean().default(false),
  /** Guest users without email, upgradable to full accounts later. */
  anonymous: z.boolean().default(false),
  minPasswordLength: z.number().int().min(6).max(256).default(8),
  /** Sign-in needs an email whose address was verified. */
  requireVerifiedEmail: z.boolean().default(false),
  /** "required": every user must use an authenticator app (TOTP) to sign in. */
  mfa: z.enum(["optional", "required"]).default("optional"),
  sessionLifetimeSeconds: z.number().int().min(300).max(31_536_000).default(2_592_000),
});
export type AuthOptions = z.output<typeof authOptionsSchema>;

export const collectionInputSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9_]{1,32}$/)
    .optional(),
  name: identifierSchema,
  type: z.enum(collectionTypes).default("base"),
  fields: z.array(fieldSchema).max(500).default([]),
  indexes: z.array(indexSchema).max(100).default([]),
  listRule: ruleSchema.default(null),
  viewRule: ruleSchema.default(null),
  createRule: ruleSchema.default(null),
  updateRule: ruleSchema.default(null),
  deleteRule: ruleSchema.default(null),
  /** View collections: the SELECT that defines them. */
  viewQuery: z.string().max(20_000).optional(),
  /** Auth collections: sign-in methods and session options. */
  auth: authOptionsSchema.optional(),
});
export type CollectionInput = z.input<typeof collectionInputSchema>;

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  /** System fields first (id, created, updated, and the auth fields), then the admin's. */
  fields: Field[];
  indexes: IndexDefinition[];
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  viewQuery?: string | undefined;
  /** Auth collections only. */
  auth?: AuthOptions | undefined;
  created: string;
  updated: string;
}
