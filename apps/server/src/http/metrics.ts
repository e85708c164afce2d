// Prometheus metrics of one app (served at /metrics by routes/metrics.ts): HTTP requests by
// matched route PATTERN (never the raw path: ids would make the label set unbounded), database,
// outbox, realtime, webhooks, request log, and (for a server) process metrics. Its own registry
// per app: never prom-client's global one, since tests build many apps in one process.
import type { RealtimeStats, RequestLogWriter, WebhookAttemptStat } from "@cairn/core";
import type { Database } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AppEnv } from "./env.js";

export interface AppMetrics {
  readonly registry: Registry;
  /** Counts and times every request; mount it first. */
  readonly middleware: MiddlewareHandler<AppEnv>;
  /** Reports a realtime broker's counts (routes/realtime.ts calls it for its broker). */
  addRealtime(source: { stats(): RealtimeStats }): void;
  /** Records one webhook delivery attempt (the webhook worker's `onAttempt`). */
  webhookAttempt(attempt: WebhookAttemptStat): void;
}

export interface MetricsOptions {
  database: Pick<Database, "driver" | "rows" | "queriesInFlight">;
  requestLogs?: Pick<RequestLogWriter, "dropped" | "buffered"> | undefined;
  /**
   * Also collect the process's CPU, memory, event loop lag and GC (prom-client's defaults).
   * Once per process: the server turns it on, tests' apps leave it off.
   */
  processMetrics?: boolean;
  /** The Postgres pool's size (createDb's default: 10); PGlite always has 1 connection. */
  poolMax?: number;
  /**
   * How long the numbers counted in the database at scrape time (webhook queue depth, outbox
   * lag) are reused between scrapes (default 5 s).
   */
  queryCacheMs?: number;
}

/** For createApp: the server passes its metrics in, so the webhook worker reports to them. */
export interface MetricsDeps {
  metrics?: AppMetrics | undefined;
}

const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Outbox lag is counted up to this many events per consumer: a bounded index range, not a scan. */
export const outboxLagCountCap = 10_000;

/** `read()` at most once per `cacheMs`, however often (and by how many) it is scraped. */
function cachedRead<T>(cacheMs: number, read: () => Promise<T>): () => Promise<T> {
  let last: { value: T; at: number } | undefined;
  let reading: Promise<T> | undefined;
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.value);
    reading ??= read()
      .then((value) => {
        last = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}

/**
 * The pattern of the route that answered. A request no route matched fell through the `use`
 * middleware (method "ALL", path ending in "*") to the 404 handler: "unmatched". A middleware
 * that answered itself (rate limit, body limit, CORS preflight) keeps its pattern, e.g. "/api/*".
 */
function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0], status: number): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  if (!route) return "unmatched";
  if (route.method === "ALL" && route.path.endsWith("*") && status === 404) return "unmatched";
  return route.path;
}

export function createMetrics(options: MetricsOptions): AppMetrics {
  const registry = new Registry();
  const { database } = options;
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "cairn_http_requests_total",
    help: "HTTP requests answered, by method, matched route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "cairn_http_request_duration_seconds",
    help: "Time to the response head, by method, route pattern and status class (2xx, 4xx, …).",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: "cairn_db_driver",
    help: "The database driver in use (always 1; the driver is the label).",
    labelNames: ["driver"] as const,
    registers: [registry],
    collect() {
      this.set({ driver: database.driver }, 1);
    },
  });
  new Gauge({
    name: "cairn_db_pool_max",
    help: "Database connections this process may open at once.",
    registers: [registry],
    collect() {
      this.set(database.driver === "pglite" ? 1 : (options.poolMax ?? 10));
    },
  });
  // Registered before the gauges that query at scrape time, so the scrape's own statements
  // have not started when it is read.
  new Gauge({
    name: "cairn_db_queries_in_flight",
    help: "Database statements this process has sent and not yet had answered (those waiting for a connection included).",
    registers: [registry],
    collect() {
      this.set(database.queriesInFlight());
    },
  });

  const realtime = new Set<{ stats(): RealtimeStats }>();
  const realtimeTotals = (): RealtimeStats => {
    const total = { connections: 0, subscriptions: 0, eventsPushed: 0, clientsDropped: 0 };
    for (const source of realtime) {
      const stats = source.stats();
      total.connections += stats.connections;
      total.subscriptions += stats.subscriptions;
      total.eventsPushed += stats.eventsPushed;
      total.clientsDropped += stats.clientsDropped;
    }
    return total;
  };
  new Gauge({
    name: "cairn_realtime_connections",
    help: "Open realtime (SSE) streams on this process.",
    registers: [registry],
    collect() {
      this.set(realtimeTotals().connections);
    },
  });
  new Gauge({
    name: "cairn_realtime_subscriptions",
    help: "Subscriptions over the open realtime streams of this process.",
    registers: [registry],
    collect() {
      this.set(realtimeTotals().subscriptions);
    },
  });
  // The brokers count since they started; a counter's collect() reports that total.
  new Counter({
    name: "cairn_realtime_events_pushed_total",
    help: "Change events sent to realtime clients.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(realtimeTotals().eventsPushed);
    },
  });
  new Counter({
    name: "cairn_realtime_clients_dropped_total",
    help: "Realtime clients dropped for falling too far behind (they resume from their cursor).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(realtimeTotals().clientsDropped);
    },
  });

  const deliveries = new Counter({
    name: "cairn_webhook_deliveries_total",
    help: "Webhook delivery attempts made by this process, by result (retry: rescheduled).",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  for (const result of ["succeeded", "failed", "retry"]) deliveries.inc({ result }, 0);
  const deliveryLatency = new Histogram({
    name: "cairn_webhook_delivery_duration_seconds",
    help: "Time for a receiver to answer a webhook delivery attempt.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  // One COUNT per few seconds at most, however often (and by how many) it is scraped.
  const cacheMs = options.queryCacheMs ?? 5_000;
  const queueDepth = cachedRead(cacheMs, async () => {
    const rows = await database.rows<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM cairn.webhook_deliveries
          WHERE "status" = 'pending' AND "next_attempt_at" <= now()`,
    );
    return Number(rows[0]?.n ?? 0);
  });
  new Gauge({
    name: "cairn_webhook_queue_depth",
    help: "Webhook deliveries due now and not yet delivered (all replicas; cached up to 5 s).",
    registers: [registry],
    async collect() {
      // A database that does not answer must not fail the whole scrape.
      this.set(await queueDepth().catch(() => Number.NaN));
    },
  });

  // Per durable consumer (cairn.event_consumers, a handful of rows): two seeks on the outbox's
  // (txid, position) index from its cursor, one counting at most outboxLagCountCap entries, one
  // reading the oldest event after it. Neither reads the rest of the table, however long the
  // retention keeps it.
  const outboxLag = cachedRead(cacheMs, () =>
    database.rows<{ consumer: string; events: number | string; age: number | string | null }>(
      sql`SELECT c."name" AS "consumer",
            (SELECT count(*) FROM (SELECT 1 FROM cairn.events AS e
               WHERE (e."txid", e."position") > (c."txid", c."position")
               LIMIT ${outboxLagCountCap}) AS behind) AS "events",
            (SELECT extract(epoch FROM clock_timestamp() - e."created") FROM cairn.events AS e
               WHERE (e."txid", e."position") > (c."txid", c."position")
               ORDER BY e."txid", e."position" LIMIT 1) AS "age"
          FROM cairn.event_consumers AS c`,
    ),
  );
  new Gauge({
    name: "cairn_outbox_lag_events",
    help: `Outbox events a durable consumer has not processed yet, by consumer (counted up to ${outboxLagCountCap}; all replicas; cached up to 5 s).`,
    labelNames: ["consumer"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // A database that does not answer leaves no samples rather than failing the scrape.
      for (const row of await outboxLag().catch(() => [])) {
        this.set({ consumer: row.consumer }, Number(row.events));
      }
    },
  });
  new Gauge({
    name: "cairn_outbox_lag_seconds",
    help: "Age of the oldest outbox event a durable consumer has not processed yet (0 when caught up), by consumer (all replicas; cached up to 5 s).",
    labelNames: ["consumer"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await outboxLag().catch(() => [])) {
        this.set({ consumer: row.consumer }, row.age === null ? 0 : Math.max(0, Number(row.age)));
      }
    },
  });

  const requestLogs = options.requestLogs;
  if (requestLogs) {
    new Counter({
      name: "cairn_request_log_dropped_total",
      help: "Request log entries dropped because the database could not keep up.",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(requestLogs.dropped);
      },
    });
    new Gauge({
      name: "cairn_request_log_buffered",
      help: "Request log entries waiting to be written.",
      registers: [registry],
      collect() {
        this.set(requestLogs.buffered);
      },
    });
  }

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const method = methods.has(c.req.method) ? c.req.method : "OTHER";
      const route = routeOf(c, status);
      requests.inc({ method, route, status: String(status) });
      durations.observe(
        { method, route, status_class: `${Math.floor(status / 100)}xx` },
        (performance.now() - started) / 1000,
      );
    }
  };

  return {
    registry,
    middleware,
    addRealtime(source) {
      realtime.add(source);
    },
    webhookAttempt(attempt) {
      deliveries.inc({ result: attempt.result });
      deliveryLatency.observe(attempt.latencyMs / 1000);
    },
  };
}
