// Counts the statements this process has handed its database client and not yet had answered
// (those waiting for a connection included), for the cairn_db_queries_in_flight metric. It only
// watches: a query is never delayed, changed, started early or retried on its account.
import type { PGlite, QueryOptions, Transaction } from "@electric-sql/pglite";
import type { Sql } from "postgres";
import { wrapPostgres } from "./wrap-postgres.js";

export interface QueryGauge {
  /** Statements handed to the client and not settled yet. */
  readonly inFlight: number;
  /** Counts `query` until it settles; returns it as it is. */
  track<T extends Promise<unknown>>(query: T): T;
}

export function createQueryGauge(): QueryGauge {
  let inFlight = 0;
  const settled = () => {
    inFlight -= 1;
  };
  return {
    get inFlight() {
      return inFlight;
    },
    track(query) {
      inFlight += 1;
      // The base Promise's then, not the query's own: a postgres.js query starts when its then()
      // is first called, and drizzle still calls .values() on it after it is handed back.
      Promise.prototype.then.call(query, settled, settled);
      return query;
    },
  };
}

/**
 * A postgres.js client whose statements are counted, those in transactions and savepoints too
 * (their callback gets a client of their own, wrapped the same way).
 */
export function countingPostgres(client: Sql, gauge: QueryGauge): Sql {
  return wrapPostgres(
    client,
    (target): Sql["unsafe"] =>
      (query, params, options) =>
        gauge.track(target.unsafe(query, params, options)),
  );
}

/** A PGlite client whose statements are counted, a transaction's too. */
export function countingPglite(client: PGlite, gauge: QueryGauge): PGlite {
  const counted = (target: Pick<Transaction, "query" | "exec">) => ({
    query: <T>(query: string, params?: unknown[], options?: QueryOptions) =>
      gauge.track(target.query<T>(query, params, options)),
    exec: (query: string, options?: QueryOptions) => gauge.track(target.exec(query, options)),
  });
  const wrapTransaction = (tx: Transaction): Transaction => {
    const own = counted(tx);
    return new Proxy(tx, {
      get(object, key) {
        return key === "query" || key === "exec" ? own[key] : Reflect.get(object, key, object);
      },
    });
  };
  const own = {
    ...counted(client),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) =>
      client.transaction((tx) => callback(wrapTransaction(tx))),
  };
  return new Proxy(client, {
    get(object, key) {
      if (key === "query" || key === "exec" || key === "transaction") return own[key];
      const value = Reflect.get(object, key, object);
      // PGlite keeps its state in private fields: its methods must run on the instance itself.
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
