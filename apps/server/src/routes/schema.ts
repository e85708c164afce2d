import {
  applySchema,
  type CollectionRegistry,
  exportSchema,
  planSchema,
  type ValidateRuleInput,
  validateRule,
} from "@cairn/core";
import type { Database } from "@cairn/db";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** Schema as code: export the schema, plan a document against it, apply a document. */
export function schemaRoutes(deps: { database: Database; collections: CollectionRegistry }) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await exportSchema({ ctx: ctxFor(c, deps) })))
    .post("/plan", async (c) =>
      c.json(
        await planSchema({ ctx: ctxFor(c, deps), input: { document: await readJsonObject(c) } }),
      ),
    )
    .post("/rules/validate", async (c) => {
      const input = (await readJsonObject(c)) as unknown as ValidateRuleInput;
      return c.json(await validateRule({ ctx: ctxFor(c, deps), input }));
    })
    .post("/apply", async (c) => {
      const allowDestructive = c.req.query("allowDestructive") === "true";
      const expectedVersion = c.req.query("expectedVersion");
      const plan = await applySchema({
        ctx: ctxFor(c, deps),
        input: { document: await readJsonObject(c), allowDestructive, expectedVersion },
      });
      return c.json(plan);
    });
}
