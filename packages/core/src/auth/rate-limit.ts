// Fixed-window rate limits kept in the database, so every replica counts against the same
// windows. One upsert per check.
import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { CairnError } from "../errors.js";

export interface RateLimit {
  /** What is limited, e.g. "sign-in:ip:127.0.0.1". */
  key: string;
  limit: number;
  windowMs: number;
}

export class RateLimitedError extends CairnError {
  constructor(readonly retryAfterSeconds: number) {
    super("RATE_LIMITED", `Too many attempts; try again in ${retryAfterSeconds} s.`);
  }
}

/** Counts one attempt; throws 429 (with Retry-After) once the window's limit is passed. */
export async function consumeRateLimit(ctx: Ctx, limit: RateLimit): Promise<void> {
  const now = ctx.now();
  const windowStart = new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
  const [row] = await queryRows<{ count: number }>(
    ctx.db,
    sql`insert into cairn.rate_limits (key, window_start, count)
        values (${limit.key}, ${windowStart.toISOString()}::timestamptz, 1)
        on conflict (key) do update set
          count = case when cairn.rate_limits.window_start = excluded.window_start
                       then cairn.rate_limits.count + 1 else 1 end,
          window_start = excluded.window_start
        returning count`,
  );
  if ((row?.count ?? 0) > limit.limit) {
    const retryAfter = Math.max(
      1,
      Math.ceil((windowStart.getTime() + limit.windowMs - now.getTime()) / 1000),
    );
    throw new RateLimitedError(retryAfter);
  }
}
