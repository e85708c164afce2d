// What each field type means for the table: its column type, constraints and defaults.
// The single source for DDL; validation of values lives in records/record-validate.ts.
import type { CollectionType, Field } from "@cairn/schema";
import { quoteIdent, quoteLiteral } from "../sql.js";

export const systemFieldNames = new Set(["id", "created", "updated"]);
export const authSystemFieldNames = new Set(["email", "emailVisibility", "verified", "password"]);

function systemField(
  field: Omit<Field, "required" | "nullable" | "unique" | "hidden" | "help" | "system"> &
    Partial<Field>,
): Field {
  return {
    required: false,
    nullable: false,
    unique: false,
    hidden: false,
    help: "",
    system: true,
    ...field,
  } as Field;
}

/** The fields every collection of a type starts with, with fixed ids so they never collide. */
export function systemFields(type: CollectionType): Field[] {
  const base: Field[] = [
    systemField({ id: "id", name: "id", type: "text", unique: true, min: 1, max: 64 } as Field),
    systemField({
      id: "created",
      name: "created",
      type: "autodate",
      onCreate: true,
      onUpdate: false,
    } as Field),
    systemField({
      id: "updated",
      name: "updated",
      type: "autodate",
      onCreate: true,
      onUpdate: true,
    } as Field),
  ];
  if (type !== "auth") return base;
  return [
    ...base,
    // Nullable: guests (anonymous users) have no email until they upgrade.
    systemField({
      id: "email",
      name: "email",
      type: "email",
      unique: true,
      nullable: true,
    } as Field),
    systemField({
      id: "emailVisibility",
      name: "emailVisibility",
      type: "bool",
      default: false,
    } as Field),
    systemField({ id: "verified", name: "verified", type: "bool", default: false } as Field),
    // Holds the password hash; never returned, not even to superusers.
    systemField({
      id: "password",
      name: "password",
      type: "text",
      hidden: true,
      nullable: true,
    } as Field),
  ];
}

export function isMultiple(field: Field): boolean {
  return (
    (field.type === "select" || field.type === "relation" || field.type === "file") &&
    field.multiple
  );
}

export function columnType(field: Field): string {
  switch (field.type) {
    case "text":
    case "email":
    case "url":
      // Code-point order, as the rule language compares text; indexes then serve sorts.
      return 'text COLLATE "C"';
    case "number":
      return "double precision";
    case "bool":
      return "boolean";
    case "date":
    case "autodate":
      // Milliseconds, like JavaScript dates: what is stored is what the API returns.
      return "timestamptz(3)";
    case "json":
      return "jsonb";
    case "select":
    case "relation":
    case "file":
      return field.multiple ? 'text[] COLLATE "C"' : 'text COLLATE "C"';
  }
}

/** A SQL literal of `value` for the field's column type. */
export function sqlValue(field: Field, value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (field.type === "json") return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
  if (Array.isArray(value)) {
    return `ARRAY[${value.map((item) => quoteLiteral(String(item))).join(", ")}]::text[]`;
  }
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new Error("numbers must be finite");
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      return `${quoteLiteral(String(value))}::${columnType(field).replace(' COLLATE "C"', "")}`;
  }
}

/**
 * The column's DEFAULT: the field's own default, now() for autodates on create, else for a
 * NOT NULL column the type's empty value where one exists, so adding it to a table with rows
 * works. Undefined: no default.
 */
export function columnDefault(field: Field): string | undefined {
  if (field.type === "autodate") return field.onCreate ? "now()" : undefined;
  if ("default" in field && field.default !== undefined && field.default !== null) {
    return sqlValue(field, field.default);
  }
  if (field.nullable || field.id === "id") return undefined;
  if (isMultiple(field)) return "'{}'::text[]";
  switch (field.type) {
    case "text":
    case "email":
    case "url":
    case "select":
    case "file":
      return "''";
    case "number":
      return "0";
    case "bool":
      return "false";
    case "json":
      return "'null'::jsonb";
    default:
      return undefined;
  }
}

/**
 * The CHECK predicate the database enforces for the field's options (the API validates the
 * same rules first, with friendlier messages). Undefined: nothing to check.
 */
export function checkPredicate(field: Field): string | undefined {
  const col = quoteIdent(field.name);
  const parts: string[] = [];
  switch (field.type) {
    case "text":
      if (field.min !== undefined && field.min > 0 && field.id !== "id") {
        parts.push(`char_length(${col}) >= ${field.min}`);
      }
      if (field.max !== undefined) parts.push(`char_length(${col}) <= ${field.max}`);
      break;
    case "number":
      if (field.min !== undefined) parts.push(`${col} >= ${field.min}`);
      if (field.max !== undefined) parts.push(`${col} <= ${field.max}`);
      if (field.integer) parts.push(`${col} = trunc(${col})`);
      break;
    case "select": {
      const values = `ARRAY[${field.values.map(quoteLiteral).join(", ")}]::text[]`;
      if (field.multiple) {
        parts.push(`${col} <@ ${values}`);
        if (field.maxSelect !== undefined) {
          parts.push(`coalesce(array_length(${col}, 1), 0) <= ${field.maxSelect}`);
        }
      } else {
        parts.push(`(${col} = '' OR ${col} = ANY (${values}))`);
      }
      break;
    }
    case "relation":
    case "file":
      if (field.multiple && field.maxSelect !== undefined) {
        parts.push(`coalesce(array_length(${col}, 1), 0) <= ${field.maxSelect}`);
      }
      break;
    case "json":
      parts.push(`octet_length(${col}::text) <= ${field.maxSize}`);
      break;
    default:
      break;
  }
  return parts.length > 0 ? parts.join(" AND ") : undefined;
}
