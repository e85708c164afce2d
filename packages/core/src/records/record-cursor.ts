// Cursor (keyset) pagination: `cursor=` starts it, each page returns `nextCursor`. Deep pages
// cost the same as the first, unlike OFFSET. The cursor holds the sort key values of the last
// record; the order matches compileSort (missing values count as the largest).
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { isMultiple } from "../collections/collection-fields.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "./record-codec.js";
import { recordAlias } from "./record-sql.js";

export interface CursorKey {
  field: Field;
  descending: boolean;
}

/** Cursor mode sorts by fields of the collection itself (no relation paths), then id. */
export function cursorKeys(collection: Collection, sort: string | undefined): CursorKey[] {
  const keys: CursorKey[] = [];
  for (const raw of (sort ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const descending = raw.startsWith("-");
    const name = raw.replace(/^[-+]/, "");
    const field = collection.fields.find((f) => f.name === name);
    if (!field || isMultiple(field) || field.type === "json") {
      throw errors.badRequest(
        `Invalid sort: with a cursor, sort by single-valued fields of "${collection.name}" only ("${name}").`,
      );
    }
    if (field.name !== "id") keys.push({ field, descending });
  }
  const id = collection.fields.find((f) => f.name === "id")!;
  keys.push({ field: id, descending: false });
  return keys;
}

function encode(values: unknown[], sort: string): string {
  return Buffer.from(JSON.stringify({ v: values, s: sort })).toString("base64url");
}

export function nextCursor(
  keys: CursorKey[],
  sort: string,
  last: ApiRecord | undefined,
): string | null {
  return last
    ? encode(
        keys.map((k) => last[k.field.name] ?? null),
        sort,
      )
    : null;
}

function typed(field: Field, value: unknown): SQL {
  switch (field.type) {
    case "number":
      return sql`${value}::double precision`;
    case "bool":
      return sql`${value}::boolean`;
    case "date":
    case "autodate":
      return sql`${value}::timestamptz`;
    default:
      return sql`${value}::text COLLATE "C"`;
  }
}

/** The condition "comes after the cursor" for these keys; undefined for the first page. */
export function afterCursor(keys: CursorKey[], sort: string, cursor: string): SQL | undefined {
  if (cursor === "") return undefined;
  let values: unknown[];
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      v: unknown[];
      s: string;
    };
    if (decoded.s !== sort || !Array.isArray(decoded.v) || decoded.v.length !== keys.length)
      throw new Error();
    values = decoded.v;
  } catch {
    throw errors.badRequest(
      "cursor is not valid for this list (it comes from another sort or was altered).",
    );
  }
  const alternatives: SQL[] = [];
  const equalSoFar: SQL[] = [];
  keys.forEach((key, index) => {
    const value = values[index];
    const scalar = value === null || ["string", "number", "boolean"].includes(typeof value);
    if (!scalar) throw errors.badRequest("cursor is not valid for this list.");
    const column = sql`${sql.identifier(recordAlias)}.${sql.identifier(key.field.name)}`;
    const v = value === null ? undefined : typed(key.field, value);
    // Missing values are the largest: last ascending, first descending.
    const greater = key.descending
      ? v === undefined
        ? sql`${column} IS NOT NULL`
        : sql`${column} < ${v}`
      : v === undefined
        ? sql`false`
        : sql`(${column} > ${v} OR ${column} IS NULL)`;
    alternatives.push(sql.join([...equalSoFar, greater], sql` AND `));
    equalSoFar.push(v === undefined ? sql`${column} IS NULL` : sql`${column} = ${v}`);
  });
  return sql`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` OR `,
  )})`;
}
