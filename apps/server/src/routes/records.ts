import {
  type CollectionRegistry,
  createRecord,
  deleteRecord,
  errors,
  getRecord,
  listRecords,
  updateRecord,
} from "@cairn/core";
import type { Database } from "@cairn/db";
import { type Context, Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import { readMultipartRecord } from "../http/multipart.js";

function intParam(c: Context, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw errors.badRequest(`${name} must be a positive whole number.`);
  return Number(raw);
}

function boolParam(c: Context, name: string): boolean {
  const raw = c.req.query(name);
  return raw === "true" || raw === "1";
}

function output(c: Context) {
  return { expand: c.req.query("expand"), fields: c.req.query("fields") };
}

async function recordBody(
  c: Context,
): Promise<{ body: Record<string, unknown>; form?: Record<string, string[]> }> {
  const type = c.req.header("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) {
    const { form, json } = await readMultipartRecord(c);
    return { body: json, form };
  }
  return { body: await readJsonObject(c) };
}

export function recordRoutes(deps: { database: Database; collections: CollectionRegistry }) {
  return new Hono<AppEnv>()
    .get("/:collection/records", async (c) => {
      const page = await listRecords({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          page: intParam(c, "page"),
          perPage: intParam(c, "perPage"),
          sort: c.req.query("sort"),
          filter: c.req.query("filter"),
          skipTotal: boolParam(c, "skipTotal"),
          cursor: c.req.query("cursor"),
          ...output(c),
        },
      });
      return c.json(page);
    })
    .get("/:collection/records/:id", async (c) => {
      const record = await getRecord({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), id: c.req.param("id"), ...output(c) },
      });
      return c.json(record);
    })
    .post("/:collection/records", async (c) => {
      const record = await createRecord({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), ...(await recordBody(c)), ...output(c) },
      });
      return c.json(record, 201);
    })
    .patch("/:collection/records/:id", async (c) => {
      const record = await updateRecord({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          id: c.req.param("id"),
          ...(await recordBody(c)),
          ...output(c),
        },
      });
      return c.json(record);
    })
    .delete("/:collection/records/:id", async (c) => {
      await deleteRecord({
        ctx: ctxFor(c, deps),
        input: { collection: c.req.param("collection"), id: c.req.param("id") },
      });
      return c.body(null, 204);
    });
}
