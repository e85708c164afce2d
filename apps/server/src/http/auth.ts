// Resolves the caller from `Authorization: Bearer <token>`. No header: anonymous. A header
// with a bad or expired token: 401, so clients notice and sign in again.
import { authenticate, type CollectionRegistry, createCtx, errors } from "@cairn/core";
import type { Database } from "@cairn/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.js";

export function actorMiddleware(
  database: Database,
  collections: CollectionRegistry,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    // Probes never depend on who asks.
    if (!header || c.req.path === "/api/health" || c.req.path === "/api/ready") {
      c.set("actor", { kind: "anonymous" });
      return next();
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw errors.unauthorized('Send the token as "Authorization: Bearer <token>".');
    const actor = await authenticate({
      ctx: createCtx({ database, collections }),
      input: { token: match[1]! },
    });
    c.set("actor", actor);
    return next();
  };
}
