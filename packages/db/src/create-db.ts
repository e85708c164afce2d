// createDb(): the same drizzle API over embedded PGlite (default) or a Postgres server.
// Owns connecting, locking the PGlite data directory, applying migrations and closing.
// It never reads process.env: the server passes its parsed config in.
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { useFastSql } from "./fast-sql.js";
import { latestMigrationMillis, migrationsFolder, migrationsTable } from "./migrations.js";
import { preparingClient } from "./prepared-statements.js";
import { countingPglite, countingPostgres, createQueryGauge } from "./query-gauge.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
/** The drizzle API both drivers share. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Driver = "pglite" | "postgres";

export interface Database {
  readonly db: Db;
  readonly driver: Driver;
  /** Runs a query built with drizzle's `sql` tag and returns its rows, on either driver. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Statements sent through `db` (and `rows`) that have no answer yet, those waiting for a
   * connection included. A method, not a getter, so copies of this object keep counting.
   */
  queriesInFlight(): number;
  /** True when every committed migration has been applied. */
  isMigrated(): Promise<boolean>;
  /** Applies the committed migrations that are missing; safe with several replicas at once. */
  migrate(): Promise<void>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (from any process on Postgres; PGlite has
   * one process). Resolves once listening; the returned function stops.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DbConfig {
  /** A postgres:// URL; without it Cairn opens PGlite under `dataDir`. */
  databaseUrl?: string | undefined;
  /** Holds `pglite/` (the embedded database) and its lock file. */
  dataDir: string;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** Postgres connection pool size (default 10). */
  poolSize?: number;
}

export async function createDb(config: DbConfig): Promise<Database> {
  const database = config.databaseUrl
    ? openPostgres(config.databaseUrl, { poolSize: config.poolSize })
    : await openPgliteDir(config.dataDir);
  try {
    await database.ping().catch((error: unknown) => {
      throw new DatabaseUnreachableError(describeTarget(config), error);
    });
    if (config.migrate !== false) await database.migrate();
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return database;
}

export class DatabaseUnreachableError extends Error {
  readonly code = "DATABASE_UNREACHABLE";
  constructor(target: string, cause: unknown) {
    super(`Cannot reach the database at ${target}: ${rootMessage(cause)}`, { cause });
    this.name = "DatabaseUnreachableError";
  }
}

/** Where we connect, without the password. */
function describeTarget(config: DbConfig): string {
  if (!config.databaseUrl) return join(config.dataDir, "pglite");
  try {
    const url = new URL(config.databaseUrl);
    return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/** Drizzle wraps driver errors; the innermost message says what actually happened. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

async function openPgliteDir(dataDir: string): Promise<Database> {
  const lock = lockDataDir(dataDir);
  try {
    const client = await PGlite.create({ dataDir: join(dataDir, "pglite") });
    return openPglite(client, { lock });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Wraps an open PGlite instance (a data directory, or in memory for tests). */
export function openPglite(client: PGlite, options: { lock?: DataDirLock } = {}): Database {
  const gauge = createQueryGauge();
  const db = drizzlePglite({ client: countingPglite(client, gauge), schema });
  useFastSql(db);
  return makeDatabase(db as unknown as Db, "pglite", {
    queriesInFlight: () => gauge.inFlight,
    migrate: () => migratePglite(db, { migrationsFolder, ...migrationsTable }),
    async listen(channel, onNotify) {
      const stop = await client.listen(channel, onNotify);
      return async () => {
        if (!client.closed) await stop();
      };
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        options.lock?.release();
      }
    },
  });
}

/** Connects to a Postgres server; connections open lazily, so call ping() to check the URL. */
export function openPostgres(
  url: string,
  options: { poolSize?: number | undefined } = {},
): Database {
  const client = postgres(url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    // Cairn's queries are short; JIT compiling them (as Postgres does for tables without
    // statistics) costs far more than it saves.
    // UTC: timestamps come back as "…+00", which the API turns into ISO strings cheaply.
    connection: { application_name: "cairn", jit: "off", TimeZone: "UTC" },
  });
  const gauge = createQueryGauge();
  const db = drizzlePostgres({ client: preparingClient(countingPostgres(client, gauge)), schema });
  useFastSql(db);
  return makeDatabase(db as unknown as Db, "postgres", {
    queriesInFlight: () => gauge.inFlight,
    async migrate() {
      // One connection holds a session advisory lock for the whole run, so replicas that
      // start together apply each migration exactly once.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(hashtext('cairn.migrate'))`;
        await migratePostgres(drizzlePostgres({ client: single }), {
          migrationsFolder,
          ...migrationsTable,
        });
        await single`select pg_advisory_unlock(hashtext('cairn.migrate'))`;
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async listen(channel, onNotify) {
      // postgres.js keeps one connection for LISTEN and re-listens after a reconnect.
      const { unlisten } = await client.listen(channel, (payload) => onNotify(payload));
      return unlisten;
    },
    close: () => client.end({ timeout: 5 }),
  });
}

/** Runs raw SQL on a database or a transaction and returns its rows, on either driver. */
export async function queryRows<T extends Record<string, unknown>>(
  db: Db,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  // postgres.js answers with an array of rows, PGlite with { rows }.
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

function makeDatabase(
  db: Db,
  driver: Driver,
  ops: Pick<Database, "queriesInFlight" | "migrate" | "listen" | "close">,
): Database {
  const latest = latestMigrationMillis();
  const rows = <T extends Record<string, unknown>>(query: SQL) => queryRows<T>(db, query);
  let closing: Promise<void> | undefined;
  return {
    db,
    driver,
    rows,
    async ping() {
      await rows(sql`select 1 as ok`);
    },
    async isMigrated() {
      try {
        const [row] = await rows<{ latest: string | number | null }>(
          sql`select max(created_at) as latest from cairn.migrations`,
        );
        return Number(row?.latest ?? 0) >= latest;
      } catch {
        return false;
      }
    },
    queriesInFlight: ops.queriesInFlight,
    migrate: ops.migrate,
    listen: ops.listen,
    close() {
      closing ??= ops.close();
      return closing;
    },
  };
}
