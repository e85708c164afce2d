// The admin API for webhooks, mounted at /api/webhooks: endpoints (CRUD, secret rotation and
// reveal, test events), the delivery log with redelivery, and the webhook settings.
// Superusers and "full" API keys; the core verbs check it.
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookDelivery,
  getWebhookSettings,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDeliveries,
  redeliverWebhookDelivery,
  revealWebhookSecret,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhook,
  updateWebhookSettings,
} from "@cairn/core";
import { type Context, Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** Answers that carry a secret are never cached. */
const noStore = { "Cache-Control": "no-store" };

/** A JSON object, or {} for an empty body (the POST actions take optional options). */
async function optionalJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  // hono caches the body, so readJsonObject reads the same text again.
  if ((await c.req.text()).trim() === "") return {};
  return readJsonObject(c);
}

export function webhookRoutes(deps: CtxDeps) {
  return (
    new Hono<AppEnv>()
      .get("/", async (c) => c.json({ items: await listWebhooks({ ctx: ctxFor(c, deps) }) }))
      .post("/", async (c) => {
        const ctx = ctxFor(c, deps);
        const created = await createWebhook({ ctx, input: await readJsonObject(c) });
        return c.json(created, 201, noStore);
      })
      // Before "/:id", though ids ("wh_…") never read "settings" or "deliveries".
      .get("/settings", async (c) => c.json(await getWebhookSettings({ ctx: ctxFor(c, deps) })))
      .patch("/settings", async (c) => {
        const ctx = ctxFor(c, deps);
        return c.json(await updateWebhookSettings({ ctx, input: await readJsonObject(c) }));
      })
      .get("/deliveries", async (c) => {
        const limit = c.req.query("limit");
        const input = {
          webhookId: c.req.query("webhookId"),
          status: c.req.query("status"),
          eventType: c.req.query("eventType"),
          limit: limit === undefined ? undefined : Number(limit),
          before: c.req.query("before"),
        };
        return c.json(await listWebhookDeliveries({ ctx: ctxFor(c, deps), input }));
      })
      .get("/deliveries/:deliveryId", async (c) => {
        const input = { id: c.req.param("deliveryId") };
        return c.json(await getWebhookDelivery({ ctx: ctxFor(c, deps), input }));
      })
      .post("/deliveries/:deliveryId/redeliver", async (c) => {
        const input = { id: c.req.param("deliveryId") };
        return c.json(await redeliverWebhookDelivery({ ctx: ctxFor(c, deps), input }), 202);
      })
      .get("/:id", async (c) =>
        c.json(await getWebhook({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } })),
      )
      .patch("/:id", async (c) => {
        const ctx = ctxFor(c, deps);
        const input = { id: c.req.param("id"), body: await readJsonObject(c) };
        return c.json(await updateWebhook({ ctx, input }));
      })
      .delete("/:id", async (c) => {
        await deleteWebhook({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } });
        return c.body(null, 204);
      })
      .get("/:id/secret", async (c) => {
        const ctx = ctxFor(c, deps);
        return c.json(
          await revealWebhookSecret({ ctx, input: { id: c.req.param("id") } }),
          200,
          noStore,
        );
      })
      .post("/:id/rotate-secret", async (c) => {
        const ctx = ctxFor(c, deps);
        const { secret } = await optionalJsonObject(c);
        const rotated = await rotateWebhookSecret({
          ctx,
          input: { id: c.req.param("id"), secret },
        });
        return c.json(rotated, 200, noStore);
      })
      .post("/:id/test", async (c) => {
        const ctx = ctxFor(c, deps);
        return c.json(await sendTestWebhook({ ctx, input: { id: c.req.param("id") } }), 202);
      })
      .post("/:id/redeliver", async (c) => {
        const ctx = ctxFor(c, deps);
        const { waiting } = await optionalJsonObject(c);
        const input = { id: c.req.param("id"), waiting };
        return c.json(await redeliverWebhookDeliveries({ ctx, input }), 202);
      })
  );
}
