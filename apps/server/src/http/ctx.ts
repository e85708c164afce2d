import { type CollectionRegistry, type Ctx, createCtx } from "@cairn/core";
import type { Database } from "@cairn/db";
import type { Context } from "hono";
import type { AppEnv } from "./env.js";

/** The domain context for one request: its actor and what rules may read as @request.*. */
export function ctxFor(
  c: Context<AppEnv>,
  deps: { database: Database; collections: CollectionRegistry },
): Ctx {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    if (key !== "authorization" && key !== "cookie") headers[key.replaceAll("-", "_")] = value;
  });
  return createCtx({
    database: deps.database,
    collections: deps.collections,
    actor: c.get("actor") ?? { kind: "anonymous" },
    request: { method: c.req.method, query: c.req.query(), headers },
  });
}
