// Realtime over server-sent events (docs/realtime.md): GET opens a stream as the caller
// (Authorization: Bearer, or the console's cookie), POST replaces its subscriptions. The broker
// and the verbs in core do the work; this file only speaks HTTP.
import {
  authenticate,
  createCtx,
  type EventWake,
  errors,
  openRealtime,
  RealtimeBroker,
  type RealtimeLimits,
  setRealtimeSubscriptions,
} from "@cairn/core";
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { sessionCookie } from "../http/auth.js";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

export type RealtimeDeps = CtxDeps & {
  /** The process's outbox wake-up (AppDeps.events); without it the broker polls. */
  events?: EventWake | undefined;
  limits?: Partial<RealtimeLimits> | undefined;
  /** Told about the broker once made (the metrics read its stats()). */
  onBroker?: ((broker: RealtimeBroker) => void) | undefined;
};

// createApp mounts the routes in one line and server.ts holds only the EventWake: brokers are
// found through it at shutdown, so open streams end at once instead of holding the stop open.
const brokersOf = new WeakMap<EventWake, Set<RealtimeBroker>>();

/** Ends every realtime stream served over `events` (with a `reconnect` hint); new ones get 503. */
export async function closeRealtimeStreams(events: EventWake | undefined): Promise<void> {
  if (!events) return;
  await Promise.all([...(brokersOf.get(events) ?? [])].map((broker) => broker.close()));
}

/** Realtime's own query parameters are protocol, not something rules should see. */
const protocolParams = new Set(["subscriptions", "lastEventId"]);

function streamCredential(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("authorization");
  if (header) return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  return getCookie(c, sessionCookie);
}

function jsonParam(c: Context<AppEnv>, name: string): unknown {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw errors.badRequest(`${name} must be JSON, e.g. [{"topic":"posts/*"}].`);
  }
}

export function realtimeRoutes(deps: RealtimeDeps) {
  const broker = new RealtimeBroker({
    database: deps.database,
    collections: deps.collections,
    events: deps.events,
    log: deps.log,
    limits: deps.limits,
  });
  deps.onBroker?.(broker);
  if (deps.events) {
    const set = brokersOf.get(deps.events) ?? new Set();
    set.add(broker);
    brokersOf.set(deps.events, set);
  }
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const ctx = ctxFor(c, deps);
      for (const name of protocolParams) delete ctx.request.query[name];
      const token = streamCredential(c);
      const { stream } = await openRealtime({
        ctx,
        input: {
          broker,
          lastEventId: c.req.header("last-event-id") ?? c.req.query("lastEventId"),
          subscriptions: jsonParam(c, "subscriptions"),
          revalidate: token
            ? () =>
                authenticate({
                  ctx: createCtx({ database: deps.database, collections: deps.collections }),
                  input: { token },
                })
            : undefined,
        },
      });
      return c.body(stream, 200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        // nginx and some other proxies buffer responses unless told not to.
        "X-Accel-Buffering": "no",
      });
    })
    .post("/", async (c) => {
      const body = await readJsonObject(c);
      const result = await setRealtimeSubscriptions({
        ctx: ctxFor(c, deps),
        input: { broker, clientId: body.clientId, subscriptions: body.subscriptions },
      });
      return c.json(result);
    });
}
