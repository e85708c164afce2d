// The request log's admin API, mounted at /api/logs: the filtered list (keyset paging), the
// stats behind the console's chart, and one entry. Superusers only; the core verbs check it.
import { getRequestLog, getRequestLogStats, listRequestLogs } from "@cairn/core";
import { type Context, Hono } from "hono";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** The filters both the list and the stats take, straight from the query string. */
function filters(c: Context<AppEnv>) {
  // `status` may come once as a list ("4xx,5xx") or repeated (?status=401&status=403).
  const status = c.req.queries("status");
  return {
    status: status?.join(","),
    method: c.req.query("method"),
    path: c.req.query("path"),
    minDuration: c.req.query("minDuration"),
    maxDuration: c.req.query("maxDuration"),
    from: c.req.query("from"),
    to: c.req.query("to"),
    requestId: c.req.query("requestId"),
    actor: c.req.query("actor"),
  };
}

export function logRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const input = { ...filters(c), limit: c.req.query("limit"), before: c.req.query("before") };
      return c.json(await listRequestLogs({ ctx: ctxFor(c, deps), input }));
    })
    .get("/stats", async (c) =>
      c.json(await getRequestLogStats({ ctx: ctxFor(c, deps), input: filters(c) })),
    )
    .get("/:id", async (c) =>
      c.json(await getRequestLog({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } })),
    );
}
