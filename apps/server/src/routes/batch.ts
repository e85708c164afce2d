// POST /api/batch: { requests: [{ method, url, body }] } with record URLs as the API has them,
// e.g. { "method": "POST", "url": "/api/collections/posts/records", "body": {…} }.
import { type BatchOperation, type CollectionRegistry, errors, runBatch } from "@cairn/core";
import type { Database } from "@cairn/db";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

const recordUrl = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?\/?$/;

function toOperation(request: unknown, index: number): BatchOperation {
  const bad = (message: string) => errors.badRequest(`requests[${index}]: ${message}`);
  if (request === null || typeof request !== "object") throw bad("must be an object.");
  const { method, url, body } = request as { method?: unknown; url?: unknown; body?: unknown };
  if (typeof url !== "string") throw bad("url is required.");
  const match = recordUrl.exec(url);
  if (!match) throw bad(`"${url}" is not a record URL.`);
  const collection = decodeURIComponent(match[1]!);
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const payload = body ?? {};
  if (payload === null || typeof payload !== "object" || Array.isArray(payload))
    throw bad("body must be an object.");
  const verb = typeof method === "string" ? method.toUpperCase() : "";
  if (verb === "POST" && id === undefined)
    return { action: "create", collection, body: payload as Record<string, unknown> };
  if (verb === "PATCH" && id !== undefined)
    return { action: "update", collection, id, body: payload as Record<string, unknown> };
  if (verb === "DELETE" && id !== undefined) return { action: "delete", collection, id };
  throw bad(
    `${verb || "a missing method"} ${url} is not a batch operation (POST, PATCH or DELETE on records).`,
  );
}

export function batchRoutes(deps: { database: Database; collections: CollectionRegistry }) {
  return new Hono<AppEnv>().post("/batch", async (c) => {
    const { requests } = await readJsonObject(c);
    if (!Array.isArray(requests)) throw errors.badRequest("requests must be an array.");
    const results = await runBatch({
      ctx: ctxFor(c, deps),
      input: { operations: requests.map(toOperation) },
    });
    return c.json(results);
  });
}
