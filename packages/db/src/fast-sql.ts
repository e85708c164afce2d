// drizzle's SQL compiler is generic: it recognises each chunk by walking its prototype chain and
// builds and merges one result object per chunk, about a tenth of a record request's CPU. Cairn's
// hot statements are raw `sql` templates made of a few kinds of chunk; this compiles those to the
// same text, parameters and typings, and leaves anything else (the query builder's columns,
// placeholders, encoded or inlined parameters, subqueries) to drizzle.
import { Name, type SQL, StringChunk, sql, Table } from "drizzle-orm";

export interface CompiledQuery {
  sql: string;
  params: unknown[];
  typings?: string[];
}

const SqlClass = sql``.constructor;
// Table.Symbol, which drizzle's types do not expose.
const tableName = Symbol.for("drizzle:Name");
const tableSchema = Symbol.for("drizzle:Schema");
const isAlias = Symbol.for("drizzle:IsAlias");
const inlines = (query: SQL) =>
  (query as unknown as { shouldInlineParams: boolean }).shouldInlineParams;

const escapeName = (name: string) =>
  name.includes('"') ? `"${name.replace(/"/g, '""')}"` : `"${name}"`;

interface Out {
  text: string;
  params: unknown[];
}

/** Appends the chunks; false when one is of a kind left to drizzle. */
function walk(chunks: readonly unknown[], out: Out): boolean {
  for (const chunk of chunks) {
    if (chunk === undefined) continue;
    // A function may be a pgEnum, which drizzle names rather than binds.
    if (typeof chunk === "function") return false;
    if (typeof chunk !== "object" || chunk === null || chunk instanceof Date) {
      out.params.push(chunk);
      out.text += `$${out.params.length}`;
      continue;
    }
    const kind = chunk.constructor;
    if (kind === StringChunk) {
      out.text += (chunk as StringChunk).value.join("");
    } else if (kind === SqlClass) {
      const nested = chunk as SQL;
      if (inlines(nested) || !walk(nested.queryChunks, out)) return false;
    } else if (kind === Name) {
      out.text += escapeName((chunk as Name).value);
    } else if (Array.isArray(chunk)) {
      out.text += "(";
      for (let i = 0; i < chunk.length; i++) {
        if (i > 0) out.text += ", ";
        if (!walk([chunk[i]], out)) return false;
      }
      out.text += ")";
    } else if (chunk instanceof Table) {
      const table = chunk as unknown as Record<symbol, unknown>;
      const name = escapeName(table[tableName] as string);
      const schema = table[tableSchema] as string | undefined;
      out.text += schema === undefined || table[isAlias] ? name : `${escapeName(schema)}.${name}`;
    } else {
      return false;
    }
  }
  return true;
}

/** The query drizzle would build from `query`, or undefined when it is not of the kinds above. */
export function compileSql(query: SQL): CompiledQuery | undefined {
  if (inlines(query)) return undefined;
  const out: Out = { text: "", params: [] };
  if (!walk(query.queryChunks, out)) return undefined;
  return out.params.length === 0
    ? { sql: out.text, params: out.params }
    : { sql: out.text, params: out.params, typings: out.params.map(() => "none") };
}

/** Makes a drizzle database (and its transactions, which share its dialect) compile with compileSql first. */
export function useFastSql(db: unknown): void {
  const dialect = (db as { dialect: { sqlToQuery(query: SQL, invokeSource?: unknown): unknown } })
    .dialect;
  const drizzleCompile = dialect.sqlToQuery.bind(dialect);
  dialect.sqlToQuery = (query, invokeSource) =>
    (invokeSource === undefined ? compileSql(query) : undefined) ??
    drizzleCompile(query, invokeSource);
}
