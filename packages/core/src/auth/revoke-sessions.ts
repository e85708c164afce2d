import { schema } from "@cairn/db";
import { and, eq, ne } from "drizzle-orm";
import type { Ctx } from "../context.js";

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
  const removed = await ctx.db
    .delete(schema.sessions)
    .where(and(...conditions))
    .returning({ id: schema.sessions.id });
  return removed.length;
}
