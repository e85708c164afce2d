// GET /metrics and /api/settings/metrics: off until a token exists (404), 401 without the token,
// 403 with a wrong one, the token kept only as its SHA-256; counters by route pattern (never a
// record id), histogram buckets, the realtime and webhook numbers moving, the outbox lag of a
// durable consumer, and the database statements in flight.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookWorker, newRecordId, type WebhookWorker } from "@cairn/core";
import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type App, createApp } from "../app.js";
import { type AppMetrics, createMetrics, outboxLagCountCap } from "../http/metrics.js";
import { createLogger } from "../logger.js";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { SseReader } from "../testing/sse.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

type ErrorBody = { error: { code: string } };

let t: TestApp;
let app: App;
let metrics: AppMetrics;
let admin: Record<string, string>;
let user: Record<string, string>;
let token: string;
let worker: WebhookWorker | undefined;
const receiver = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(200).end("ok"));
});

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(app, method, path, { body, headers });

async function scrape(): Promise<string> {
  const response = await app.request("/metrics", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The labels of each sample of `name`, with its value. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels: Record<string, string> = {};
    for (const match of line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    found.push({ labels, value: Number(line.slice(line.lastIndexOf(" ") + 1)) });
  }
  return found;
}

const matching = (text: string, name: string, labels: Record<string, string>) =>
  samples(text, name).find((s) =>
    Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );

/** Whether there is a sample of `name` with these labels. */
function has(text: string, name: string, labels: Record<string, string>): boolean {
  return matching(text, name, labels) !== undefined;
}

/** The sample of `name` whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  return matching(text, name, labels)?.value ?? 0;
}

beforeAll(async () => {
  t = await createTestApp();
  metrics = createMetrics({ database: t.database, queryCacheMs: 0 });
  app = createApp({
    config: t.config,
    database: t.database,
    logger: createLogger({ logLevel: "silent" }),
    collections: t.collections,
    files: t.files,
    metrics,
  });
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  user = (await signUpUser(t, { superuser: admin.Authorization!.slice(7) })).headers;
  const posts = await call("POST", "/api/collections", {
    name: "posts",
    fields: [{ name: "title", type: "text" }],
    listRule: "",
    viewRule: "",
    createRule: "",
  });
  expect(posts.status).toBe(201);
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await worker?.stop({ graceMs: 0 });
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await t?.close();
});

describe("the metrics settings", () => {
  it("answers 404 at /metrics while metrics are off, whatever the token", async () => {
    const bare = await app.request("/metrics");
    expect(bare.status).toBe(404);
    expect(((await bare.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    const withToken = await app.request("/metrics", { headers: { Authorization: "Bearer x" } });
    expect(withToken.status).toBe(404);
    expect(await call("GET", "/api/settings/metrics")).toMatchObject({
      status: 200,
      body: { enabled: false, hasToken: false, tokenCreated: null },
    });
  });

  it("is for superusers only", async () => {
    expect((await call("GET", "/api/settings/metrics", undefined, {})).status).toBe(401);
    expect((await call("POST", "/api/settings/metrics/token", undefined, {})).status).toBe(401);
    const asUser = await call("POST", "/api/settings/metrics/token", undefined, user);
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe("FORBIDDEN");
    expect((await call("PATCH", "/api/settings/metrics", { enabled: false }, user)).status).toBe(
      403,
    );
  });

  it("will not turn metrics on without a token, and refuses unknown fields", async () => {
    const on = await call("PATCH", "/api/settings/metrics", { enabled: true });
    expect(on.status).toBe(400);
    expect(on.body.error.fields.enabled.code).toBe("token_required");
    const odd = await call("PATCH", "/api/settings/metrics", { enabled: "yes", token: "mine" });
    expect(odd.status).toBe(400);
    expect(Object.keys(odd.body.error.fields).sort()).toEqual(["enabled", "token"]);
  });

  it("generates a token once, keeps only its SHA-256, and turns metrics on", async () => {
    const created = await call("POST", "/api/settings/metrics/token");
    expect(created.status).toBe(201);
    token = created.body.token;
    expect(token).toMatch(/^cairn_metrics_[a-z2-7]{64}$/);
    expect(created.body.settings).toMatchObject({ enabled: true, hasToken: true });
    const read = await call("GET", "/api/settings/metrics");
    expect(read.body).toEqual({
      enabled: true,
      hasToken: true,
      tokenCreated: expect.any(String),
    });
    expect(JSON.stringify(read.body)).not.toContain(token);
    const [row] = await t.database.db
      .select()
      .from(schema.settings)
      .where(eq(schema.settings.key, "metrics"));
    const stored = JSON.stringify(row?.value);
    expect(stored).not.toContain(token);
    expect((row?.value as { tokenHash?: string } | undefined)?.tokenHash).toBe(
      createHash("sha256").update(token).digest("hex"),
    );
  });

  it("answers 401 without the token and 403 with a wrong one, in the error envelope", async () => {
    const none = await app.request("/metrics");
    expect(none.status).toBe(401);
    expect(((await none.json()) as ErrorBody).error.code).toBe("UNAUTHORIZED");
    const basic = await app.request("/metrics", { headers: { Authorization: "Basic eDp5" } });
    expect(basic.status).toBe(401);
    // The same length, its last character changed (to another one, whatever it was).
    const wrongToken = `${token.slice(0, -1)}${token.endsWith("x") ? "y" : "x"}`;
    const wrong = await app.request("/metrics", {
      headers: { Authorization: `Bearer ${wrongToken}` },
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as ErrorBody).error).toMatchObject({ code: "FORBIDDEN" });
    // A session is not a scrape token, not even a superuser's.
    expect((await app.request("/metrics", { headers: admin })).status).toBe(403);
  });

  it("rotating the token retires the old one at once", async () => {
    const old = token;
    token = (await call("POST", "/api/settings/metrics/token")).body.token;
    expect(token).not.toBe(old);
    const stale = await app.request("/metrics", { headers: { Authorization: `Bearer ${old}` } });
    expect(stale.status).toBe(403);
    await scrape();
  });

  it("switching off answers 404 but keeps the token for switching on again", async () => {
    expect(await call("PATCH", "/api/settings/metrics", { enabled: false })).toMatchObject({
      status: 200,
      body: { enabled: false, hasToken: true },
    });
    const off = await app.request("/metrics", { headers: { Authorization: `Bearer ${token}` } });
    expect(off.status).toBe(404);
    expect((await call("PATCH", "/api/settings/metrics", { enabled: true })).status).toBe(200);
    await scrape();
  });
});

describe("the numbers", () => {
  it("counts requests by route pattern, never by record id, with histogram buckets", async () => {
    const created = await call("POST", "/api/collections/posts/records", { title: "a" });
    const id = created.body.id as string;
    const route = "/api/collections/:collection/records/:id";
    const labels = { method: "GET", route, status: "200" };
    const before = sample(await scrape(), "cairn_http_requests_total", labels);
    for (let i = 0; i < 3; i++) {
      expect((await call("GET", `/api/collections/posts/records/${id}`)).status).toBe(200);
    }
    expect((await call("GET", "/api/collections/posts/records/nope")).status).toBe(404);
    expect((await call("GET", "/api/no/such/thing")).status).toBe(404);
    const text = await scrape();
    expect(sample(text, "cairn_http_requests_total", labels)).toBe(before + 3);
    expect(sample(text, "cairn_http_requests_total", { route, status: "404" })).toBe(1);
    expect(sample(text, "cairn_http_requests_total", { route: "unmatched" })).toBeGreaterThan(0);
    expect(text).not.toContain(id);
    expect(text).not.toContain("/api/no/such/thing");
    const bucket = { method: "GET", route, status_class: "2xx" };
    expect(text).toContain("# TYPE cairn_http_request_duration_seconds histogram");
    for (const le of ["0.005", "0.1", "1", "10"]) {
      expect(has(text, "cairn_http_request_duration_seconds_bucket", { ...bucket, le })).toBe(true);
    }
    expect(
      sample(text, "cairn_http_request_duration_seconds_bucket", { ...bucket, le: "+Inf" }),
    ).toBeGreaterThanOrEqual(3);
    const count = { method: "GET", route, status_class: "2xx" };
    expect(sample(text, "cairn_http_request_duration_seconds_count", count)).toBeGreaterThanOrEqual(
      3,
    );
    // The scrapes count themselves too.
    expect(sample(text, "cairn_http_requests_total", { route: "/metrics" })).toBeGreaterThan(0);
    expect(sample(text, "cairn_db_driver", { driver: t.database.driver })).toBe(1);
    expect(sample(text, "cairn_db_pool_max")).toBeGreaterThanOrEqual(1);
    // Process metrics belong to the server's registry only (one per process).
    expect(text).not.toContain("process_cpu_user_seconds_total");
  });

  it("realtime gauges follow streams and subscriptions; pushed events count", async () => {
    const subscriptions = encodeURIComponent(JSON.stringify([{ topic: "posts/*" }]));
    const response = await app.request(`/api/realtime?subscriptions=${subscriptions}`);
    expect(response.status).toBe(200);
    const reader = new SseReader(response);
    await reader.next((e) => e.event === "connect");
    let text = await scrape();
    expect(sample(text, "cairn_realtime_connections")).toBe(1);
    expect(sample(text, "cairn_realtime_subscriptions")).toBe(1);
    const pushed = sample(text, "cairn_realtime_events_pushed_total");
    const id = (await call("POST", "/api/collections/posts/records", { title: "live" })).body.id;
    // Without an EventWake the broker polls (every second by default).
    await reader.next((e) => e.event === "change" && e.data.matches[0].record.id === id, 10_000);
    text = await scrape();
    expect(sample(text, "cairn_realtime_events_pushed_total")).toBe(pushed + 1);
    await reader.cancel();
    await vi.waitFor(async () => {
      text = await scrape();
      expect(sample(text, "cairn_realtime_connections")).toBe(0);
    });
    expect(sample(text, "cairn_realtime_subscriptions")).toBe(0);
    expect(sample(text, "cairn_realtime_events_pushed_total")).toBe(pushed + 1);
  }, 20_000);

  it("webhook queue depth and delivery counters move", async () => {
    expect(
      (await call("PATCH", "/api/webhooks/settings", { allowPrivateAddresses: true })).status,
    ).toBe(200);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call("POST", "/api/webhooks", {
      url: `http://127.0.0.1:${port}/hook`,
      events: ["posts.created"],
    });
    expect(hook.status).toBe(201);
    let text = await scrape();
    expect(sample(text, "cairn_webhook_queue_depth")).toBe(0);
    expect(sample(text, "cairn_webhook_deliveries_total", { result: "succeeded" })).toBe(0);
    // Two deliveries due now, as a fan-out leaves them.
    for (let i = 0; i < 2; i++) {
      await t.database.db.execute(sql`INSERT INTO cairn.webhook_deliveries
        ("id", "webhook_id", "event_type", "payload", "status", "next_attempt_at")
        VALUES (${newRecordId()}, ${hook.body.id}, 'posts.created', '{}', 'pending', now())`);
    }
    text = await scrape();
    expect(sample(text, "cairn_webhook_queue_depth")).toBe(2);
    worker = createWebhookWorker({
      database: t.database,
      maxIdleMs: 3_600_000,
      onAttempt: metrics.webhookAttempt,
    });
    await worker.drain();
    text = await scrape();
    expect(sample(text, "cairn_webhook_queue_depth")).toBe(0);
    expect(sample(text, "cairn_webhook_deliveries_total", { result: "succeeded" })).toBe(2);
    expect(sample(text, "cairn_webhook_deliveries_total", { result: "failed" })).toBe(0);
    expect(sample(text, "cairn_webhook_delivery_duration_seconds_count")).toBe(2);
    expect(sample(text, "cairn_webhook_delivery_duration_seconds_bucket", { le: "+Inf" })).toBe(2);
  });

  it("outbox lag: events a durable consumer has not processed, and the oldest one's age", async () => {
    const consumer = { consumer: "metrics-test" };
    // A consumer whose cursor is past every event so far: caught up.
    await t.database.db.execute(sql`INSERT INTO cairn.event_consumers ("name", "txid", "position")
      SELECT 'metrics-test', coalesce(max("txid"), 0), coalesce(max("position"), 0) FROM cairn.events`);
    let text = await scrape();
    expect(text).toContain("# TYPE cairn_outbox_lag_events gauge");
    expect(text).toContain("# HELP cairn_outbox_lag_seconds Age of the oldest outbox event");
    expect(has(text, "cairn_outbox_lag_events", consumer)).toBe(true);
    expect(sample(text, "cairn_outbox_lag_events", consumer)).toBe(0);
    expect(sample(text, "cairn_outbox_lag_seconds", consumer)).toBe(0);

    // Three changes later, the oldest of them written an hour ago.
    for (const title of ["x", "y", "z"]) {
      expect((await call("POST", "/api/collections/posts/records", { title })).status).toBe(201);
    }
    await t.database.db.execute(sql`UPDATE cairn.events SET "created" = "created" - interval '1 hour'
      WHERE ("txid", "position") > (SELECT "txid", "position" FROM cairn.event_consumers WHERE "name" = 'metrics-test')`);
    text = await scrape();
    expect(sample(text, "cairn_outbox_lag_events", consumer)).toBe(3);
    const age = sample(text, "cairn_outbox_lag_seconds", consumer);
    expect(age).toBeGreaterThanOrEqual(3600);
    expect(age).toBeLessThan(3660);

    // Far behind, the count stops at its cap: a bounded walk of the index, never the table.
    await t.database.db.execute(sql`INSERT INTO cairn.events ("type", "collection_name", "data")
      SELECT 'record.created', 'lag_test', '{}'::jsonb FROM generate_series(1, ${outboxLagCountCap})`);
    text = await scrape();
    expect(sample(text, "cairn_outbox_lag_events", consumer)).toBe(outboxLagCountCap);

    // Caught up again.
    await t.database.db.execute(sql`UPDATE cairn.event_consumers
      SET ("txid", "position") = (SELECT max("txid"), max("position") FROM cairn.events)
      WHERE "name" = 'metrics-test'`);
    text = await scrape();
    expect(sample(text, "cairn_outbox_lag_events", consumer)).toBe(0);
    expect(sample(text, "cairn_outbox_lag_seconds", consumer)).toBe(0);
    // A consumer that goes leaves no stale series behind.
    await t.database.db.execute(
      sql`DELETE FROM cairn.event_consumers WHERE "name" = 'metrics-test'`,
    );
    expect(has(await scrape(), "cairn_outbox_lag_events", consumer)).toBe(false);
  });

  it("reports the database's count of statements in flight", async () => {
    const stub = createMetrics({ database: { ...t.database, queriesInFlight: () => 7 } });
    const text = await stub.registry.metrics();
    expect(text).toContain("# HELP cairn_db_queries_in_flight Database statements");
    expect(text).toContain("# TYPE cairn_db_queries_in_flight gauge");
    expect(sample(text, "cairn_db_queries_in_flight")).toBe(7);
  });

  it("counts statements waiting for an answer as in flight", async () => {
    const inFlight = async () =>
      sample(
        await metrics.registry.getSingleMetricAsString("cairn_db_queries_in_flight"),
        "cairn_db_queries_in_flight",
      );
    let locked = () => {};
    let release = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Postgres: the lock makes the reads wait; PGlite: its one connection is held.
    const holding = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE cairn.mailbox IN ACCESS EXCLUSIVE MODE`);
      locked();
      await gate;
    });
    await lockTaken;
    const waiting = [1, 2, 3].map(() =>
      t.database.rows(sql`SELECT count(*) AS n FROM cairn.mailbox`),
    );
    try {
      // At least: a background poller may be waiting too.
      await vi.waitFor(async () => expect(await inFlight()).toBeGreaterThanOrEqual(3));
    } finally {
      release();
      await holding;
      await Promise.all(waiting);
    }
    await vi.waitFor(async () => expect(await inFlight()).toBeLessThan(3));
    expect(sample(await scrape(), "cairn_db_queries_in_flight")).toBeLessThan(3);
  });
});
