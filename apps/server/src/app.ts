// createApp(deps): the HTTP surface of Cairn. No side effects at import; a test builds as many
// apps as it likes. Routes stay thin: parse, call one core verb, answer.

import {
  CollectionRegistry,
  createSecuritySettingsCache,
  errors,
  securityDefaults,
} from "@cairn/core";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { apiRateLimit } from "./http/api-rate-limit.js";
import { actorMiddleware } from "./http/auth.js";
import { limitBody } from "./http/body.js";
import { apiCors } from "./http/cors.js";
import type { CtxDeps } from "./http/ctx.js";
import type { AppDeps, AppEnv } from "./http/env.js";
import { createErrorHandler, errorResponse } from "./http/error-handler.js";
import { createMetrics, type MetricsDeps } from "./http/metrics.js";
import { isMultipart } from "./http/multipart.js";
import { createNotFoundHandler } from "./http/not-found.js";
import { requestLog } from "./http/request-log.js";
import { adminRoutes } from "./routes/admin.js";
import { authRoutes } from "./routes/auth.js";
import { oauth2Routes } from "./routes/auth-oauth2.js";
import { otpMfaRoutes } from "./routes/auth-otp-mfa.js";
import { authPageRoutes } from "./routes/auth-pages.js";
import { backupRoutes } from "./routes/backups.js";
import { batchRoutes } from "./routes/batch.js";
import { collectionRoutes } from "./routes/collections.js";
import { consoleRoutes } from "./routes/console.js";
import { fileRoutes } from "./routes/files.js";
import { healthRoutes } from "./routes/health.js";
import { logRoutes } from "./routes/logs.js";
import { metricsRoutes, metricsSettingsRoutes } from "./routes/metrics.js";
import { openApiRoutes } from "./routes/openapi.js";
import { realtimeRoutes } from "./routes/realtime.js";
import { recordRoutes } from "./routes/records.js";
import { schemaRoutes } from "./routes/schema.js";
import { oauth2SettingsRoutes } from "./routes/settings-oauth2.js";
import { securitySettingsRoutes } from "./routes/settings-security.js";
import { storageSettingsRoutes } from "./routes/settings-storage.js";
import { superuserRoutes } from "./routes/superusers.js";
import { webhookRoutes } from "./routes/webhooks.js";

export type { AppDeps, AppEnv };

const recordWritePath = /^\/api\/collections\/[^/]+\/records(?:\/[^/]+)?$/;
/** Methods whose requests Cairn never reads a body of. */
const bodiless = new Set(["GET", "HEAD", "OPTIONS"]);

export function createApp(deps: AppDeps & MetricsDeps) {
  const { config, database, logger } = deps;
  const collections = deps.collections ?? new CollectionRegistry(database);
  // CORS origins and rate limits: runtime settings, the environment's values until saved.
  const security = createSecuritySettingsCache({
    database,
    defaults: securityDefaults(config),
    log: logger,
  });
  const ctxDeps: CtxDeps & { bodyLimit: number; security: typeof security } = {
    database,
    collections,
    files: deps.files,
    bodyLimit: config.bodyLimit,
    log: logger,
    baseUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    trustProxy: config.trustProxy,
    authRateLimit: config.authRateLimit,
    security,
  };
  // Prometheus at /metrics; the server passes its own (with process metrics), tests get one each.
  const metrics = deps.metrics ?? createMetrics({ database, requestLogs: deps.requestLogs });
  const app = new Hono<AppEnv>();

  app.use(metrics.middleware);
  app.use(requestId());
  app.use(requestLog(logger, { writer: deps.requestLogs, trustProxy: config.trustProxy }));
  app.use(
    secureHeaders({
      // Apps on other origins embed Cairn's files and call its API.
      crossOriginResourcePolicy: "cross-origin",
    }),
  );
  app.use(
    "/api/*",
    apiCors({
      // Read per request from the `cors` setting. The console is same-origin: browsers never
      // apply CORS to it, so no list can lock it out.
      allowOrigin: async (origin) => {
        const { origins } = (await security.get()).cors;
        if (origins.includes("*")) return "*";
        return origins.includes(origin) ? origin : null;
      },
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id", "Last-Event-ID"],
      exposeHeaders: [
        "X-Request-Id",
        "Retry-After",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
      ],
      maxAge: 600,
    }),
  );

  app.use(
    "/_/auth/*",
    limitBody({
      maxSize: 16 * 1024,
      onError: (c) => errorResponse(c, errors.payloadTooLarge(16 * 1024)),
    }),
  );
  const apiBodyLimit = limitBody({
    maxSize: config.bodyLimit,
    onError: (c) => errorResponse(c, errors.payloadTooLarge(config.bodyLimit)),
  });
  // Record writes with files stream their multipart bodies under per-field limits instead. Reads
  // carry no body, and asking for one would make the adapter build a full Request for nothing.
  app.use("/api/*", (c, next) =>
    bodiless.has(c.req.method) || (isMultipart(c) && recordWritePath.test(c.req.path))
      ? next()
      : apiBodyLimit(c, next),
  );

  app.use("/api/*", actorMiddleware(database, collections, { publicUrl: config.publicUrl }));
  app.use("/api/*", apiRateLimit({ security, trustProxy: config.trustProxy }));

  app.route("/api", healthRoutes(database));
  app.route("/api/collections", collectionRoutes(ctxDeps));
  app.route("/api/collections", recordRoutes(ctxDeps));
  app.route("/api/files", fileRoutes(ctxDeps));
  app.route("/api/collections", authRoutes(ctxDeps));
  app.route("/api/collections", oauth2Routes(ctxDeps));
  app.route("/api/collections", otpMfaRoutes(ctxDeps));
  app.route("/api/superusers", superuserRoutes(ctxDeps));
  app.route("/api", adminRoutes(ctxDeps));
  app.route("/api/settings", oauth2SettingsRoutes(ctxDeps));
  app.route("/api/settings", securitySettingsRoutes(ctxDeps));
  app.route("/api/settings", storageSettingsRoutes(ctxDeps));
  app.route("/api/settings", metricsSettingsRoutes(ctxDeps));
  app.route("/api", batchRoutes(ctxDeps));
  app.route(
    "/api/realtime",
    realtimeRoutes({ ...ctxDeps, events: deps.events, onBroker: metrics.addRealtime }),
  );
  app.route("/api/schema", schemaRoutes(ctxDeps));
  app.route("/api/webhooks", webhookRoutes(ctxDeps));
  app.route("/api/logs", logRoutes(ctxDeps));
  app.route("/api/backups", backupRoutes(ctxDeps));
  app.route("/api", openApiRoutes({ collections, publicUrl: config.publicUrl }));
  // Outside /api: no CORS, no API rate limit, no session; the scrape token is checked instead.
  app.route("/", metricsRoutes({ ...ctxDeps, metrics }));
  // Before the console's catch-all: the pages auth mails link to.
  app.route("/_", authPageRoutes(ctxDeps));
  app.route("/_", consoleRoutes(config.consoleDir));
  app.get("/", (c) => c.redirect("/_/"));

  app.notFound(createNotFoundHandler(app));
  app.onError(createErrorHandler(logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
