import { sql } from "drizzle-orm";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import { type CollectionLookup, readSchema } from "./collection-registry.js";

export function requireSuperuser(ctx: Ctx): void {
  // API keys with the "full" scope manage the schema too.
  requireAdmin(ctx, { task: "manage collections", apiKeys: true });
}

/**
 * Serialises schema changes across every replica and returns the schema as committed, read
 * inside the transaction (the in-memory cache may be behind another replica's change).
 */
export async function lockSchema(tx: Ctx): Promise<CollectionLookup> {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('cairn.schema'))`);
  return readSchema(tx.db);
}
