// SQL pieces shared by the record verbs: the table, values as typed parameters, and mapping
// database errors on writes to field errors.
import type { Collection, Field, FieldError } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { isMultiple } from "../collections/collection-fields.js";
import { errors } from "../errors.js";
import { pgErrorOf, quoteIdent, quoteLiteral, tableRef } from "../sql.js";

export const recordAlias = "r";

export function tableSql(collection: Collection): SQL {
  return schemaText(collection, "table", () => tableRef(collection.name));
}

/**
 * SQL text that depends only on the collection, made once per collection object (a new schema
 * brings new objects): the statements of a hot path then skip building it from fragments each
 * request. Only identifiers and names from the schema go in, quoted.
 */
const schemaTexts = new WeakMap<Collection, Map<string, SQL>>();

function schemaText(collection: Collection, key: string, build: () => string): SQL {
  let texts = schemaTexts.get(collection);
  if (!texts) {
    texts = new Map();
    schemaTexts.set(collection, texts);
  }
  let text = texts.get(key);
  if (!text) {
    text = sql.raw(build());
    texts.set(key, text);
  }
  return text;
}

/**
 * The record's columns by name, for what writes return (`RETURNING …`, `SELECT … FOR UPDATE`):
 * unlike `*`, the statement's text changes with the schema, so a prepared statement never meets
 * a table with more columns than it was planned for (see @cairn/db's prepared statements).
 */
export function columnsSql(collection: Collection, alias?: string): SQL {
  return schemaText(collection, `columns ${alias ?? ""}`, () => {
    const prefix = alias ? `${quoteIdent(alias)}.` : "";
    return collection.fields.map((field) => `${prefix}${quoteIdent(field.name)}`).join(", ");
  });
}

/** jsonb_build_object takes at most 100 arguments: 50 fields each, joined with ||. */
const jsonPairsPerCall = 50;

/**
 * The record in API form (rowToRecord's: dates as ISO strings with milliseconds in UTC), without
 * the password hash, built by Postgres from the row `alias` names: what a write that is one
 * statement puts in its event. The differential test holds it equal to rowToRecord.
 */
export function recordJsonSql(collection: Collection, alias: string): SQL {
  return schemaText(collection, `json ${alias}`, () => {
    const pairs = collection.fields
      .filter((field) => field.name !== "password")
      .map((field) => {
        const column = `${quoteIdent(alias)}.${quoteIdent(field.name)}`;
        const value =
          field.type === "date" || field.type === "autodate"
            ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
            : column;
        return `${quoteLiteral(field.name)}, ${value}`;
      });
    const calls: string[] = [];
    for (let i = 0; i < pairs.length; i += jsonPairsPerCall) {
      calls.push(`jsonb_build_object(${pairs.slice(i, i + jsonPairsPerCall).join(", ")})`);
    }
    return calls.join(" || ");
  });
}

/** A list of strings as one parameter: `ARRAY(…)` of text. */
export function textArraySql(values: string[]): SQL {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::text::jsonb))`;
}

/**
 * A value as a parameter. Every value travels as text and is cast in SQL: postgres.js picks a
 * serialiser from the type Postgres infers for `$n` (so `$1::boolean` would read "true" as
 * false, and `$1::jsonb` encode JSON twice); `$1::text::…` means the same on both drivers.
 * Arrays travel as JSON.
 */
export function valueSql(field: Field, value: unknown): SQL {
  if (value === null || value === undefined) return sql`NULL`;
  if (isMultiple(field)) return textArraySql(value as string[]);
  switch (field.type) {
    case "json":
      return sql`${JSON.stringify(value)}::text::jsonb`;
    case "date":
    case "autodate":
      return sql`${String(value)}::text::timestamptz`;
    case "number":
      return sql`${String(value)}::text::double precision`;
    case "bool":
      return sql`${value ? "true" : "false"}::text::boolean`;
    default:
      return sql`${String(value)}::text`;
  }
}

/** Turns a constraint violation on write into the field error a client can act on. */
export function writeError(collection: Collection, error: unknown): unknown {
  const pg = pgErrorOf(error);
  if (!pg) return error;
  const fieldOf = (constraint: string | undefined): Field | undefined => {
    if (!constraint) return undefined;
    if (constraint.endsWith("_pkey")) return collection.fields.find((f) => f.name === "id");
    const id =
      /^(?:uq|rx)_[a-z0-9]+_(.+)$/.exec(constraint)?.[1] ??
      /^(?:fk|ck|mrel)_(.+)$/.exec(constraint)?.[1];
    return collection.fields.find((f) => f.id === id);
  };
  const field = fieldOf(pg.constraint);
  const fail = (code: string, message: string) => {
    const fields: Record<string, FieldError> = {};
    fields[field?.name ?? "body"] = { code, message };
    return errors.validation(fields);
  };
  switch (pg.code) {
    case "23505":
      if (!field && pg.constraint?.startsWith("ix_")) {
        return errors.validation({
          body: { code: "not_unique", message: "Another record already has these values." },
        });
      }
      return fail("not_unique", "Another record already has this value.");
    case "23503":
      return fail("relation_not_found", "No such related record.");
    case "23502":
      return fail("required", "Cannot be empty.");
    case "23514":
      return fail("invalid", "The value is not allowed by the field's options.");
    case "22001":
    case "22003":
    case "22007":
    case "22008":
    case "22P02":
      return fail("invalid", "The value does not fit the field.");
    default:
      return error;
  }
}
