// The live schema, cached in memory: every verb looks collections up here instead of reading
// cairn.collections per request. A schema change invalidates it after commit, on every replica.
import { type Database, type Db, schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { asc } from "drizzle-orm";

export interface CollectionLookup {
  byId(id: string): Collection | undefined;
  byName(name: string, options?: { caseInsensitive?: boolean }): Collection | undefined;
  all(): Collection[];
}

/** A lookup over a fixed list, e.g. the schema as a transaction is about to leave it. */
export function staticLookup(list: Collection[]): CollectionLookup {
  const byId = new Map(list.map((c) => [c.id, c]));
  const byName = new Map(list.map((c) => [c.name, c]));
  const byLower = new Map(list.map((c) => [c.name.toLowerCase(), c]));
  return {
    byId: (id) => byId.get(id),
    byName: (name, options) =>
      options?.caseInsensitive ? byLower.get(name.toLowerCase()) : byName.get(name),
    all: () => list,
  };
}

export class CollectionRegistry {
  #loading: Promise<CollectionLookup> | undefined;
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /**
   * The current schema; loads it on first use and after invalidate(). Pass the caller's
   * transaction when inside one: PGlite has one connection, and a query outside an open
   * transaction would wait for it forever.
   */
  current(db: Db = this.#database.db): Promise<CollectionLookup> {
    this.#loading ??= readSchema(db).catch((error) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  invalidate(): void {
    this.#loading = undefined;
  }

  /**
   * Follows schema changes made by other processes (replicas on one Postgres): their commits
   * NOTIFY, and the cache is dropped. Resolves once listening; the returned function stops.
   */
  follow(): Promise<() => Promise<void>> {
    return this.#database.listen(schemaChannel, () => this.invalidate());
  }
}

/** Schema changes NOTIFY here when they commit. */
export const schemaChannel = "cairn_schema";

/** Reads the schema straight from the database (schema changes do, under their lock). */
export async function readSchema(db: Db): Promise<CollectionLookup> {
  const rows = await db
    .select({ definition: schema.collections.definition })
    .from(schema.collections)
    .orderBy(asc(schema.collections.created), asc(schema.collections.name));
  return staticLookup(rows.map((row) => row.definition as Collection));
}
