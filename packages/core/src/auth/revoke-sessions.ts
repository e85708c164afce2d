import { schema } from "@cairn/db";
import { and, eq, ne, type SQL } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { sessionCacheOf } from "./session-cache.js";

/** Ends every session of a user (or superuser), except `keep` (the one asking, say). */
export async function revokeSessionsOf(
  ctx: Ctx,
  subject: { kind: "user"; collectionId: string; id: string } | { kind: "superuser"; id: string },
  keep?: string,
): Promise<number> {
  const conditions = [
    eq(schema.sessions.subjectKind, subject.kind),
    eq(schema.sessions.subjectId, subject.id),
    ...(subject.kind === "user" ? [eq(schema.sessions.collectionId, subject.collectionId)] : []),
    ...(keep ? [ne(schema.sessions.id, keep)] : []),
  ];
  return (await endSessions(ctx, and(...conditions)!)).length;
}

/**
 * Deletes the sessions `where` matches and returns their ids. This process's session cache
 * forgets them when the deletion commits; other replicas hear the trigger's NOTIFY.
 */
export async function endSessions(ctx: Ctx, where: SQL): Promise<string[]> {
  const removed = await ctx.db
    .delete(schema.sessions)
    .where(where)
    .returning({ id: schema.sessions.id });
  const ids = removed.map((row) => row.id);
  if (ids.length > 0) {
    const cache = sessionCacheOf(ctx.database);
    ctx.afterCommit(() => {
      for (const id of ids) cache.forgetSession(id);
    });
  }
  return ids;
}
