// Auth flows of app users (password, sessions, verification, reset, email change, guests) and
// their admin side (sessions of a user, impersonation). Transport only: each handler calls one
// core verb. OAuth2, one-time codes and MFA live in auth-oauth2.ts and auth-otp-mfa.ts.
import {
  confirmEmailChange,
  confirmPasswordReset,
  confirmVerification,
  disableUser,
  enableUser,
  getAuthMethods,
  getMe,
  impersonate,
  listDisabledUsers,
  listSessions,
  refreshSession,
  requestEmailChange,
  requestPasswordReset,
  requestVerification,
  revokeSession,
  signInAnonymously,
  signInWithPassword,
  signOut,
  signUp,
  upgradeAnonymous,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject, readOptionalJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import { authRateLimit } from "../http/rate-limit.js";

export function authRoutes(deps: CtxDeps) {
  const app = new Hono<AppEnv>();
  app.use("/:collection/auth/*", authRateLimit(deps, { scope: "auth" }));
  const collection = (c: { req: { param(name: "collection"): string } }) =>
    c.req.param("collection");

  app.get("/:collection/auth/methods", async (c) =>
    c.json(await getAuthMethods({ ctx: ctxFor(c, deps), input: { collection: collection(c) } })),
  );
  app.post("/:collection/auth/sign-up", async (c) => {
    const result = await signUp({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), body: await readJsonObject(c) },
    });
    return c.json(result, 201);
  });
  app.post("/:collection/auth/sign-in", async (c) => {
    const body = await readJsonObject(c);
    const input = { collection: collection(c), email: body.email, password: body.password };
    return c.json(await signInWithPassword({ ctx: ctxFor(c, deps), input }));
  });
  app.post("/:collection/auth/sign-out", async (c) => {
    await signOut({ ctx: ctxFor(c, deps), input: { collection: collection(c) } });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/sign-out-everywhere", async (c) => {
    await signOut({ ctx: ctxFor(c, deps), input: { collection: collection(c), everywhere: true } });
    return c.body(null, 204);
  });
  app.get("/:collection/auth/me", async (c) =>
    c.json(await getMe({ ctx: ctxFor(c, deps), input: { collection: collection(c) } })),
  );
  app.post("/:collection/auth/refresh", async (c) =>
    c.json(await refreshSession({ ctx: ctxFor(c, deps), input: { collection: collection(c) } })),
  );
  app.get("/:collection/auth/sessions", async (c) =>
    c.json({
      items: await listSessions({ ctx: ctxFor(c, deps), input: { collection: collection(c) } }),
    }),
  );
  app.delete("/:collection/auth/sessions/:sessionId", async (c) => {
    const input = { collection: collection(c), sessionId: c.req.param("sessionId") };
    await revokeSession({ ctx: ctxFor(c, deps), input });
    return c.body(null, 204);
  });

  app.post("/:collection/auth/verification/request", async (c) => {
    const { email } = await readJsonObject(c);
    await requestVerification({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), email },
    });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/verification/confirm", async (c) => {
    const { token } = await readJsonObject(c);
    await confirmVerification({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), token },
    });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/password-reset/request", async (c) => {
    const { email } = await readJsonObject(c);
    await requestPasswordReset({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), email },
    });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/password-reset/confirm", async (c) => {
    const { token, password } = await readJsonObject(c);
    await confirmPasswordReset({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), token, password },
    });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/email-change/request", async (c) => {
    const { newEmail } = await readJsonObject(c);
    await requestEmailChange({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), newEmail },
    });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/email-change/confirm", async (c) => {
    const { token } = await readJsonObject(c);
    await confirmEmailChange({ ctx: ctxFor(c, deps), input: { collection: collection(c), token } });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/anonymous", async (c) =>
    c.json(
      await signInAnonymously({ ctx: ctxFor(c, deps), input: { collection: collection(c) } }),
      201,
    ),
  );
  app.post("/:collection/auth/upgrade", async (c) => {
    const { email, password } = await readJsonObject(c);
    return c.json(
      await upgradeAnonymous({
        ctx: ctxFor(c, deps),
        input: { collection: collection(c), email, password },
      }),
    );
  });

  // Admin side: a user's sessions, and impersonation.
  app.get("/:collection/auth/users/:userId/sessions", async (c) => {
    const input = { collection: collection(c), userId: c.req.param("userId") };
    return c.json({ items: await listSessions({ ctx: ctxFor(c, deps), input }) });
  });
  app.delete("/:collection/auth/users/:userId/sessions", async (c) => {
    await revokeSession({
      ctx: ctxFor(c, deps),
      input: { collection: collection(c), userId: c.req.param("userId") },
    });
    return c.body(null, 204);
  });
  app.delete("/:collection/auth/users/:userId/sessions/:sessionId", async (c) => {
    const input = {
      collection: collection(c),
      userId: c.req.param("userId"),
      sessionId: c.req.param("sessionId"),
    };
    await revokeSession({ ctx: ctxFor(c, deps), input });
    return c.body(null, 204);
  });
  app.post("/:collection/auth/users/:userId/impersonate", async (c) => {
    const input = { collection: collection(c), userId: c.req.param("userId") };
    return c.json(await impersonate({ ctx: ctxFor(c, deps), input }));
  });
  // Disabled users: no sign-in until enabled again; disabling ends every session.
  app.post("/:collection/auth/users/:userId/disable", async (c) => {
    const { reason } = await readOptionalJsonObject(c);
    const input = { collection: collection(c), userId: c.req.param("userId"), reason };
    return c.json(await disableUser({ ctx: ctxFor(c, deps), input }));
  });
  app.post("/:collection/auth/users/:userId/enable", async (c) => {
    const input = { collection: collection(c), userId: c.req.param("userId") };
    return c.json(await enableUser({ ctx: ctxFor(c, deps), input }));
  });
  app.get("/:collection/auth/disabled-users", async (c) => {
    const ids = c.req.query("ids");
    const input = {
      collection: collection(c),
      ids: ids === undefined ? undefined : ids.split(",").filter((id) => id !== ""),
      page: c.req.query("page"),
      perPage: c.req.query("perPage"),
    };
    return c.json(await listDisabledUsers({ ctx: ctxFor(c, deps), input }));
  });
  return app;
}
