import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type CollectionLookup, readSchema } from "./collection-registry.js";

export function requireSuperuser(ctx: Ctx): void {
  if (ctx.actor.kind === "anonymous")
    throw errors.unauthorized("Sign in as a superuser to manage collections.");
  // API keys with the "full" scope manage the schema too.
  if (ctx.actor.kind === "apiKey" && ctx.actor.scopes.includes("full")) return;
  if (ctx.actor.kind !== "superuser") {
    throw errors.forbidden("Only superusers can manage collections.");
  }
}

/**
 * Serialises schema changes across every replica and returns the schema as committed, read
 * inside the transaction (the in-memory cache may be behind another replica's change).
 */
export async function lockSchema(tx: Ctx): Promise<CollectionLookup> {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('cairn.schema'))`);
  return readSchema(tx.db);
}
