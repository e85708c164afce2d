// Where the in-memory rule evaluator reads related records while one event fans out. One loader
// per event, shared by every subscriber: each related record (or back-relation, or collection)
// is read at most once per event however many subscribers' rules reach it. The loader returns
// raw records; each subscriber's evaluator applies its own guards.
import { queryRows } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { rowToRecord } from "../records/record-codec.js";
import { recordAlias, tableSql } from "../records/record-sql.js";
import { readAs } from "../records/record-verbs-shared.js";
import type { RecordData, RecordLoader } from "../rules/index.js";

/** Thrown when a rule would read a whole collection bigger than the loader takes. */
export class CollectionTooLarge extends Error {
  constructor(readonly collection: string) {
    super(`"${collection}" is too large to load for an in-memory rule.`);
    this.name = "CollectionTooLarge";
  }
}

export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

/** At most `size` at a time; realtime must not take every database connection from requests. */
export function createLimiter(size: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

export function eventLoader(
  ctx: Ctx,
  options: { limit: Limiter; maxCollectionRecords: number },
): RecordLoader {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = options.limit(load);
      cache.set(key, hit);
    }
    return hit;
  };
  const r = sql.identifier(recordAlias);
  const rows = (collection: Collection, where: ReturnType<typeof sql>, limit: number) =>
    readAs(ctx, collection, async (ctx) =>
      (
        await queryRows(
          ctx.db,
          sql`SELECT ${r}.* FROM ${tableSql(collection)} AS ${r} WHERE ${where} ORDER BY ${r}."id" LIMIT ${limit}`,
        )
      ).map((row) => rowToRecord(collection, row) as RecordData),
    );
  return {
    get: (collection, id) =>
      once(`get\0${collection.id}\0${id}`, async () => {
        const [found] = await rows(collection, sql`${r}."id" = ${id}`, 1);
        return found ?? null;
      }),
    list: (collection) =>
      once(`list\0${collection.id}`, async () => {
        const max = options.maxCollectionRecords;
        const found = await rows(collection, sql`TRUE`, max + 1);
        if (found.length > max) throw new CollectionTooLarge(collection.name);
        return found;
      }),
    backRelations: (source, field, targetId) =>
      once(`back\0${source.id}\0${field}\0${targetId}`, async () => {
        const f = source.fields.find((x) => x.name === field);
        const column = sql`${r}.${sql.identifier(field)}`;
        const where =
          f?.type === "relation" && f.multiple
            ? sql`${targetId}::text = ANY(${column})`
            : sql`${column} = ${targetId}`;
        const max = options.maxCollectionRecords;
        const found = await rows(source, where, max + 1);
        if (found.length > max) throw new CollectionTooLarge(source.name);
        return found;
      }),
  };
}
