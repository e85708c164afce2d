// Turns a schema document into one TypeScript module: per collection its Record, Create and
// Update types, and the `Schema` type the SDK's createClient<Schema>() takes (schema-types.ts).
// Output is deterministic and already formatted the way Biome would format it.
import {
  assertTypegenDocument,
  type NormalCollection,
  type NormalField,
  normalizeDocument,
  type TypegenDocument,
} from "./typegen-document.js";

export interface GenerateTypesOptions {
  /** Where the document came from, for the header comment. Keep it stable: it is diffed. */
  source?: string;
}

const lineWidth = 100;
const reservedNames = new Set(["Schema", "JsonValue", "FileUpload"]);

/** PascalCase of a collection or field name: `user_profiles` → `UserProfiles`. */
export function pascalCase(name: string): string {
  return name
    .split("_")
    .filter((part) => part !== "")
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** Hands out type names, adding 2, 3, … when two names PascalCase alike. */
class NameRegistry {
  readonly #taken = new Set(reservedNames);

  /** Reserves `base + suffix` for every suffix at once; returns the base. */
  claim(base: string, suffixes: readonly string[]): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}${n}`;
      const names = suffixes.map((suffix) => candidate + suffix);
      if (names.every((name) => !this.#taken.has(name))) {
        for (const name of names) this.#taken.add(name);
        return candidate;
      }
    }
  }
}

const literal = (value: string) => JSON.stringify(value);
const propertyKey = (key: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literal(key));

function docComment(text: string, indent: string): string[] {
  if (text.trim() === "") return [];
  const safe = text
    .replace(/\*\//g, "*\\/")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return [`${indent}/** ${safe} */`];
}

/** One property; a union that does not fit on the line is broken the way Biome breaks it. */
function property(
  indent: string,
  key: string,
  optional: boolean,
  union: readonly string[],
): string[] {
  const head = `${indent}${propertyKey(key)}${optional ? "?" : ""}:`;
  const line = `${head} ${union.join(" | ")};`;
  if (line.length <= lineWidth || union.length === 1) return [line];
  return [
    head,
    ...union.map((part, i) => `${indent}  | ${part}${i === union.length - 1 ? ";" : ""}`),
  ];
}

function typeAlias(name: string, union: readonly string[]): string[] {
  const line = `export type ${name} = ${union.join(" | ")};`;
  if (line.length <= lineWidth || union.length === 1) return [line];
  return [
    `export type ${name} =`,
    ...union.map((part, i) => `  | ${part}${i === union.length - 1 ? ";" : ""}`),
  ];
}

interface Names {
  base: string;
  /** Field name → the alias of its select values. */
  selects: Map<string, string>;
}

/** The type of one value of the field (one element, for fields that hold lists). */
function elementType(field: NormalField, names: Names): string {
  switch (field.type) {
    case "number":
      return "number";
    case "bool":
      return "boolean";
    case "select":
      return names.selects.get(field.name)!;
    case "json":
      return "JsonValue";
    default:
      // text, email, url, dates (ISO 8601), relations (record ids) and files (file names).
      return "string";
  }
}

function valueType(field: NormalField, names: Names): string {
  const element = elementType(field, names);
  return field.multiple ? `${element}[]` : element;
}

function recordUnion(field: NormalField, names: Names): string[] {
  const union = [valueType(field, names)];
  // Required: no write may leave it empty. (Rows older than the field itself can still hold
  // null; typing every required field as nullable for that rare case would help no one.)
  if (field.type === "json" || field.required) return union;
  // An autodate set on create always holds a time; multi-valued columns hold [] when empty.
  const alwaysSet = field.type === "autodate" && field.onCreate;
  if (field.nullable && !alwaysSet) union.push("null");
  // A single select that may not be null holds "" until a value is chosen.
  else if (!field.nullable && field.type === "select" && !field.multiple) union.push('""');
  return union;
}

/** What a client may send for the field: null clears it unless it is required. */
function inputUnion(field: NormalField, names: Names): string[] {
  const union = [valueType(field, names)];
  // Stored names (to keep or remove some), or new files: one, or several for a multiple field.
  if (field.type === "file") union.push(...(field.multiple ? uploads : ["FileUpload"]));
  if (!field.required && field.type !== "json" && (field.nullable || field.multiple)) {
    union.push("null");
  }
  return union;
}

const uploads = ["FileUpload", "FileUpload[]"];

function recordType(collection: NormalCollection, names: Names): string[] {
  const lines = [
    `/** A record of "${collection.name}" as the API returns it (hidden fields left out). */`,
    `export type ${names.base}Record = {`,
    "  collectionId: string;",
    `  collectionName: ${literal(collection.name)};`,
  ];
  for (const field of collection.fields) {
    if (field.hidden || (collection.type === "auth" && field.name === "password")) continue;
    if (collection.type === "auth" && field.name === "email") {
      lines.push(
        "  /** Present for superusers, the user themself, and when emailVisibility is on. */",
        ...property("  ", "email", true, ["string", "null"]),
      );
      continue;
    }
    lines.push(...docComment(field.help, "  "));
    lines.push(...property("  ", field.name, false, recordUnion(field, names)));
  }
  lines.push("};");
  return lines;
}

/** Fields a client writes: not the server's (ids, autodates), not the auth fields. */
function writableFields(collection: NormalCollection): NormalField[] {
  return collection.fields.filter((field) => !field.system && field.type !== "autodate");
}

function createType(collection: NormalCollection, names: Names): string[] {
  const name = `${names.base}Create`;
  if (collection.type === "view") {
    return [`/** View collections are read-only. */`, `export type ${name} = never;`];
  }
  const lines = [
    `/** The body of a create in "${collection.name}": required fields without a default are required. */`,
    `export type ${name} = {`,
    "  /** Chosen by the client (1–64 letters, digits, _ or -); a UUIDv7 otherwise. */",
    "  id?: string;",
  ];
  if (collection.type === "auth") {
    if (collection.passwordAuth) {
      lines.push("  email: string;", "  /** At least the collection's minimum length. */");
      lines.push("  password: string;");
    } else {
      lines.push("  email?: string | null;", "  password?: string;");
    }
    lines.push(
      "  emailVisibility?: boolean;",
      "  /** Superusers only. */",
      "  verified?: boolean;",
    );
  }
  for (const field of writableFields(collection)) {
    lines.push(...docComment(field.help, "  "));
    const optional = !field.required || field.hasDefault;
    lines.push(...property("  ", field.name, optional, inputUnion(field, names)));
  }
  lines.push("};");
  return lines;
}

function updateType(collection: NormalCollection, names: Names): string[] {
  const name = `${names.base}Update`;
  if (collection.type === "view") {
    return [`/** View collections are read-only. */`, `export type ${name} = never;`];
  }
  const lines = [
    `/** The body of an update in "${collection.name}": every key optional, with modifiers. */`,
    `export type ${name} = {`,
  ];
  if (collection.type === "auth") {
    lines.push(
      "  /** Superusers only; users change their email through the email change flow. */",
      "  email?: string | null;",
      "  emailVisibility?: boolean;",
      "  /** Superusers only. */",
      "  verified?: boolean;",
      "  /** A new password; a user changing their own also sends oldPassword. */",
      "  password?: string;",
      "  oldPassword?: string;",
    );
  }
  for (const field of writableFields(collection)) {
    lines.push(...docComment(field.help, "  "));
    lines.push(...property("  ", field.name, true, inputUnion(field, names)));
    if (field.type === "number") {
      lines.push(...property("  ", `${field.name}+`, true, ["number"]));
      lines.push(...property("  ", `${field.name}-`, true, ["number"]));
    } else if (field.multiple) {
      const element = elementType(field, names);
      const items = [element, `${element}[]`];
      // Only appending takes new files (a `field+` part); prepend and remove name stored ones.
      const appended = field.type === "file" ? [...items, ...uploads] : items;
      lines.push(...property("  ", `${field.name}+`, true, appended));
      lines.push(...property("  ", `+${field.name}`, true, items));
      lines.push(...property("  ", `${field.name}-`, true, items));
    }
  }
  lines.push("};");
  return lines;
}

function schemaEntry(
  collection: NormalCollection,
  names: Names,
  backRelations: { key: string; from: string }[],
): string[] {
  const relations = collection.fields.filter((f) => f.type === "relation" && !f.hidden);
  const lines = [`  ${propertyKey(collection.name)}: {`];
  lines.push(`    record: ${names.base}Record;`);
  lines.push(`    create: ${names.base}Create;`);
  lines.push(`    update: ${names.base}Update;`);
  if (relations.length === 0) lines.push("    relations: Record<never, never>;");
  else {
    lines.push("    relations: {");
    for (const field of relations) {
      const value = `{ collection: ${literal(field.target)}; multiple: ${field.multiple} }`;
      lines.push(...property("      ", field.name, false, [value]));
    }
    lines.push("    };");
  }
  if (backRelations.length === 0) lines.push("    backRelations: Record<never, never>;");
  else {
    lines.push("    backRelations: {");
    for (const back of backRelations) {
      lines.push(...property("      ", back.key, false, [`{ collection: ${literal(back.from)} }`]));
    }
    lines.push("    };");
  }
  lines.push(`    type: ${literal(collection.type)};`, "  };");
  return lines;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Generates the TypeScript types of a Cairn schema: one module, with no runtime code.
 *
 * @example
 * const schema = await (await fetch(`${url}/api/schema`, { headers })).json();
 * await writeFile("src/cairn-schema.ts", generateTypes(schema));
 */
export function generateTypes(document: TypegenDocument, options: GenerateTypesOptions = {}) {
  assertTypegenDocument(document);
  const collections = normalizeDocument(document).sort((a, b) => byCodePoint(a.name, b.name));

  const registry = new NameRegistry();
  const names = new Map<string, Names>();
  for (const collection of collections) {
    const base = registry.claim(pascalCase(collection.name), ["Record", "Create", "Update"]);
    names.set(collection.name, { base, selects: new Map() });
  }
  for (const collection of collections) {
    const own = names.get(collection.name)!;
    for (const field of collection.fields) {
      if (field.type !== "select") continue;
      own.selects.set(field.name, registry.claim(own.base + pascalCase(field.name), [""]));
    }
  }

  const backRelations = new Map<string, { key: string; from: string }[]>();
  for (const collection of collections) {
    for (const field of collection.fields) {
      if (field.type !== "relation" || field.hidden) continue;
      const list = backRelations.get(field.target) ?? [];
      list.push({ key: `${collection.name}_via_${field.name}`, from: collection.name });
      backRelations.set(field.target, list);
    }
  }

  const source = options.source ?? "a Cairn schema document (GET /api/schema)";
  const out: string[] = [
    `// Generated by Cairn's type generator from ${source}.`,
    "// Do not edit: run `cairn-typegen` or `cairn typegen` again after the schema changes.",
    "",
  ];
  // Writable file fields take uploads, a type of the SDK: imported only when there are some,
  // so schemas without files give a file that needs nothing.
  const takesFiles = collections.some(
    (collection) =>
      collection.type !== "view" &&
      writableFields(collection).some((field) => field.type === "file"),
  );
  if (takesFiles) out.push('import type { FileUpload } from "@cairn/client";', "");
  out.push(
    "/** Any value a json field holds. */",
    "export type JsonValue =",
    "  | string",
    "  | number",
    "  | boolean",
    "  | null",
    "  | JsonValue[]",
    "  | { [key: string]: JsonValue };",
  );
  for (const collection of collections) {
    const own = names.get(collection.name)!;
    out.push("", `// ${collection.name} (${collection.type})`);
    for (const field of collection.fields) {
      if (field.type !== "select") continue;
      out.push("", `/** The values of "${collection.name}.${field.name}". */`);
      out.push(...typeAlias(own.selects.get(field.name)!, field.values.map(literal)));
    }
    out.push("", ...recordType(collection, own));
    out.push("", ...createType(collection, own));
    out.push("", ...updateType(collection, own));
  }
  out.push("", "/** Every collection, for createClient<Schema>(…). */");
  if (collections.length === 0) out.push("export type Schema = Record<never, never>;", "");
  else out.push("export type Schema = {");
  for (const collection of collections) {
    const back = (backRelations.get(collection.name) ?? []).sort((a, b) =>
      byCodePoint(a.key, b.key),
    );
    out.push(...schemaEntry(collection, names.get(collection.name)!, back));
  }
  if (collections.length > 0) out.push("};", "");
  return out.join("\n");
}
