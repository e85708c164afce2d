// The general per-IP limit on /api requests (the `rateLimits.api` setting). Counted in memory on
// each replica, in fixed one-minute windows: a database write per request would cost more than
// the limit saves. Never applies to superusers, API keys, the health check or the routes the
// auth limit already counts, so no setting can lock the console out (nor a load balancer's probe).
import { RateLimitedError, type SecuritySettingsCache } from "@cairn/core";
import type { Context, MiddlewareHandler } from "hono";
import { clientIp } from "./ctx.js";
import type { AppEnv } from "./env.js";

export interface MemoryRateLimiterOptions {
  windowMs?: number;
  /** Keys tracked at most; past it the stalest go first (default 10 000). */
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts over (at least 1). */
  resetSeconds: number;
}

/**
 * Fixed-window counters per key with a bounded map. A Map iterates in insertion order and a key
 * is re-inserted whenever its window starts over, so the front holds the oldest windows: expired
 * ones are swept from there, and when every slot is live the oldest goes (that client starts
 * over; memory stays bounded under a flood of addresses).
 */
export class MemoryRateLimiter {
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#windows.size;
  }

  /** Counts one request for `key` against `limit` per window. */
  consume(key: string, limit: number): RateLimitDecision {
    const now = this.#now();
    const start = Math.floor(now / this.#windowMs) * this.#windowMs;
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      this.#windows.delete(key);
      this.#makeRoom(start);
      window = { start, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      resetSeconds: Math.max(1, Math.ceil((start + this.#windowMs - now) / 1000)),
    };
  }

  #makeRoom(currentStart: number): void {
    for (const [key, window] of this.#windows) {
      if (window.start === currentStart) break;
      this.#windows.delete(key);
    }
    while (this.#windows.size >= this.#maxKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest === undefined) break;
      this.#windows.delete(oldest);
    }
  }
}

/** The paths the general limit never counts. */
function isExempt(c: Context<AppEnv>): boolean {
  const { method, path } = c.req;
  if (method === "OPTIONS") return true;
  const actor = c.get("actor");
  // The console's admins and servers holding an API key: a limit meant for browsers and apps
  // must not stop them (nor an admin fixing a limit set too low).
  if (actor?.kind === "superuser" || actor?.kind === "apiKey") return true;
  // Load balancers' probes.
  if (path === "/api/health" || path === "/api/ready") return true;
  // The console's sign-in keeps its own limit (CAIRN_AUTH_RATE_LIMIT).
  if (path === "/api/superusers" || path.startsWith("/api/superusers/")) return true;
  // What the auth limit counts (writes under /auth/) is not counted twice.
  return method !== "GET" && method !== "HEAD" && /^\/api\/collections\/[^/]+\/auth\//.test(path);
}

/** Refuses with 429 RATE_LIMITED (and Retry-After) past `rateLimits.api.perMinute` per client IP. */
export function apiRateLimit(
  deps: { security: SecuritySettingsCache; trustProxy?: boolean | undefined },
  limiter = new MemoryRateLimiter(),
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (isExempt(c)) return next();
    const { rateLimits } = await deps.security.get();
    if (!rateLimits.enabled || rateLimits.api.perMinute === 0) return next();
    const ip = clientIp(c, deps.trustProxy) ?? "unknown";
    const decision = limiter.consume(ip, rateLimits.api.perMinute);
    c.header("X-RateLimit-Limit", String(decision.limit));
    c.header("X-RateLimit-Remaining", String(decision.remaining));
    c.header("X-RateLimit-Reset", String(decision.resetSeconds));
    if (!decision.allowed) throw new RateLimitedError(decision.resetSeconds);
    return next();
  };
}
