import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { audit } from "./audit.js";
import { requireUser } from "./current-user.js";
import { endSessions, revokeSessionsOf } from "./revoke-sessions.js";

/** Ends the current session, or with `everywhere` every session of the user. */
export async function signOut({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; everywhere?: boolean };
}): Promise<void> {
  const { collection, userId, sessionId } = await requireUser(ctx, input.collection);
  if (input.everywhere) {
    await revokeSessionsOf(ctx, { kind: "user", collectionId: collection.id, id: userId });
    await audit(ctx, {
      action: "auth.sessions_revoked",
      collectionId: collection.id,
      subjectId: userId,
      detail: { scope: "all" },
    });
  } else if (sessionId) {
    await endSessions(ctx, eq(schema.sessions.id, sessionId));
    await audit(ctx, { action: "auth.sign_out", collectionId: collection.id, subjectId: userId });
  }
}
