import { schema } from "@cairn/db";
import { and, eq } from "drizzle-orm";
import { type Ctx, isPrivileged } from "../context.js";
import { errors } from "../errors.js";
import { audit } from "./audit.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { endSessions, revokeSessionsOf } from "./revoke-sessions.js";

/**
 * Ends one session (`sessionId`) or all sessions of a user. Users end their own; superusers
 * any user's. Takes effect on the next request: sessions are checked on every request.
 */
export async function revokeSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId?: string; sessionId?: string };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const self =
    ctx.actor.kind === "user" && ctx.actor.collectionId === collection.id ? ctx.actor : undefined;
  const userId = input.userId ?? self?.id;
  if (!userId) throw errors.unauthorized(`Sign in as a "${collection.name}" user first.`);
  if (userId !== self?.id && !isPrivileged(ctx, collection.name, "write")) {
    throw errors.forbidden("Only superusers can end other users' sessions.");
  }
  if (input.sessionId) {
    const removed = await endSessions(
      ctx,
      and(
        eq(schema.sessions.id, input.sessionId),
        eq(schema.sessions.collectionId, collection.id),
        eq(schema.sessions.subjectId, userId),
      )!,
    );
    if (removed.length === 0) throw errors.notFound("No such session.");
  } else {
    await revokeSessionsOf(ctx, { kind: "user", collectionId: collection.id, id: userId });
  }
  await audit(ctx, {
    action: "auth.sessions_revoked",
    collectionId: collection.id,
    subjectId: userId,
    detail: { scope: input.sessionId ? "one" : "all" },
  });
}
