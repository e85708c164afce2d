// Compiles a client's `sort` parameter (`-created,author.name,title`) to ORDER BY terms.
// Reuses the rule language's path resolution and list-rule guards; refuses anything ambiguous.
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { errors, isCairnError } from "../errors.js";
import type { Segment } from "./rule-ast.js";
import { resolveFieldPath } from "./rule-check.js";
import { tokenize } from "./rule-lexer.js";
import { type CompileScope, SqlCompiler } from "./rule-sql.js";

export const maxSortKeys = 16;
const maxSortLength = 1024;

/**
 * ORDER BY terms for `sort` on the collection aliased `scope.alias`. `-` sorts descending;
 * `@random` shuffles. Text sorts by code point (COLLATE "C"), as comparisons do. Missing
 * values sort last ascending and first descending (they count as the largest value). `id` is
 * appended as a tiebreak so pages are stable.
 */
export function compileSort(sort: string, scope: CompileScope): SQL[] {
  const alias = scope.alias ?? "r";
  const fail = (message: string): never => {
    throw errors.badRequest(`Invalid sort: ${message}`);
  };
  if (sort.length > maxSortLength) fail(`longer than ${maxSortLength} characters`);
  const items = sort.trim() === "" ? [] : sort.split(",").map((item) => item.trim());
  if (items.length > maxSortKeys) fail(`at most ${maxSortKeys} keys`);
  const compiler = new SqlCompiler(scope);
  const terms: SQL[] = [];
  let hasId = false;
  for (const item of items) {
    if (item === "") fail("an empty key between commas");
    const descending = item.startsWith("-");
    const name = descending || item.startsWith("+") ? item.slice(1) : item;
    if (name === "@random") {
      terms.push(sql`random()`);
      continue;
    }
    const path = resolveFieldPath(name, segmentsOf(name, fail), {
      collection: scope.collection,
      lookup: scope.lookup,
      allowHiddenFields: scope.allowHiddenFields ?? scope.request.isSuperuser,
    });
    if (path.multi) fail(`"${name}" holds several values and cannot be sorted by`);
    const ownId = path.steps.length === 0 && path.field.name === "id";
    if (ownId) hasId = true;
    const value = compiler.scalarPath(path, { main: alias, aliases: new Map(), stack: [] });
    // The id sorts in the primary key's own collation so the index serves the sort (and the
    // tiebreak); it only decides the order of otherwise equal rows, which just has to be stable.
    const key = path.type === "text" && !ownId ? sql`${value.sql} COLLATE "C"` : value.sql;
    terms.push(descending ? sql`${key} DESC NULLS FIRST` : sql`${key} ASC NULLS LAST`);
  }
  if (!hasId) terms.push(sql`${sql.identifier(alias)}.${sql.identifier("id")} ASC`);
  return terms;
}

function segmentsOf(name: string, fail: (message: string) => never): Segment[] {
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(name);
  } catch (error) {
    if (isCairnError(error)) fail(`"${name}" is not a field name`);
    throw error;
  }
  const [token, end] = tokens;
  if (token?.kind !== "path" || token.at || end?.kind !== "eof") {
    return fail(`"${name}" is not a field name`);
  }
  if (token.parts.some((part) => part.separator === ":")) fail(`"${name}": modifiers cannot sort`);
  return token.parts.map((part) => ({ name: part.name, offset: part.offset }));
}
