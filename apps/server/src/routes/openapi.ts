import type { CollectionLookup, CollectionRegistry } from "@cairn/core";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.js";
import { openApiDocument } from "../openapi/openapi-document.js";
import { openApiPage } from "../openapi/openapi-page.js";

export const apiVersion = "0.1.0";

export function openApiRoutes(deps: {
  collections: CollectionRegistry;
  publicUrl: string | undefined;
}) {
  // Regenerated when the schema changes: a schema change replaces the lookup object.
  const cache = new WeakMap<
    CollectionLookup,
    Record<"superuser" | "public", Record<string, unknown>>
  >();
  const documentFor = async (superuser: boolean) => {
    const lookup = await deps.collections.current();
    let entry = cache.get(lookup);
    if (!entry) {
      const build = (su: boolean) =>
        openApiDocument(lookup, { superuser: su, serverUrl: deps.publicUrl, version: apiVersion });
      entry = { superuser: build(true), public: build(false) };
      cache.set(lookup, entry);
    }
    return superuser ? entry.superuser : entry.public;
  };
  return new Hono<AppEnv>()
    .get("/openapi.json", async (c) =>
      c.json(await documentFor(c.get("actor")?.kind === "superuser")),
    )
    .get("/docs", async (c) =>
      c.html(openApiPage(await documentFor(c.get("actor")?.kind === "superuser"))),
    );
}
