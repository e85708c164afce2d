import { schema } from "@cairn/db";
import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { isPrivileged } from "../context.js";
import { errors } from "../errors.js";
import { resolveAuthCollection } from "./auth-collection.js";

export interface SessionInfo {
  id: string;
  created: string;
  lastUsed: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** The session the request came with. */
  current: boolean;
  impersonatedBy: string | null;
}

/**
 * Sessions of a user: a user lists their own; superusers (and full API keys) any user's.
 * Ids are the stored hashes, never tokens.
 */
export async function listSessions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId?: string };
}): Promise<SessionInfo[]> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const self =
    ctx.actor.kind === "user" && ctx.actor.collectionId === collection.id ? ctx.actor : undefined;
  const userId = input.userId ?? self?.id;
  if (!userId) throw errors.unauthorized(`Sign in as a "${collection.name}" user first.`);
  if (userId !== self?.id && !isPrivileged(ctx, collection.name, "write")) {
    throw errors.forbidden("Only superusers can see other users' sessions.");
  }
  const rows = await ctx.db
    .select()
    .from(schema.sessions)
    .where(
      and(
        eq(schema.sessions.subjectKind, "user"),
        eq(schema.sessions.collectionId, collection.id),
        eq(schema.sessions.subjectId, userId),
      ),
    )
    .orderBy(desc(schema.sessions.lastUsed));
  return rows.map((row) => ({
    id: row.id,
    created: row.created.toISOString(),
    lastUsed: row.lastUsed.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: row.userAgent,
    ip: row.ip,
    current: row.id === self?.sessionId,
    impersonatedBy: row.impersonator,
  }));
}
