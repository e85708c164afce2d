// A test app whose realtime routes run with small, test-sized limits and their own EventWake
// over the test database (createApp's mount uses the defaults): records are written through
// the full app, streams are read through `realtime`, both in-process with app.request().
import { createEventWake, type EventWake, type RealtimeLimits } from "@cairn/core";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { actorMiddleware } from "../http/auth.js";
import type { AppEnv } from "../http/env.js";
import { createErrorHandler } from "../http/error-handler.js";
import { createLogger } from "../logger.js";
import { closeRealtimeStreams, realtimeRoutes } from "../routes/realtime.js";
import { SseReader } from "./sse.js";
import { createTestApp, type TestApp } from "./test-app.js";

export interface RealtimeTestApp extends TestApp {
  realtime: Hono<AppEnv>;
  wake: EventWake;
  /** Opens a stream; `query` is added to the URL as is. */
  open(options?: {
    headers?: Record<string, string>;
    query?: Record<string, string>;
  }): Promise<SseReader>;
  /** POST /api/realtime. */
  subscribe(
    clientId: string,
    subscriptions: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
  ): Promise<{ status: number; body: any }>;
}

export async function createRealtimeTestApp(
  limits: Partial<RealtimeLimits> = {},
): Promise<RealtimeTestApp> {
  const t = await createTestApp();
  // A slow poll: the tests rely on NOTIFY waking the broker, as a server does.
  const wake = await createEventWake(t.database, { pollMs: 60_000 });
  const logger = createLogger({ logLevel: "silent" });
  const realtime = new Hono<AppEnv>()
    .use(requestId())
    .use("/api/*", actorMiddleware(t.database, t.collections))
    .route(
      "/api/realtime",
      realtimeRoutes({
        database: t.database,
        collections: t.collections,
        events: wake,
        log: logger,
        limits,
      }),
    );
  realtime.onError(createErrorHandler(logger));
  return {
    ...t,
    realtime,
    wake,
    async open(options = {}) {
      const query = new URLSearchParams(options.query ?? {}).toString();
      const response = await realtime.request(`/api/realtime${query ? `?${query}` : ""}`, {
        headers: options.headers ?? {},
      });
      if (response.status !== 200) {
        throw Object.assign(new Error(`stream answered ${response.status}`), {
          status: response.status,
          body: await response.json(),
        });
      }
      return new SseReader(response);
    },
    async subscribe(clientId, subscriptions, headers = {}) {
      const response = await realtime.request("/api/realtime", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ clientId, subscriptions }),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await closeRealtimeStreams(wake);
      await wake.close();
      await t.close();
    },
  };
}
