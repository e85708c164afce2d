// The admin API for OAuth2 providers, mounted at /api/settings: read (secrets masked) and
// change. Superusers only; the core verbs check it.
import { getOAuth2Settings, updateOAuth2Settings } from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

const noStore = { "Cache-Control": "no-store" };

export function oauth2SettingsRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/oauth2", async (c) => {
      const settings = await getOAuth2Settings({ ctx: ctxFor(c, deps) });
      return c.json(settings, 200, noStore);
    })
    .put("/oauth2", async (c) => {
      const ctx = ctxFor(c, deps);
      const settings = await updateOAuth2Settings({
        ctx,
        input: { body: await readJsonObject(c) },
      });
      return c.json(settings, 200, noStore);
    });
}
