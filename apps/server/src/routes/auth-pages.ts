// The pages the links in auth mails open: confirm an email, choose a new password, confirm an
// email change. Plain HTML forms (no scripts), posting back here; a GET never changes anything,
// so mail scanners that follow links cannot use them up.
import {
  confirmEmailChange,
  confirmPasswordReset,
  confirmVerification,
  getSetting,
  isCairnError,
} from "@cairn/core";
import { type Context, Hono } from "hono";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import { authRateLimit } from "../http/rate-limit.js";

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#0f172a}
input,button{font:inherit;padding:.5rem .75rem;border-radius:.375rem;border:1px solid #cbd5e1;width:100%;box-sizing:border-box;margin:.25rem 0}
button{background:#0f172a;color:#fff;border:0;cursor:pointer}.error{color:#b91c1c}
@media (prefers-color-scheme:dark){body{background:#0b1120;color:#e2e8f0}button{background:#e2e8f0;color:#0b1120}}</style>
</head><body>${body}</body></html>`;
}

interface Flow {
  title: string;
  button: string;
  needsPassword: boolean;
  done: string;
  run(
    c: Context<AppEnv>,
    deps: CtxDeps,
    input: { collection: string; token: string; password: string },
  ): Promise<void>;
}

const flows: Record<string, Flow> = {
  "confirm-verification": {
    title: "Verify your email",
    button: "Verify my email",
    needsPassword: false,
    done: "Your email address is verified. You can close this page.",
    run: (c, deps, input) => confirmVerification({ ctx: ctxFor(c, deps), input }),
  },
  "confirm-password-reset": {
    title: "Choose a new password",
    button: "Save the new password",
    needsPassword: true,
    done: "Your password is changed. Sign in with it in the app.",
    run: (c, deps, input) => confirmPasswordReset({ ctx: ctxFor(c, deps), input }),
  },
  "confirm-email-change": {
    title: "Confirm your new email",
    button: "Confirm the new email",
    needsPassword: false,
    done: "Your email address is changed. Sign in again in the app.",
    run: (c, deps, input) => confirmEmailChange({ ctx: ctxFor(c, deps), input }),
  },
};

export function authPageRoutes(deps: CtxDeps) {
  const app = new Hono<AppEnv>();
  app.use("/auth/*", authRateLimit(deps, { scope: "auth-pages" }));
  for (const [path, flow] of Object.entries(flows)) {
    app.get(`/auth/${path}`, async (c) => {
      const appName = (await getSetting(ctxFor(c, deps), "app")).name;
      const collection = c.req.query("collection") ?? "";
      const token = c.req.query("token") ?? "";
      return c.html(
        page(
          `${flow.title} · ${appName}`,
          `<h1>${escapeHtml(flow.title)}</h1><form method="post">
<input type="hidden" name="collection" value="${escapeHtml(collection)}"><input type="hidden" name="token" value="${escapeHtml(token)}">
${flow.needsPassword ? '<label>New password<input type="password" name="password" autocomplete="new-password" required minlength="6"></label>' : ""}
<button type="submit">${escapeHtml(flow.button)}</button></form>`,
        ),
      );
    });
    app.post(`/auth/${path}`, async (c) => {
      const form = await c.req.parseBody();
      const input = {
        collection: String(form.collection ?? ""),
        token: String(form.token ?? ""),
        password: String(form.password ?? ""),
      };
      try {
        await flow.run(c, deps, input);
        return c.html(
          page(flow.title, `<h1>${escapeHtml(flow.title)}</h1><p>${escapeHtml(flow.done)}</p>`),
        );
      } catch (error) {
        if (!isCairnError(error) || error.status >= 500) throw error;
        const detail = Object.values(error.fields ?? {})
          .map((f) => f.message)
          .join(" ");
        return c.html(
          page(
            flow.title,
            `<h1>${escapeHtml(flow.title)}</h1><p class="error">${escapeHtml(`${error.message} ${detail}`.trim())}</p>`,
          ),
          error.status as 400,
        );
      }
    });
  }
  return app;
}
