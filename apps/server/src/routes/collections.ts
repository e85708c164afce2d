import {
  type CollectionRegistry,
  createCollection,
  deleteCollection,
  getCollection,
  listCollections,
  updateCollection,
} from "@cairn/core";
import type { Database } from "@cairn/db";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

export function collectionRoutes(deps: { database: Database; collections: CollectionRegistry }) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json({ items: await listCollections({ ctx: ctxFor(c, deps) }) }))
    .post("/", async (c) => {
      const collection = await createCollection({
        ctx: ctxFor(c, deps),
        input: await readJsonObject(c),
      });
      return c.json(collection, 201);
    })
    .get("/:collection", async (c) =>
      c.json(
        await getCollection({
          ctx: ctxFor(c, deps),
          input: { collection: c.req.param("collection") },
        }),
      ),
    )
    .patch("/:collection", async (c) => {
      const ctx = ctxFor(c, deps);
      const body = await readJsonObject(c);
      // PATCH: keys left out keep their current value; a `fields` list replaces the old one.
      const current = await getCollection({
        ctx,
        input: { collection: c.req.param("collection") },
      });
      const { created: _created, updated: _updated, ...definition } = current;
      const collection = await updateCollection({
        ctx,
        input: { collection: current.id, definition: { ...definition, ...body } },
      });
      return c.json(collection);
    })
    .delete("/:collection", async (c) => {
      await deleteCollection({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection") },
      });
      return c.body(null, 204);
    });
}
