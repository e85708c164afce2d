// One way to wrap a postgres.js client's statements: drizzle sends every query through `unsafe`,
// and a transaction's or savepoint's callback gets a client of its own, wrapped the same way.
import type { Sql } from "postgres";

type Unsafe = Sql["unsafe"];

/**
 * A client whose `unsafe` is `wrapUnsafe(target, inTransaction)` on the client itself and on
 * every client `begin([options], fn)` and `savepoint([name], fn)` hand their callbacks.
 */
export function wrapPostgres(
  client: Sql,
  wrapUnsafe: (target: Sql, inTransaction: boolean) => Unsafe,
): Sql {
  const wrap = (target: Sql, inTransaction: boolean): Sql => {
    const unsafe = wrapUnsafe(target, inTransaction);
    const scoped =
      (method: "begin" | "savepoint") =>
      (...args: unknown[]) => {
        const fn = args.pop() as (tx: Sql) => unknown;
        // `savepoint` exists on a transaction's client only, and is not in Sql's type.
        const call = (target as unknown as Record<typeof method, (...a: unknown[]) => unknown>)[
          method
        ];
        return call(...args, (tx: Sql) => fn(wrap(tx, true)));
      };
    const begin = scoped("begin");
    const savepoint = scoped("savepoint");
    return new Proxy(target, {
      get(object, key, receiver) {
        if (key === "unsafe") return unsafe;
        if (key === "begin") return begin;
        if (key === "savepoint") return savepoint;
        return Reflect.get(object, key, receiver);
      },
    });
  };
  return wrap(client, false);
}
