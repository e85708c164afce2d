// CORS for the API, with the allowed origins read per request. The headers go onto the answer
// once the route has made it: touching `c.res` before the route (as hono's cors does) makes an
// empty answer first, and the Node adapter then builds every real one twice.
import type { Context, MiddlewareHandler } from "hono";

export interface ApiCorsOptions {
  /** The allowed origin for this request's Origin: itself, "*", or null (not allowed). */
  allowOrigin(origin: string): Promise<string | null>;
  allowHeaders: string[];
  exposeHeaders: string[];
  /** How long browsers may cache a preflight, in seconds. */
  maxAge: number;
}

const allowMethods = "GET,HEAD,PUT,POST,DELETE,PATCH";

export function apiCors(options: ApiCorsOptions): MiddlewareHandler {
  const allowHeaders = options.allowHeaders.join(",");
  const exposeHeaders = options.exposeHeaders.join(",");
  return async (c, next) => {
    const origin = c.req.header("origin");
    const allowed = origin ? await options.allowOrigin(origin) : null;
    if (c.req.method === "OPTIONS") {
      const headers = new Headers({
        "Access-Control-Allow-Methods": allowMethods,
        "Access-Control-Allow-Headers": allowHeaders,
        "Access-Control-Max-Age": String(options.maxAge),
        Vary: "Origin, Access-Control-Request-Headers",
      });
      if (allowed) {
        headers.set("Access-Control-Allow-Origin", allowed);
        headers.set("Access-Control-Expose-Headers", exposeHeaders);
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    // Answers differ by Origin, so caches must keep them apart.
    setHeader(c, "Vary", "Origin", true);
    if (allowed) {
      setHeader(c, "Access-Control-Allow-Origin", allowed);
      setHeader(c, "Access-Control-Expose-Headers", exposeHeaders);
    }
  };
}

/** Sets a header on the route's answer, copying it first if its headers are immutable. */
function setHeader(c: Context, name: string, value: string, append = false) {
  const apply = () => (append ? c.res.headers.append(name, value) : c.res.headers.set(name, value));
  try {
    apply();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    c.res = new Response(c.res.body, c.res);
    apply();
  }
}
