import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "../records/record-codec.js";
import { authOptionsOf, findUserById, ownRecord } from "./auth-collection.js";
import { requireUser } from "./current-user.js";

/** Extends the current session to a full lifetime; the token stays the same. */
export async function refreshSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<{ expiresAt: string; record: ApiRecord }> {
  const { collection, userId, sessionId } = await requireUser(ctx, input.collection);
  if (!sessionId) throw errors.badRequest("Only sessions can be refreshed.");
  if (ctx.actor.kind === "user" && ctx.actor.impersonator) {
    throw errors.badRequest("An impersonation session cannot be extended.");
  }
  const expiresAt = new Date(
    ctx.now().getTime() + authOptionsOf(collection).sessionLifetimeSeconds * 1000,
  );
  await ctx.db
    .update(schema.sessions)
    .set({ expiresAt, lastUsed: ctx.now() })
    .where(eq(schema.sessions.id, sessionId));
  const user = await findUserById(ctx, collection, userId);
  if (!user) throw errors.unauthorized("The account no longer exists.");
  return { expiresAt: expiresAt.toISOString(), record: ownRecord(collection, user) };
}
