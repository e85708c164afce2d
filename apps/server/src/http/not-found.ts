// Unknown routes answer 404, known paths with the wrong method 405 with an Allow header,
// both in the error envelope.
import { errors } from "@cairn/core";
import type { Context, Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv } from "./env.js";
import { errorResponse } from "./error-handler.js";

const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export function createNotFoundHandler(app: Hono<AppEnv>) {
  let router: TrieRouter<true> | undefined;
  // Built on first use, when every route has been registered. Middleware (method ALL) matches
  // every path and says nothing about which methods a path serves, so it is left out.
  const routes = () => {
    if (!router) {
      router = new TrieRouter<true>();
      for (const route of app.routes) {
        if (route.method !== "ALL") router.add(route.method, route.path, true);
      }
    }
    return router;
  };
  return (c: Context<AppEnv>) => {
    const path = c.req.path;
    const allowed = methods.filter((method) => {
      const probe = method === "HEAD" ? "GET" : method;
      return routes().match(probe, path)[0].length > 0;
    });
    if (allowed.length > 0) {
      return errorResponse(
        c,
        errors.methodNotAllowed(`${c.req.method} is not allowed here; use ${allowed.join(", ")}.`),
        { Allow: allowed.join(", ") },
      );
    }
    return errorResponse(c, errors.notFound(`No route matches ${c.req.method} ${path}.`));
  };
}
