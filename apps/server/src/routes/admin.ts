// Admin endpoints outside collections: API keys, settings (with SMTP test), the dev mailbox
// and the audit log. Superusers only (and, for settings, API keys with the "full" scope).
import {
  clearMailbox,
  createApiKey,
  getSettings,
  listApiKeys,
  listAuditLog,
  listMailbox,
  revokeApiKey,
  sendTestMail,
  testSmtp,
  updateSettings,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

export function adminRoutes(deps: CtxDeps) {
  const app = new Hono<AppEnv>();
  app.get("/api-keys", async (c) => c.json({ items: await listApiKeys({ ctx: ctxFor(c, deps) }) }));
  app.post("/api-keys", async (c) =>
    c.json(await createApiKey({ ctx: ctxFor(c, deps), input: await readJsonObject(c) }), 201),
  );
  app.delete("/api-keys/:id", async (c) => {
    await revokeApiKey({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } });
    return c.body(null, 204);
  });
  app.get("/settings", async (c) => c.json(await getSettings({ ctx: ctxFor(c, deps) })));
  app.patch("/settings", async (c) =>
    c.json(await updateSettings({ ctx: ctxFor(c, deps), input: await readJsonObject(c) })),
  );
  app.post("/settings/mail/test", async (c) => {
    const { to } = await readJsonObject(c);
    return c.json(await sendTestMail({ ctx: ctxFor(c, deps), input: { to } }));
  });
  app.post("/settings/smtp/test", async (c) => {
    const { to, smtp } = await readJsonObject(c);
    await testSmtp({ ctx: ctxFor(c, deps), input: { to, smtp } });
    return c.body(null, 204);
  });
  app.get("/mailbox", async (c) => {
    const limit = Number(c.req.query("limit") ?? 50);
    const input = { to: c.req.query("to"), limit: Number.isFinite(limit) ? limit : 50 };
    return c.json(await listMailbox({ ctx: ctxFor(c, deps), input }));
  });
  app.delete("/mailbox", async (c) => {
    await clearMailbox({ ctx: ctxFor(c, deps) });
    return c.body(null, 204);
  });
  app.get("/audit-log", async (c) => {
    const limit = Number(c.req.query("limit") ?? 100);
    const input = {
      action: c.req.query("action"),
      subjectId: c.req.query("subjectId"),
      limit: Number.isFinite(limit) ? limit : 100,
    };
    return c.json({ items: await listAuditLog({ ctx: ctxFor(c, deps), input }) });
  });
  return app;
}
