import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { resolveAuthCollection } from "./auth-collection.js";

/** The signed-in user of this auth collection, or 401. */
export async function requireUser(
  ctx: Ctx,
  collectionName: string,
): Promise<{ collection: Collection; userId: string; sessionId: string | undefined }> {
  const { collection } = await resolveAuthCollection(ctx, collectionName);
  const actor = ctx.actor;
  if (actor.kind !== "user" || actor.collectionId !== collection.id) {
    throw errors.unauthorized(`Sign in as a "${collection.name}" user first.`);
  }
  return { collection, userId: actor.id, sessionId: actor.sessionId };
}
