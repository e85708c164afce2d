// View collections: read-only collections defined by a SELECT. The view belongs to a role
// that can only read, and every read of it runs under that role in a read-only transaction,
// so a query cannot write or call privileged functions, whoever wrote it.
import { queryRows } from "@cairn/db";
import type { Collection, Field, FieldError } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { newFieldId } from "../ids.js";
import { quoteIdent, tableRef } from "../sql.js";

export const viewRole = "cairn_view_reader";

/** Refuses anything but one SELECT (or WITH … SELECT) statement. */
export function checkViewQuery(query: string): FieldError | undefined {
  const text = query.trim().replace(/;\s*$/, "");
  if (!/^(select|with)\b/i.test(text))
    return { code: "invalid", message: "A view query is one SELECT statement." };
  if (text.includes(";"))
    return { code: "invalid", message: "A view query is one statement: remove the ';'." };
  return undefined;
}

export function viewQueryText(query: string): string {
  return query.trim().replace(/;\s*$/, "");
}

/** DDL that creates the view, hands it to the read-only role and tries it under that role. */
export function viewStatements(collection: Collection): string[] {
  const role = quoteIdent(viewRole);
  const view = tableRef(collection.name);
  return [
    `DO $do$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $do$`,
    `GRANT USAGE ON SCHEMA "public" TO ${role}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO ${role}`,
    `DO $do$ BEGIN EXECUTE format('GRANT ${viewRole} TO %I', current_user); EXCEPTION WHEN OTHERS THEN NULL; END $do$`,
    `CREATE VIEW ${view} AS ${viewQueryText(collection.viewQuery ?? "")}`,
    `ALTER VIEW ${view} OWNER TO ${role}`,
    `SET LOCAL ROLE ${role}`,
    `SELECT * FROM ${view} LIMIT 0`,
    "RESET ROLE",
  ];
}

const textTypes = new Set(["text", "character varying", "character"]);
const numberTypes = new Set([
  "smallint",
  "integer",
  "bigint",
  "numeric",
  "real",
  "double precision",
]);
const dateTypes = new Set(["timestamp with time zone", "timestamp without time zone", "date"]);

/** The view's columns as fields; `id` (text) is required so records can be fetched by id. */
export async function describeView(
  tx: Ctx,
  collection: Collection,
  previous: Collection | undefined,
): Promise<Field[]> {
  const columns = await queryRows<{ name: string; type: string }>(
    tx.db,
    sql`select attname as name, format_type(atttypid, null) as type from pg_attribute
        where attrelid = ${`public.${quoteIdent(collection.name)}`}::regclass and attnum > 0 and not attisdropped
        order by attnum`,
  );
  const problems: Record<string, FieldError> = {};
  const fields: Field[] = [];
  const base = {
    required: false,
    nullable: true,
    unique: false,
    hidden: false,
    help: "",
    system: false,
  };
  for (const column of columns) {
    const id =
      previous?.fields.find((f) => f.name === column.name)?.id ??
      (column.name === "id" ? "id" : newFieldId());
    const cast = (message: string) => {
      problems[`viewQuery.${column.name}`] = { code: "unsupported_type", message };
    };
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(column.name)) {
      cast(`Column "${column.name}" needs a simple name (letters, digits, _): add an alias.`);
      continue;
    }
    let field: Field | undefined;
    if (textTypes.has(column.type))
      field = { ...base, id, name: column.name, type: "text" } as Field;
    else if (numberTypes.has(column.type))
      field = { ...base, id, name: column.name, type: "number", integer: false } as Field;
    else if (column.type === "boolean")
      field = { ...base, id, name: column.name, type: "bool" } as Field;
    else if (dateTypes.has(column.type))
      field = { ...base, id, name: column.name, type: "date" } as Field;
    else if (column.type === "json" || column.type === "jsonb" || column.type.endsWith("[]")) {
      field = { ...base, id, name: column.name, type: "json", maxSize: 1_048_576 } as Field;
    } else {
      cast(
        `Column "${column.name}" has type ${column.type}: cast it to text or a number in the query.`,
      );
      continue;
    }
    if (column.name === "id") {
      if (field.type !== "text") {
        cast('The "id" column must be text: cast it in the query (id::text).');
        continue;
      }
      field = { ...field, system: true };
    }
    fields.push(field);
  }
  if (!fields.some((f) => f.name === "id")) {
    problems.viewQuery ??= {
      code: "missing_id",
      message: 'A view query must return an "id" column (text).',
    };
  }
  if (Object.keys(problems).length > 0)
    throw errors.validation(problems, "The view query cannot back a collection.");
  return fields;
}

/** Runs a read of a view collection under the read-only role. */
export async function asViewReader<T>(tx: Ctx, read: () => Promise<T>): Promise<T> {
  await tx.db.execute(sql.raw(`SET LOCAL ROLE ${quoteIdent(viewRole)}`));
  try {
    return await read();
  } finally {
    await tx.db.execute(sql.raw("RESET ROLE"));
  }
}
