// Named prepared statements for drizzle's queries on Postgres: one round trip and no parse or plan
// per execution, where drizzle's unnamed statements cost two round trips and both.
import type { Sql } from "postgres";
import { wrapPostgres } from "./wrap-postgres.js";

/** Collection tables live in `public`; Cairn's own tables in `cairn`. */
const collectionTable = '"public".';

/**
 * Wraps a postgres.js client so drizzle's queries with parameters run as named prepared
 * statements, for at most `maxStatements` distinct statement texts per process (client filters
 * make the set of texts open; the first ones seen are the hot ones, the rest stay unnamed, and
 * postgres.js recycles each connection, and with it its statements, within the hour). Statements
 * with more than `maxParams` parameters stay unnamed: those are multi-row inserts and long `IN`
 * lists, whose text changes with their length, and they would crowd the hot ones out.
 *
 * A schema change can change what a prepared statement returns; Postgres then refuses it once
 * with "cached plan must not change result type". Outside a transaction postgres.js prepares it
 * again and retries, which is safe. Inside one the refusal has already aborted the transaction,
 * so there a statement on a collection's table is prepared only if it names what it returns
 * (no `*`): adding a field then changes its text (the record verbs list the columns they write
 * back), and Cairn's own tables change only with migrations.
 *
 * `?prepare=false` on the URL (PgBouncer in transaction mode before 1.21) turns preparing off
 * entirely: postgres.js honours it over this wrapper.
 */
export function preparingClient(client: Sql, maxStatements = 200, maxParams = 32): Sql {
  const admitted = new Set<string>();
  const admit = (query: string, params: unknown[] | undefined, inTransaction: boolean) => {
    if (!params || params.length === 0 || params.length > maxParams) return false;
    if (inTransaction && query.includes(collectionTable) && query.includes("*")) return false;
    if (admitted.has(query)) return true;
    if (admitted.size >= maxStatements) return false;
    admitted.add(query);
    return true;
  };
  return wrapPostgres(
    client,
    (target, inTransaction): Sql["unsafe"] =>
      (query, params, options) =>
        target.unsafe(query, params, {
          ...options,
          prepare: admit(query, params as unknown[] | undefined, inTransaction),
        }),
  );
}
