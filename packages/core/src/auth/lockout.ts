// Progressive lockout after failed sign-ins: from the 5th failure in a row an account is
// locked for 1, 2, 4 … minutes (at most an hour). A success clears it. Keyed by email, so
// unknown emails lock the same way and a lockout reveals nothing.
import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { RateLimitedError } from "./rate-limit.js";

export const lockoutThreshold = 5;
const maxLockMs = 60 * 60 * 1000;
/** Failures older than this no longer count. */
const forgetAfterMs = 24 * 60 * 60 * 1000;

export function lockoutKey(scope: string, email: string): string {
  return `${scope}:${email.trim().toLowerCase()}`;
}

export async function assertNotLocked(ctx: Ctx, key: string): Promise<void> {
  const [row] = await ctx.db
    .select()
    .from(schema.authLockouts)
    .where(eq(schema.authLockouts.key, key));
  const now = ctx.now().getTime();
  if (row?.lockedUntil && row.lockedUntil.getTime() > now) {
    throw new RateLimitedError(Math.ceil((row.lockedUntil.getTime() - now) / 1000));
  }
}

/** Counts a failure; returns true when this failure locked the account. */
export async function recordFailure(ctx: Ctx, key: string): Promise<boolean> {
  const now = ctx.now();
  const [row] = await ctx.db
    .select()
    .from(schema.authLockouts)
    .where(eq(schema.authLockouts.key, key));
  const failures =
    row && now.getTime() - row.lastFailure.getTime() < forgetAfterMs ? row.failures + 1 : 1;
  const lockedUntil =
    failures >= lockoutThreshold
      ? new Date(now.getTime() + Math.min(2 ** (failures - lockoutThreshold) * 60_000, maxLockMs))
      : null;
  await ctx.db
    .insert(schema.authLockouts)
    .values({ key, failures, lastFailure: now, lockedUntil })
    .onConflictDoUpdate({
      target: schema.authLockouts.key,
      set: { failures: sql`excluded.failures`, lastFailure: now, lockedUntil },
    });
  return lockedUntil !== null;
}

export async function clearFailures(ctx: Ctx, key: string): Promise<void> {
  await ctx.db.delete(schema.authLockouts).where(eq(schema.authLockouts.key, key));
}
