// Serves the built admin console at /_/: hashed assets cached for good, index.html never,
// and any other path under /_/ answered with index.html so the console's router can take it.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { errors } from "@cairn/core";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.js";

export function consoleRoutes(consoleDir: string) {
  const app = new Hono<AppEnv>();
  const indexFile = join(consoleDir, "index.html");

  app.get("/", async (c, next) => {
    // /_ (no slash) reaches here too; relative asset URLs need the slash.
    if (!c.req.path.endsWith("/")) return c.redirect(`${c.req.path}/`, 301);
    return next();
  });

  app.use("/*", async (c, next) => {
    await next();
    if (c.res.ok) {
      // Vite puts content hashes in every asset name; everything else may change on upgrade.
      const immutable = c.req.path.startsWith("/_/assets/");
      c.res.headers.set(
        "Cache-Control",
        immutable ? "public, max-age=31536000, immutable" : "no-cache",
      );
    }
  });
  // Without a build there is nothing to serve (and serveStatic would complain at start-up).
  if (existsSync(consoleDir)) {
    app.use(
      "/*",
      serveStatic({ root: consoleDir, rewriteRequestPath: (path) => path.replace(/^\/_/, "") }),
    );
  }

  app.get("/*", async (c) => {
    // A missing file (a path with an extension) is a real 404; anything else is a console route.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) throw errors.notFound(`No file at ${c.req.path}.`);
    if (!existsSync(indexFile)) {
      throw errors.unavailable(
        "The admin console is not built. Run `pnpm build` (or set CAIRN_CONSOLE_DIR).",
      );
    }
    return c.html(await readFile(indexFile, "utf8"));
  });

  return app;
}
