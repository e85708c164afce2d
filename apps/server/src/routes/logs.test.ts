// /api/logs and the request log behind it: entries stored after requests (never a query
// string), each filter, bad filters as 400s, stats that add up, who may read it, the `logs`
// setting, retention, and the writer's bounded buffer.
import {
  createCtx,
  createRequestLogWriter,
  pruneRequestLogs,
  type RequestLogWriter,
} from "@cairn/core";
import { schema } from "@cairn/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import { createLogger } from "../logger.js";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let app: ReturnType<typeof createApp>;
let writer: RequestLogWriter;
let admin: Record<string, string>;
let user: Record<string, string>;

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(app, method, path, { body, headers });

/** Waits until the log holds an entry for the request id. */
async function logged(requestId: string) {
  await writer.flush();
  return vi.waitFor(
    async () => {
      const { body } = await call("GET", `/api/logs?requestId=${encodeURIComponent(requestId)}`);
      expect(body.items).toHaveLength(1);
      return body.items[0];
    },
    // A busy machine (or Postgres under other suites) may take a while to write a batch.
    { timeout: 10_000, interval: 100 },
  );
}

beforeAll(async () => {
  t = await createTestApp();
  writer = createRequestLogWriter({ database: t.database, flushIntervalMs: 50 });
  app = createApp({
    config: t.config,
    database: t.database,
    logger: createLogger({ logLevel: "error" }),
    collections: t.collections,
    files: t.files,
    requestLogs: writer,
  });
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  user = (await signUpUser(t, { superuser: admin.Authorization!.slice(7) })).headers;
});

afterAll(async () => {
  await writer?.stop();
  await t?.close();
});

describe("request log", () => {
  it("stores each request without its query string, with actor, error code and size", async () => {
    const response = await app.request("/api/collections/nope/records?token=secret123&x=1", {
      headers: { "X-Request-Id": "req-query-1", "User-Agent": `agent/${"x".repeat(400)}` },
    });
    expect(response.status).toBe(404);
    const entry = await logged("req-query-1");
    expect(entry).toMatchObject({
      method: "GET",
      path: "/api/collections/nope/records",
      status: 404,
      actor: "anonymous",
      errorCode: "NOT_FOUND",
      requestId: "req-query-1",
    });
    expect(entry.userAgent).toHaveLength(256);
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(entry)).not.toContain("secret123");
    const rows = await t.database.db.select().from(schema.requestLogs);
    expect(rows.some((row) => row.path.includes("?") || row.path.includes("secret123"))).toBe(
      false,
    );

    await apiCall(app, "GET", "/api/collections", {
      headers: { ...admin, "X-Request-Id": "req-admin-1" },
    });
    const mine = await logged("req-admin-1");
    expect(mine.actor).toMatch(/^superuser:/);
    expect(mine.status).toBe(200);
    expect(mine.responseBytes === null || mine.responseBytes > 0).toBe(true);
    expect(await call("GET", `/api/logs/${mine.id}`)).toMatchObject({
      status: 200,
      body: { id: mine.id, requestId: "req-admin-1" },
    });
  });

  it("skips health and readiness probes and the console's static assets", async () => {
    await app.request("/api/health", { headers: { "X-Request-Id": "req-health" } });
    await app.request("/_/assets/app.js", { headers: { "X-Request-Id": "req-asset" } });
    await app.request("/api/ready", { headers: { "X-Request-Id": "req-ready" } });
    await app.request("/api/nothing-here", { headers: { "X-Request-Id": "req-after" } });
    await logged("req-after");
    for (const id of ["req-health", "req-asset", "req-ready"]) {
      const { body } = await call("GET", `/api/logs?requestId=${id}`);
      expect(body.items).toEqual([]);
    }
  });

  it("filters by status, method, path, duration, time, request id and actor", async () => {
    await t.database.db.insert(schema.requestLogs).values([
      {
        method: "GET",
        path: "/f/a_b%c",
        status: 200,
        durationMs: 5,
        actor: "anonymous",
        requestId: "f1",
      },
      {
        method: "POST",
        path: "/f/other",
        status: 201,
        durationMs: 50,
        actor: "superuser:s1",
        requestId: "f2",
      },
      {
        method: "GET",
        path: "/f/axbyc",
        status: 404,
        durationMs: 500,
        actor: "user:c1:u1",
        requestId: "f3",
      },
      {
        method: "DELETE",
        path: "/g/f/x",
        status: 503,
        durationMs: 1500,
        actor: "apiKey:k1",
        requestId: "f4",
        at: new Date(Date.now() - 3 * 3600_000),
      },
    ]);
    const ids = async (query: string) => {
      const { status, body } = await call("GET", `/api/logs?limit=200&${query}`);
      expect(status).toBe(200);
      return body.items
        .map((item: { requestId: string }) => item.requestId)
        .filter((id: string) => /^f\d$/.test(id))
        .sort();
    };
    expect(await ids("status=404")).toEqual(["f3"]);
    expect(await ids("status=2xx")).toEqual(["f1", "f2"]);
    expect(await ids("status=4xx,5xx")).toEqual(["f3", "f4"]);
    expect(await ids("status=201&status=503")).toEqual(["f2", "f4"]);
    expect(await ids("method=post")).toEqual(["f2"]);
    expect(await ids("method=GET,DELETE")).toEqual(["f1", "f3", "f4"]);
    expect(await ids("path=/f/")).toEqual(["f1", "f2", "f3"]);
    // LIKE wildcards in the filter match only themselves.
    expect(await ids(`path=${encodeURIComponent("/f/a_b%")}`)).toEqual(["f1"]);
    expect(await ids("path=f/x")).toEqual(["f4"]);
    expect(await ids("minDuration=50&maxDuration=500")).toEqual(["f2", "f3"]);
    expect(await ids(`to=${new Date(Date.now() - 3600_000).toISOString()}`)).toEqual(["f4"]);
    expect(await ids(`from=${new Date(Date.now() - 3600_000).toISOString()}`)).toEqual([
      "f1",
      "f2",
      "f3",
    ]);
    expect(await ids("requestId=f2")).toEqual(["f2"]);
    expect(await ids("actor=user")).toEqual(["f3"]);
    expect(await ids("actor=apiKey:k1")).toEqual(["f4"]);
  });

  it("pages newest first with a cursor", async () => {
    const first = await call("GET", "/api/logs?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
    expect(first.body.nextCursor).toBe(first.body.items[1].id);
    const second = await call("GET", `/api/logs?limit=2&before=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBeLessThan(first.body.nextCursor);
  });

  it("answers bad filters with 400 and field errors", async () => {
    for (const [query, field] of [
      ["status=200x", "status"],
      ["status=99", "status"],
      ["method=G%20T", "method"],
      ["minDuration=-1", "minDuration"],
      ["maxDuration=abc", "maxDuration"],
      ["from=yesterday", "from"],
      ["limit=201", "limit"],
      ["limit=0", "limit"],
      ["before=abc", "before"],
    ] as const) {
      const { status, body } = await call("GET", `/api/logs?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.fields).toHaveProperty(field);
    }
    const stats = await call("GET", "/api/logs/stats?status=abc");
    expect(stats.status).toBe(400);
    expect(await call("GET", "/api/logs/999999999")).toMatchObject({ status: 404 });
    expect(await call("GET", "/api/logs/abc")).toMatchObject({ status: 404 });
  });

  it("stats: buckets by status class that add up to the totals", async () => {
    const { status, body } = await call("GET", "/api/logs/stats");
    expect(status).toBe(200);
    expect(body.bucketSeconds).toBe(15 * 60);
    expect(body.buckets.length).toBeLessThanOrEqual(200);
    const sum = (key: string) =>
      body.buckets.reduce(
        (total: number, bucket: Record<string, number>) => total + bucket[key]!,
        0,
      );
    expect(body.totals.total).toBeGreaterThan(0);
    for (const key of ["total", "s2xx", "s3xx", "s4xx", "s5xx"]) {
      expect(sum(key), key).toBe(body.totals[key]);
    }
    expect(body.totals.s5xx).toBeGreaterThanOrEqual(1);
    expect(body.totals.p95Ms).toBeGreaterThan(0);

    const from = new Date(Date.now() - 3600_000).toISOString();
    const hour = await call("GET", `/api/logs/stats?from=${from}&status=4xx`);
    expect(hour.body.bucketSeconds).toBe(60);
    expect(hour.body.totals.total).toBe(hour.body.totals.s4xx);
    const week = await call(
      "GET",
      `/api/logs/stats?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`,
    );
    expect(week.body.bucketSeconds).toBe(3600);
  });

  it("is for superusers only", async () => {
    expect(await call("GET", "/api/logs", undefined, {})).toMatchObject({ status: 401 });
    expect(await call("GET", "/api/logs", undefined, user)).toMatchObject({ status: 403 });
    expect(await call("GET", "/api/logs/stats", undefined, user)).toMatchObject({ status: 403 });
    expect(await call("GET", "/api/logs/1", undefined, user)).toMatchObject({ status: 403 });
  });

  it("stops writing while the logs setting is off", async () => {
    const off = await call("PATCH", "/api/settings", { logs: { enabled: false } });
    expect(off).toMatchObject({
      status: 200,
      body: { logs: { enabled: false, retentionDays: 7 } },
    });
    await app.request("/api/nothing-here", { headers: { "X-Request-Id": "req-off" } });
    await writer.flush();
    expect((await call("GET", "/api/logs?requestId=req-off")).body.items).toEqual([]);
    await call("PATCH", "/api/settings", { logs: { enabled: true } });
    await app.request("/api/nothing-here", { headers: { "X-Request-Id": "req-on" } });
    await logged("req-on");
    const bad = await call("PATCH", "/api/settings", { logs: { retentionDays: 91 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty(["logs.retentionDays"]);
  });

  it("prunes entries older than the retention, in batches", async () => {
    await call("PATCH", "/api/settings", { logs: { retentionDays: 2 } });
    const old = new Date(Date.now() - 3 * 86_400_000);
    await t.database.db.insert(schema.requestLogs).values(
      Array.from({ length: 7 }, (_, i) => ({
        method: "GET",
        path: "/old",
        status: 200,
        durationMs: 1,
        actor: "anonymous",
        requestId: `old-${i}`,
        at: old,
      })),
    );
    const ctx = createCtx({ database: t.database, collections: t.collections });
    expect(await pruneRequestLogs({ ctx, input: { batchSize: 3 } })).toEqual({ entries: 7 });
    expect((await call("GET", "/api/logs?path=/old")).body.items).toEqual([]);
    // Younger than the retention: kept.
    expect((await call("GET", "/api/logs?requestId=f1")).body.items).toHaveLength(1);
  });
});

describe("request log writer", () => {
  it("holds at most maxBuffered entries and counts the rest as dropped", async () => {
    const bounded = createRequestLogWriter({
      database: t.database,
      maxBuffered: 5,
      batchSize: 100,
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 8; i += 1) {
      bounded.push({
        at: new Date(),
        method: "GET",
        path: `/bounded?token=${i}`,
        status: 200,
        durationMs: 1,
        actor: "anonymous",
        requestId: `bounded-${i}`,
      });
    }
    expect(bounded.buffered).toBe(5);
    expect(bounded.dropped).toBe(3);
    await bounded.stop();
    const { body } = await call("GET", "/api/logs?path=/bounded&limit=50");
    expect(body.items).toHaveLength(5);
    // Even a path handed over with a query string is stored without it.
    expect(body.items.every((item: { path: string }) => item.path === "/bounded")).toBe(true);
    bounded.push({
      at: new Date(),
      method: "GET",
      path: "/late",
      status: 200,
      durationMs: 1,
      actor: "anonymous",
    });
    expect(bounded.dropped).toBe(4);
  });
});
