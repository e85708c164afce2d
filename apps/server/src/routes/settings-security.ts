// The admin API for CORS origins and per-IP rate limits, mounted at /api/settings: read and
// change. Superusers only (the core verbs check it). A change applies to this replica's next
// request and reaches the others through NOTIFY (or their refresh) within seconds.
import {
  getSecuritySettings,
  type SecuritySettingsCache,
  updateSecuritySettings,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

const noStore = { "Cache-Control": "no-store" };

export function securitySettingsRoutes(deps: CtxDeps & { security: SecuritySettingsCache }) {
  const { defaults } = deps.security;
  return new Hono<AppEnv>()
    .get("/security", async (c) => {
      const settings = await getSecuritySettings({ ctx: ctxFor(c, deps), input: { defaults } });
      return c.json(settings, 200, noStore);
    })
    .patch("/security", async (c) => {
      const ctx = ctxFor(c, deps);
      const body = await readJsonObject(c);
      const settings = await updateSecuritySettings({ ctx, input: { body, defaults } });
      // Committed: this replica's next request sees the change (others hear the NOTIFY).
      deps.security.invalidate();
      return c.json(settings, 200, noStore);
    });
}
