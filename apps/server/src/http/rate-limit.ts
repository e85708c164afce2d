// A per-IP request limit for auth endpoints (in the database, so all replicas share it), on top
// of the per-account limits and lockouts the auth verbs apply themselves. App users' limit follows
// the `rateLimits` setting; a fixed `perMinute` (the superusers') ignores it.
import { consumeRateLimit } from "@cairn/core";
import type { MiddlewareHandler } from "hono";
import { type CtxDeps, clientIp, ctxFor } from "./ctx.js";
import type { AppEnv } from "./env.js";

export function authRateLimit(
  deps: CtxDeps,
  options: { scope: string; perMinute?: number },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS")
      return next();
    let limit = options.perMinute;
    if (limit === undefined) {
      const settings = deps.security && (await deps.security.get()).rateLimits;
      if (settings && !settings.enabled) return next();
      limit = settings?.auth.perMinute ?? deps.authRateLimit ?? 30;
    }
    const ip = clientIp(c, deps.trustProxy) ?? "unknown";
    await consumeRateLimit(ctxFor(c, deps), {
      key: `${options.scope}:ip:${ip}`,
      limit,
      windowMs: 60_000,
    });
    return next();
  };
}
