// OAuth2 sign-in over HTTP, under /api/collections/:collection/auth/oauth2: list providers,
// start, the provider's callback (GET, or POST for form_post providers such as Apple) and the
// code exchange for SDKs and mobile apps. Thin: each parses, calls one core verb, answers.
import {
  callbackOAuth2,
  errors,
  exchangeOAuth2,
  listOAuth2Providers,
  startOAuth2,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** Answers carrying sessions or codes must never be cached along the way. */
const noStore = { "Cache-Control": "no-store" };

export function oauth2Routes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/:collection/auth/oauth2/providers", async (c) => {
      const result = await listOAuth2Providers({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection") },
      });
      return c.json(result);
    })
    .get("/:collection/auth/oauth2/:provider/start", async (c) => {
      const result = await startOAuth2({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          provider: c.req.param("provider"),
          redirectUrl: c.req.query("redirectUrl"),
          codeChallenge: c.req.query("codeChallenge"),
        },
      });
      return c.json(result, 200, noStore);
    })
    .get("/:collection/auth/oauth2/:provider/callback", async (c) => {
      const { location } = await callbackOAuth2({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          provider: c.req.param("provider"),
          code: c.req.query("code"),
          state: c.req.query("state"),
          error: c.req.query("error"),
        },
      });
      return c.redirect(location, 302);
    })
    .post("/:collection/auth/oauth2/:provider/callback", async (c) => {
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw errors.badRequest("The callback body could not be read.");
      }
      const { location } = await callbackOAuth2({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          provider: c.req.param("provider"),
          code: form.code,
          state: form.state,
          error: form.error,
        },
      });
      // 303: the browser follows a POST's answer with a GET.
      return c.redirect(location, 303);
    })
    .post("/:collection/auth/oauth2/:provider/exchange", async (c) => {
      const body = await readJsonObject(c);
      const result = await exchangeOAuth2({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          provider: c.req.param("provider"),
          code: body.code,
          state: body.state,
          codeVerifier: body.codeVerifier,
          createData: body.createData,
        },
      });
      return c.json(result, 200, noStore);
    });
}
