// Resolves the caller: `Authorization: Bearer <token>` (SDKs, servers), else the console's
// session cookie. No credentials: anonymous. Bad or expired credentials: 401, so clients notice
// and sign in again. Cookie-authenticated writes must come from this server's own origin.
import { authenticate, type CollectionRegistry, createCtx, errors } from "@cairn/core";
import type { Database } from "@cairn/db";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./env.js";

export const sessionCookie = "cairn_session";
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** HttpOnly, SameSite=Strict, Secure when the request came over HTTPS (or via an HTTPS URL). */
export function setSessionCookie(
  c: Context,
  token: string,
  expiresAt: Date,
  publicUrl: string | undefined,
) {
  const secure =
    new URL(c.req.url).protocol === "https:" || publicUrl?.startsWith("https:") === true;
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, sessionCookie, { path: "/" });
}

/** The origin a browser on this server's own pages sends: the public URL's, else the request's. */
function ownOrigin(c: Context, publicUrl: string | undefined): string {
  return new URL(publicUrl ?? c.req.url).origin;
}

export function actorMiddleware(
  database: Database,
  collections: CollectionRegistry,
  options: { publicUrl?: string | undefined } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const cookie = header ? undefined : getCookie(c, sessionCookie);
    // Probes never depend on who asks.
    if ((!header && !cookie) || c.req.path === "/api/health" || c.req.path === "/api/ready") {
      c.set("actor", { kind: "anonymous" });
      return next();
    }
    let token: string;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw errors.unauthorized('Send the token as "Authorization: Bearer <token>".');
      token = match[1]!;
    } else {
      // A cookie rides along with any request the browser makes, including ones another site
      // triggers: writes must carry this server's own Origin (CSRF).
      if (
        !safeMethods.has(c.req.method) &&
        c.req.header("origin") !== ownOrigin(c, options.publicUrl)
      ) {
        throw errors.forbidden("Cross-site request refused: send the Origin of this server.");
      }
      token = cookie!;
    }
    try {
      c.set(
        "actor",
        await authenticate({ ctx: createCtx({ database, collections }), input: { token } }),
      );
    } catch (error) {
      if (!header) clearSessionCookie(c);
      throw error;
    }
    return next();
  };
}
