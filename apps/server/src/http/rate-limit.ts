// A per-IP request limit for auth endpoints (in the database, so all replicas share it), on top
// of the per-account limits and lockouts the auth verbs apply themselves.
import { consumeRateLimit } from "@cairn/core";
import type { MiddlewareHandler } from "hono";
import { type CtxDeps, clientIp, ctxFor } from "./ctx.js";
import type { AppEnv } from "./env.js";

export function authRateLimit(
  deps: CtxDeps,
  options: { scope: string; perMinute: number },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS")
      return next();
    const ip = clientIp(c, deps.trustProxy) ?? "unknown";
    await consumeRateLimit(ctxFor(c, deps), {
      key: `${options.scope}:ip:${ip}`,
      limit: options.perMinute,
      windowMs: 60_000,
    });
    return next();
  };
}
