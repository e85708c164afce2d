// Housekeeping: rows that only matter until they expire (auth tokens, sessions, rate-limit
// windows, old lockouts) are removed now and then, so these tables stay small.
import { schema } from "@cairn/db";
import { isNotNull, lt, or, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";

export async function pruneExpired({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ tokens: number; sessions: number }> {
  const now = ctx.now();
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const tokens = await ctx.db
    .delete(schema.authTokens)
    .where(or(isNotNull(schema.authTokens.usedAt), lt(schema.authTokens.expiresAt, now)))
    .returning({ id: schema.authTokens.id });
  const sessions = await ctx.db
    .delete(schema.sessions)
    .where(lt(schema.sessions.expiresAt, now))
    .returning({ id: schema.sessions.id });
  await ctx.db.delete(schema.rateLimits).where(lt(schema.rateLimits.windowStart, dayAgo));
  await ctx.db
    .delete(schema.authLockouts)
    .where(
      sql`${schema.authLockouts.lastFailure} < ${dayAgo} and (${schema.authLockouts.lockedUntil} is null or ${schema.authLockouts.lockedUntil} < ${now})`,
    );
  return { tokens: tokens.length, sessions: sessions.length };
}
