// The admin API for file storage, mounted at /api/settings: read (secret masked), change, and
// test settings before relying on them. Superusers only; the core verbs check it.
import { getStorageSettings, testStorage, updateStorageSettings } from "@cairn/core";
import { type Context, Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

const noStore = { "Cache-Control": "no-store" };

/** A JSON object, or undefined for an empty body (test the stored settings). */
async function optionalJsonObject(
  c: Context<AppEnv>,
): Promise<Record<string, unknown> | undefined> {
  // hono caches the body, so readJsonObject reads the same text again.
  if ((await c.req.text()).trim() === "") return undefined;
  return readJsonObject(c);
}

export function storageSettingsRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/storage", async (c) => {
      const settings = await getStorageSettings({ ctx: ctxFor(c, deps) });
      return c.json(settings, 200, noStore);
    })
    .patch("/storage", async (c) => {
      const ctx = ctxFor(c, deps);
      const settings = await updateStorageSettings({
        ctx,
        input: { body: await readJsonObject(c) },
      });
      return c.json(settings, 200, noStore);
    })
    .post("/storage/test", async (c) => {
      const ctx = ctxFor(c, deps);
      const result = await testStorage({ ctx, input: { body: await optionalJsonObject(c) } });
      return c.json(result, 200, noStore);
    });
}
