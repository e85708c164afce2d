import {
  type CollectionRegistry,
  type Ctx,
  createCtx,
  type FileStorage,
  type Log,
  type SecuritySettingsCache,
} from "@cairn/core";
import type { Database } from "@cairn/db";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AppEnv } from "./env.js";

export interface CtxDeps {
  database: Database;
  collections: CollectionRegistry;
  files?: FileStorage | undefined;
  log?: Log | undefined;
  /** This server's base URL for links in mails (CAIRN_PUBLIC_URL, never a request header). */
  baseUrl?: string | undefined;
  /** Whether X-Forwarded-For names the client (behind a trusted proxy). */
  trustProxy?: boolean | undefined;
  /** Auth requests per client IP per minute: the superusers' own limit (CAIRN_AUTH_RATE_LIMIT). */
  authRateLimit?: number | undefined;
  /** The CORS and rate limit settings in force (app users' auth limit, the general API limit). */
  security?: SecuritySettingsCache | undefined;
}

/** The client's address: the socket's peer, or the first X-Forwarded-For hop behind a proxy. */
export function clientIp(c: Context<AppEnv>, trustProxy = false): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** The domain context for one request: its actor and what rules may read as @request.*. */
export function ctxFor(c: Context<AppEnv>, deps: CtxDeps): Ctx {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    if (key !== "authorization" && key !== "cookie") headers[key.replaceAll("-", "_")] = value;
  });
  return createCtx({
    database: deps.database,
    collections: deps.collections,
    files: deps.files,
    actor: c.get("actor") ?? { kind: "anonymous" },
    request: {
      method: c.req.method,
      query: c.req.query(),
      headers,
      ip: clientIp(c, deps.trustProxy),
    },
    log: deps.log,
    baseUrl: deps.baseUrl,
  });
}
