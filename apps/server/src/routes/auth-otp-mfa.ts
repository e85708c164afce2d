// Email codes and magic links, and TOTP multi-factor sign-in, under
// /api/collections/:collection/auth/. Thin: read the body, call one verb, answer.
import {
  confirmMagicLink,
  confirmMfa,
  disableMfa,
  enrollMfa,
  getMfaStatus,
  regenerateRecoveryCodes,
  requestOtp,
  resetMfa,
  verifyMfa,
  verifyOtp,
} from "@cairn/core";
import { type Context, Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** A JSON object, or {} for an empty body (enrolling with a session needs none). */
async function optionalJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  // hono caches the body, so readJsonObject reads the same text again.
  if ((await c.req.text()).trim() === "") return {};
  return readJsonObject(c);
}

export function otpMfaRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .post("/:collection/auth/otp/request", async (c) => {
      const body = await readJsonObject(c);
      // 204 before the mail is out: the answer must not wait on work only known addresses do.
      await requestOtp({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          email: body.email,
          redirectUrl: body.redirectUrl,
        },
      });
      return c.body(null, 204);
    })
    .post("/:collection/auth/otp/verify", async (c) => {
      const body = await readJsonObject(c);
      const result = await verifyOtp({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), email: body.email, code: body.code },
      });
      return c.json(result);
    })
    .post("/:collection/auth/magic-link/confirm", async (c) => {
      const body = await readJsonObject(c);
      const result = await confirmMagicLink({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), token: body.token },
      });
      return c.json(result);
    })
    .get("/:collection/auth/mfa", async (c) => {
      const status = await getMfaStatus({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection") },
      });
      return c.json(status);
    })
    .post("/:collection/auth/mfa/enroll", async (c) => {
      const body = await optionalJsonObject(c);
      const enrolment = await enrollMfa({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), mfaToken: body.mfaToken },
      });
      return c.json(enrolment);
    })
    .post("/:collection/auth/mfa/confirm", async (c) => {
      const body = await readJsonObject(c);
      const result = await confirmMfa({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          code: body.code,
          mfaToken: body.mfaToken,
        },
      });
      return c.json(result);
    })
    .post("/:collection/auth/mfa/verify", async (c) => {
      const body = await readJsonObject(c);
      const session = await verifyMfa({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          mfaToken: body.mfaToken,
          code: body.code,
          recoveryCode: body.recoveryCode,
        },
      });
      return c.json(session);
    })
    .post("/:collection/auth/mfa/recovery-codes", async (c) => {
      const body = await readJsonObject(c);
      const result = await regenerateRecoveryCodes({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          code: body.code,
          recoveryCode: body.recoveryCode,
        },
      });
      return c.json(result);
    })
    .delete("/:collection/auth/mfa", async (c) => {
      const body = await readJsonObject(c);
      await disableMfa({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          code: body.code,
          recoveryCode: body.recoveryCode,
        },
      });
      return c.body(null, 204);
    })
    .delete("/:collection/auth/mfa/:userId", async (c) => {
      await resetMfa({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), userId: c.req.param("userId") },
      });
      return c.body(null, 204);
    });
}
