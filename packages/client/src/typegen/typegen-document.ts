// The schema document the type generator reads, and its normalisation: the defaults and system
// fields the server adds, so a hand-written document and an exported one give the same types.
// Pure and dependency-free: it ships inside @cairn/client and must run anywhere.

/** A field as a schema document describes it (exported by the server, or written by hand). */
export interface TypegenField {
  name: string;
  type: string;
  required?: boolean | undefined;
  nullable?: boolean | undefined;
  hidden?: boolean | undefined;
  help?: string | undefined;
  system?: boolean | undefined;
  default?: unknown;
  /** select: the allowed values. */
  values?: readonly string[] | undefined;
  /** select, relation, file: holds a list. */
  multiple?: boolean | undefined;
  /** relation: the target collection's id or name. */
  collection?: string | undefined;
  /** autodate: set on create. */
  onCreate?: boolean | undefined;
}

/** A collection as a schema document describes it. */
export interface TypegenCollection {
  id?: string | undefined;
  name: string;
  type?: string | undefined;
  fields?: readonly TypegenField[] | undefined;
  auth?: { password?: boolean | undefined } | undefined;
}

/** `GET /api/schema`, `cairn schema export`, or a document for `cairn schema apply`. */
export interface TypegenDocument {
  version: 1;
  collections: readonly TypegenCollection[];
}

/** Every field type the server knows (the SDK ships no zod, so it keeps its own list). */
export const fieldKindList = [
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
export type FieldKind = (typeof fieldKindList)[number];

const fieldKinds = new Set<string>(fieldKindList);

/** A field with every default applied. */
export interface NormalField {
  name: string;
  type: FieldKind;
  required: boolean;
  nullable: boolean;
  hidden: boolean;
  help: string;
  system: boolean;
  hasDefault: boolean;
  values: readonly string[];
  multiple: boolean;
  /** relation: the target collection's name (ids resolved). */
  target: string;
  onCreate: boolean;
}

export interface NormalCollection {
  name: string;
  type: "base" | "auth" | "view";
  fields: NormalField[];
  /** auth: sign-up with email and password is allowed. */
  passwordAuth: boolean;
}

/** A document the generator cannot describe; the message says what is wrong. */
export class TypegenError extends Error {
  readonly code = "TYPEGEN_INVALID_SCHEMA";
  override readonly name = "TypegenError";
}

// Mirrors packages/core's systemFields(): the server adds these to every collection, so a
// document written by hand leaves them out and an exported one lists them first.
const baseSystemFields: TypegenField[] = [
  { name: "id", type: "text", nullable: false, system: true },
  { name: "created", type: "autodate", nullable: false, system: true, onCreate: true },
  { name: "updated", type: "autodate", nullable: false, system: true, onCreate: true },
];
const authSystemFields: TypegenField[] = [
  { name: "email", type: "email", nullable: true, system: true },
  { name: "emailVisibility", type: "bool", nullable: false, system: true, default: false },
  { name: "verified", type: "bool", nullable: false, system: true, default: false },
  { name: "password", type: "text", nullable: true, hidden: true, system: true },
];

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks the parts of an untrusted document the generator reads; throws TypegenError. */
export function assertTypegenDocument(value: unknown): asserts value is TypegenDocument {
  if (!isRecordLike(value) || value.version !== 1 || !Array.isArray(value.collections)) {
    throw new TypegenError(
      'Not a Cairn schema document: expected { "version": 1, "collections": [ … ] }.',
    );
  }
  value.collections.forEach((collection: unknown, index) => {
    if (!isRecordLike(collection) || typeof collection.name !== "string") {
      throw new TypegenError(`collections[${index}] has no name.`);
    }
    if (collection.fields !== undefined && !Array.isArray(collection.fields)) {
      throw new TypegenError(`Collection "${collection.name}": fields must be a list.`);
    }
    for (const field of (collection.fields ?? []) as unknown[]) {
      if (!isRecordLike(field) || typeof field.name !== "string" || typeof field.type !== "string")
        throw new TypegenError(
          `Collection "${collection.name}": every field needs a name and type.`,
        );
    }
  });
}

/** Applies the server's defaults; resolves relation targets to collection names. */
export function normalizeDocument(document: TypegenDocument): NormalCollection[] {
  const nameOf = new Map<string, string>();
  for (const collection of document.collections) nameOf.set(collection.name, collection.name);
  // Ids win over names, as they do on the server: a document may rename what it renames.
  for (const collection of document.collections) {
    if (collection.id) nameOf.set(collection.id, collection.name);
  }
  const seen = new Set<string>();
  return document.collections.map((collection) => {
    const lower = collection.name.toLowerCase();
    if (seen.has(lower)) throw new TypegenError(`Collection "${collection.name}" appears twice.`);
    seen.add(lower);
    const type = collection.type ?? "base";
    if (type !== "base" && type !== "auth" && type !== "view") {
      throw new TypegenError(`Collection "${collection.name}" has an unknown type "${type}".`);
    }
    const given = collection.fields ?? [];
    const system = type === "auth" ? [...baseSystemFields, ...authSystemFields] : baseSystemFields;
    const systemNames = new Set(system.map((f) => f.name));
    // View collections have only the columns their query returns, so nothing is added to them.
    const fields =
      type === "view"
        ? given
        : [
            ...system.map((s) => ({ ...s, ...given.find((f) => f.name === s.name), system: true })),
            ...given.filter((f) => !systemNames.has(f.name)),
          ];
    return {
      name: collection.name,
      type,
      passwordAuth: type === "auth" && collection.auth?.password !== false,
      fields: fields.map((field) => normalizeField(collection.name, field, nameOf)),
    };
  });
}

function normalizeField(
  collection: string,
  field: TypegenField,
  nameOf: Map<string, string>,
): NormalField {
  if (!fieldKinds.has(field.type)) {
    throw new TypegenError(
      `Field "${collection}.${field.name}" has an unknown type "${field.type}".`,
    );
  }
  let target = "";
  if (field.type === "relation") {
    const found = field.collection === undefined ? undefined : nameOf.get(field.collection);
    if (!found) {
      throw new TypegenError(
        `Relation "${collection}.${field.name}" points at "${field.collection ?? ""}", which is not in the document.`,
      );
    }
    target = found;
  }
  if (field.type === "select" && (!Array.isArray(field.values) || field.values.length === 0)) {
    throw new TypegenError(`Select field "${collection}.${field.name}" has no values.`);
  }
  return {
    name: field.name,
    type: field.type as FieldKind,
    required: field.required ?? false,
    nullable: field.nullable ?? true,
    hidden: field.hidden ?? false,
    help: field.help ?? "",
    system: field.system ?? false,
    hasDefault: field.default !== undefined && field.default !== null,
    values: field.type === "select" ? [...(field.values ?? [])] : [],
    multiple: field.multiple ?? false,
    target,
    onCreate: field.onCreate ?? true,
  };
}
