import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { endSessions, revokeSessionsOf } from "../auth/revoke-sessions.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";

/** Ends the superuser's current session, or all of them. */
export async function signOutSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { everywhere?: boolean };
}): Promise<void> {
  if (ctx.actor.kind !== "superuser") throw errors.unauthorized("Sign in as a superuser first.");
  if (input.everywhere) await revokeSessionsOf(ctx, { kind: "superuser", id: ctx.actor.id });
  else if (ctx.actor.sessionId) {
    await endSessions(ctx, eq(schema.sessions.id, ctx.actor.sessionId));
  }
}
