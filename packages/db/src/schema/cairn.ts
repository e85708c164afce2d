import { pgSchema } from "drizzle-orm/pg-core";

/** Every system table lives in this Postgres schema, apart from the apps' own collections. */
export const cairn = pgSchema("cairn");
