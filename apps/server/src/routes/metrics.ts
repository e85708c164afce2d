// GET /metrics (Prometheus text, outside /api: no CORS, no rate limit, its own bearer token) and
// the admin API for it under /api/settings: read and switch, and generate the token (shown once).
// Superusers only for the admin API; the core verbs check it.
import {
  authorizeMetricsScrape,
  createMetricsToken,
  getMetricsSettings,
  updateMetricsSettings,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import type { AppMetrics } from "../http/metrics.js";

const noStore = { "Cache-Control": "no-store" };

export function metricsRoutes(deps: CtxDeps & { metrics: AppMetrics }) {
  return new Hono<AppEnv>().get("/metrics", async (c) => {
    await authorizeMetricsScrape({
      ctx: ctxFor(c, deps),
      input: { authorization: c.req.header("authorization") },
    });
    const { registry } = deps.metrics;
    return c.body(await registry.metrics(), 200, {
      "Content-Type": registry.contentType,
      ...noStore,
    });
  });
}

export function metricsSettingsRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/metrics", async (c) =>
      c.json(await getMetricsSettings({ ctx: ctxFor(c, deps) }), 200, noStore),
    )
    .patch("/metrics", async (c) => {
      const ctx = ctxFor(c, deps);
      const body = await readJsonObject(c);
      return c.json(await updateMetricsSettings({ ctx, input: { body } }), 200, noStore);
    })
    .post("/metrics/token", async (c) =>
      c.json(await createMetricsToken({ ctx: ctxFor(c, deps) }), 201, noStore),
    );
}
