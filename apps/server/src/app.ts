// createApp(deps): the HTTP surface of Cairn. No side effects at import; a test builds as many
// apps as it likes. Routes stay thin: parse, call one core verb, answer.

import { errors } from "@cairn/core";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps, AppEnv } from "./http/env.js";
import { createErrorHandler, errorResponse } from "./http/error-handler.js";
import { createNotFoundHandler } from "./http/not-found.js";
import { requestLog } from "./http/request-log.js";
import { consoleRoutes } from "./routes/console.js";
import { healthRoutes } from "./routes/health.js";

export type { AppDeps, AppEnv };

export function createApp(deps: AppDeps) {
  const { config, database, logger } = deps;
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog(logger));
  app.use(
    secureHeaders({
      // Apps on other origins embed Cairn's files and call its API.
      crossOriginResourcePolicy: "cross-origin",
    }),
  );
  app.use(
    "/api/*",
    cors({
      origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
      exposeHeaders: ["X-Request-Id", "Retry-After"],
      maxAge: 600,
    }),
  );
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.bodyLimit,
      onError: (c) => errorResponse(c, errors.payloadTooLarge(config.bodyLimit)),
    }),
  );

  app.route("/api", healthRoutes(database));
  app.route("/_", consoleRoutes(config.consoleDir));
  app.get("/", (c) => c.redirect("/_/"));

  app.notFound(createNotFoundHandler(app));
  app.onError(createErrorHandler(logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
