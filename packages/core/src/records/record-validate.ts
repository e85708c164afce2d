// Checks and normalises values a client sends for a record, field by field, with stable error
// codes. Also applies the update modifiers: "tags+" / "+tags" (append / prepend), "tags-"
// (remove) on multi-valued fields and "views+" / "views-" (increment / decrement) on numbers.
import type { Collection, Field, FieldError } from "@cairn/schema";
import { maxPasswordLength } from "../auth/passwords.js";
import { isMultiple } from "../collections/collection-fields.js";
import { errors } from "../errors.js";
import { recordIdPattern } from "../ids.js";

export interface ValidatedInput {
  /** Column values to write, in API form (dates as ISO strings, arrays as arrays). */
  values: Map<Field, unknown>;
  /** Auth collections: a new password, to be hashed before it is written. */
  password?: string;
  /** Auth collections: the current password, which a user changing theirs must give. */
  oldPassword?: string;
  /** Numeric increments to apply in SQL (`col = col + n`), so concurrent updates add up. */
  increments: Map<Field, number>;
}

type Problem = (key: string, code: string, message: string) => void;

const emailPattern = /^[^\s@"'<>(),;:\\[\]]+@[^\s@"'<>(),;:\\[\]]+\.[^\s@"'<>(),;:\\[\]]{2,}$/;
const fileNamePattern = /^[\w.-]{1,200}$/;

/** Dates: ISO 8601, or "YYYY-MM-DD[ HH:MM[:SS[.sss]]]" read as UTC. */
export function parseDate(value: string): Date | undefined {
  const trimmed = value.trim();
  let text = trimmed.replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00Z";
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += "Z";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text))
    return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : undefined;
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === "" ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Validates one value for a field; returns the normalised value or reports a problem. */
export function validateValue(
  field: Field,
  value: unknown,
  key: string,
  problem: Problem,
): unknown {
  if (value === null || (value === "" && field.type !== "text")) {
    if (isMultiple(field)) return [];
    if (!field.nullable) {
      problem(key, "required", "Cannot be empty.");
      return undefined;
    }
    return null;
  }
  const mistyped = (expected: string) => problem(key, "invalid_type", `Must be ${expected}.`);
  switch (field.type) {
    case "text": {
      if (typeof value !== "string") return mistyped("a string");
      const length = [...value].length;
      if (field.min !== undefined && length < field.min && !(length === 0 && !field.required)) {
        return problem(key, "too_short", `Must be at least ${field.min} characters.`);
      }
      if (field.max !== undefined && length > field.max) {
        return problem(key, "too_long", `Must be at most ${field.max} characters.`);
      }
      if (value.includes("\0")) return problem(key, "invalid", "Must not contain NUL characters.");
      if (field.pattern && value !== "" && !new RegExp(field.pattern, "u").test(value)) {
        return problem(key, "pattern_mismatch", `Must match ${field.pattern}.`);
      }
      return value;
    }
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return mistyped("a finite number");
      if (field.integer && !Number.isInteger(value))
        return problem(key, "not_integer", "Must be a whole number.");
      if (field.min !== undefined && value < field.min)
        return problem(key, "too_small", `Must be at least ${field.min}.`);
      if (field.max !== undefined && value > field.max)
        return problem(key, "too_big", `Must be at most ${field.max}.`);
      return value;
    }
    case "bool":
      return typeof value === "boolean" ? value : mistyped("true or false");
    case "email": {
      if (typeof value !== "string") return mistyped("a string");
      if (value.length > 254 || !emailPattern.test(value))
        return problem(key, "invalid_email", "Must be an email address.");
      return value;
    }
    case "url": {
      if (typeof value !== "string") return mistyped("a string");
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return problem(key, "invalid_url", "Must be a URL.");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return problem(key, "invalid_url", "Must be an http or https URL.");
      }
      return value;
    }
    case "date": {
      if (typeof value !== "string") return mistyped("a date string");
      const date = parseDate(value);
      if (!date)
        return problem(
          key,
          "invalid_date",
          "Must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z.",
        );
      if (field.min && date < parseDate(field.min)!)
        return problem(key, "too_early", `Must not be before ${field.min}.`);
      if (field.max && date > parseDate(field.max)!)
        return problem(key, "too_late", `Must not be after ${field.max}.`);
      return date.toISOString();
    }
    case "autodate":
      return problem(key, "read_only", "Is set by the server.");
    case "select": {
      const list = field.multiple ? (Array.isArray(value) ? value : [value]) : [value];
      if (!field.multiple && Array.isArray(value)) return mistyped("a single value");
      const allowed = new Set(field.values);
      for (const item of list) {
        if (typeof item !== "string" || !allowed.has(item)) {
          return problem(key, "invalid_option", `Must be one of: ${field.values.join(", ")}.`);
        }
      }
      if (!field.multiple) return list[0];
      const unique = [...new Set(list as string[])];
      if (field.maxSelect !== undefined && unique.length > field.maxSelect) {
        return problem(key, "too_many", `At most ${field.maxSelect} values.`);
      }
      return unique;
    }
    case "json": {
      const size = Buffer.byteLength(JSON.stringify(value) ?? "null");
      if (size > field.maxSize)
        return problem(key, "too_large", `Must be at most ${field.maxSize} bytes as JSON.`);
      return value;
    }
    case "relation":
    case "file": {
      const pattern = field.type === "relation" ? recordIdPattern : fileNamePattern;
      const what = field.type === "relation" ? "record id" : "file name";
      const list = field.multiple ? (Array.isArray(value) ? value : [value]) : [value];
      if (!field.multiple && Array.isArray(value)) return mistyped(`a single ${what}`);
      for (const item of list) {
        if (typeof item !== "string" || !pattern.test(item)) return mistyped(`a valid ${what}`);
      }
      if (!field.multiple) return list[0];
      const unique = [...new Set(list as string[])];
      if (field.maxSelect !== undefined && unique.length > field.maxSelect) {
        return problem(key, "too_many", `At most ${field.maxSelect} items.`);
      }
      return unique;
    }
  }
}

const writableSystemFields = new Set(["email", "emailVisibility", "verified"]);
/** Auth fields only the privileged may set directly (users go through the auth flows). */
const privilegedAuthFields = new Set(["verified"]);

/**
 * Validates a create or update body against the collection. `existing` is the current record
 * (API form) on update. Throws VALIDATION_FAILED with every problem at once.
 */
export function validateRecordInput(
  collection: Collection,
  body: Record<string, unknown>,
  options: { mode: "create" | "update"; existing?: Record<string, unknown>; isSuperuser: boolean },
): ValidatedInput & { id?: string } {
  const isAuth = collection.type === "auth";
  let password: string | undefined;
  let oldPassword: string | undefined;
  const problems: Record<string, FieldError> = {};
  const problem: Problem = (key, code, message) => {
    problems[key] ??= { code, message };
  };
  const byName = new Map(collection.fields.map((f) => [f.name, f]));
  const values = new Map<Field, unknown>();
  const increments = new Map<Field, number>();
  let id: string | undefined;

  for (const [rawKey, value] of Object.entries(body)) {
    if (isAuth && (rawKey === "password" || rawKey === "oldPassword")) {
      const min = rawKey === "password" ? (collection.auth?.minPasswordLength ?? 8) : 1;
      if (typeof value !== "string") problem(rawKey, "invalid_type", "Must be a string.");
      else if ([...value].length < min)
        problem(rawKey, "too_short", `Must be at least ${min} characters.`);
      else if (value.length > maxPasswordLength) {
        problem(rawKey, "too_long", `Must be at most ${maxPasswordLength} characters.`);
      } else if (rawKey === "password") password = value;
      else if (options.mode === "update") oldPassword = value;
      else problem(rawKey, "unknown_field", "oldPassword goes with an update.");
      continue;
    }
    const match = /^(\+)?([A-Za-z][A-Za-z0-9_]*)([+-])?$/.exec(rawKey);
    const field = match ? byName.get(match[2]!) : undefined;
    if (!match || !field) {
      problem(rawKey, "unknown_field", `"${collection.name}" has no field "${rawKey}".`);
      continue;
    }
    const [, prepend, name, suffix] = match;
    if (isAuth && privilegedAuthFields.has(field.name) && !options.isSuperuser) {
      problem(rawKey, "read_only", `Only superusers set "${field.name}".`);
      continue;
    }
    if (isAuth && field.name === "email" && options.mode === "update" && !options.isSuperuser) {
      problem(
        rawKey,
        "read_only",
        "Change the email with the email change flow, which confirms the new address.",
      );
      continue;
    }
    if (field.system && !writableSystemFields.has(field.name)) {
      if (field.name === "id" && options.mode === "create" && !prepend && !suffix) {
        if (typeof value !== "string" || !recordIdPattern.test(value)) {
          problem("id", "invalid", "An id is 1 to 64 letters, digits, _ or -.");
        } else id = value;
      } else {
        problem(rawKey, "read_only", `"${name}" is set by the server.`);
      }
      continue;
    }
    if (prepend || suffix) {
      applyModifier(
        field,
        rawKey,
        value,
        { prepend: !!prepend, suffix },
        options,
        values,
        increments,
        problem,
      );
      continue;
    }
    const normalised = validateValue(field, value, name!, problem);
    if (normalised !== undefined) values.set(field, normalised);
  }

  for (const field of increments.keys()) {
    if (values.has(field))
      problem(field.name, "invalid", "Set the number or change it by an amount, not both.");
  }
  if (options.mode === "create") {
    for (const field of collection.fields) {
      if (!field.required || (field.system && !writableSystemFields.has(field.name))) continue;
      const given = values.get(field);
      const hasDefault =
        "default" in field && field.default !== undefined && field.default !== null;
      if (isEmpty(given) && !(given === undefined && hasDefault))
        problem(field.name, "required", "Is required.");
    }
  } else {
    for (const [field, value] of values) {
      if (field.required && isEmpty(value)) problem(field.name, "required", "Is required.");
    }
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  return {
    values,
    increments,
    ...(id ? { id } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(oldPassword !== undefined ? { oldPassword } : {}),
  };
}

function applyModifier(
  field: Field,
  key: string,
  value: unknown,
  modifier: { prepend: boolean; suffix: string | undefined },
  options: { mode: "create" | "update"; existing?: Record<string, unknown> },
  values: Map<Field, unknown>,
  increments: Map<Field, number>,
  problem: Problem,
) {
  if (field.type === "number" && !modifier.prepend && modifier.suffix) {
    if (options.mode !== "update")
      return problem(key, "invalid", "Increments apply to existing records.");
    if (typeof value !== "number" || !Number.isFinite(value))
      return problem(key, "invalid_type", "Must be a number.");
    increments.set(
      field,
      (increments.get(field) ?? 0) + (modifier.suffix === "-" ? -value : value),
    );
    return;
  }
  if (!isMultiple(field) || (modifier.prepend && modifier.suffix)) {
    return problem(key, "invalid", `"${key}" is not a valid modifier for this field.`);
  }
  const items = validateValue(field, Array.isArray(value) ? value : [value], key, problem) as
    | string[]
    | undefined;
  if (items === undefined) return;
  const current =
    (values.get(field) as string[] | undefined) ??
    (options.existing?.[field.name] as string[] | undefined) ??
    [];
  let next: string[];
  if (modifier.suffix === "-") next = current.filter((item) => !items.includes(item));
  else if (modifier.prepend) next = [...items.filter((i) => !current.includes(i)), ...current];
  else next = [...current, ...items.filter((i) => !current.includes(i))];
  const checked = validateValue(field, next, key, problem);
  if (checked !== undefined) values.set(field, checked);
}
