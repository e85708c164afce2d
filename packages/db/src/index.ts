export type { Database, Db, DbConfig, Driver, Schema } from "./create-db.js";
export {
  createDb,
  DatabaseUnreachableError,
  openPglite,
  openPostgres,
  queryRows,
} from "./create-db.js";
export type { DataDirLock } from "./data-dir-lock.js";
export { DataDirInUseError, lockDataDir } from "./data-dir-lock.js";
export { latestMigrationMillis, migrationsFolder } from "./migrations.js";
export * as schema from "./schema/index.js";
