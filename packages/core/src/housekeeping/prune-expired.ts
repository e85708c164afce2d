// Housekeeping: rows that only matter until they expire (auth tokens, sessions, rate-limit
// windows, old lockouts) are removed now and then, so these tables stay small.
import { schema } from "@cairn/db";
import { and, isNotNull, isNull, lt, or } from "drizzle-orm";
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
  // Through the column operators, not raw SQL: they turn Dates into the driver's timestamps.
  await ctx.db
    .delete(schema.authLockouts)
    .where(
      and(
        lt(schema.authLockouts.lastFailure, dayAgo),
        or(isNull(schema.authLockouts.lockedUntil), lt(schema.authLockouts.lockedUntil, now)),
      ),
    );
  return { tokens: tokens.length, sessions: sessions.length };
}
