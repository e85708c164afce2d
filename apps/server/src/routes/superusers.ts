import {
  createSuperuser,
  deleteSuperuser,
  errors,
  listSuperusers,
  setupFirstSuperuser,
  signInSuperuser,
  signOutSuperuser,
} from "@cairn/core";
import { Hono } from "hono";
import { clearSessionCookie, setSessionCookie } from "../http/auth.js";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import { authRateLimit } from "../http/rate-limit.js";

/** Console admins: first-run setup, sign-in and -out, and managing each other. */
export function superuserRoutes(deps: CtxDeps) {
  const app = new Hono<AppEnv>();
  app.use("/*", authRateLimit(deps, { scope: "superusers", perMinute: deps.authRateLimit ?? 30 }));
  app.post("/setup", async (c) => {
    const { token, email, password } = await readJsonObject(c);
    return c.json(
      await setupFirstSuperuser({ ctx: ctxFor(c, deps), input: { token, email, password } }),
      201,
    );
  });
  // `?cookie=true` (the console): the session goes into an HttpOnly cookie, never to scripts.
  app.post("/sign-in", async (c) => {
    const { email, password } = await readJsonObject(c);
    const result = await signInSuperuser({ ctx: ctxFor(c, deps), input: { email, password } });
    if (c.req.query("cookie") !== "true") return c.json(result);
    setSessionCookie(c, result.token, new Date(result.expiresAt), deps.baseUrl);
    return c.json({ expiresAt: result.expiresAt, superuser: result.superuser });
  });
  app.post("/sign-out", async (c) => {
    await signOutSuperuser({ ctx: ctxFor(c, deps), input: {} });
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.get("/me", async (c) => {
    const actor = c.get("actor");
    if (actor?.kind !== "superuser") throw errors.unauthorized("Sign in as a superuser first.");
    return c.json({ id: actor.id, email: actor.email });
  });
  app.get("/", async (c) => c.json({ items: await listSuperusers({ ctx: ctxFor(c, deps) }) }));
  app.post("/", async (c) => {
    const { email, password } = await readJsonObject(c);
    return c.json(await createSuperuser({ ctx: ctxFor(c, deps), input: { email, password } }), 201);
  });
  app.delete("/:id", async (c) => {
    await deleteSuperuser({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } });
    return c.body(null, 204);
  });
  return app;
}
