import {
  type Ctx,
  checkUploadAllowed,
  createRecord,
  deleteRecord,
  discardUploads,
  errors,
  getRecord,
  listRecords,
  newRecordId,
  type StoredUpload,
  storeUpload,
  updateRecord,
  uploadLimit,
} from "@cairn/core";
import { type Context, Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";
import { isMultipart, readMultipartRecord } from "../http/multipart.js";

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

function sentId(body: { form: Record<string, string[]>; json: Record<string, unknown> }) {
  const id = body.json.id ?? body.form.id?.[0];
  return typeof id === "string" && id !== "" ? id : undefined;
}

interface RecordBody {
  body: Record<string, unknown>;
  form?: Record<string, string[]>;
  /** Files stored for this write; discarded when the write fails. */
  uploads: StoredUpload[];
}

/**
 * A create or update body: JSON, or multipart whose file parts are stored as they stream in.
 * A file part named `<field>` or `<field>+` puts its stored name into the body under that key.
 */
async function recordBody(
  c: Context<AppEnv>,
  ctx: Ctx,
  maxFieldBytes: number,
  target: { collection: string; id?: string },
): Promise<RecordBody> {
  if (!isMultipart(c)) return { body: await readJsonObject(c), uploads: [] };
  const declared = Number(c.req.header("content-length"));
  const limit = await uploadLimit(ctx, target.collection, maxFieldBytes);
  if (declared > limit) throw errors.payloadTooLarge(limit);
  const mode = target.id === undefined ? "create" : "update";
  let recordId = target.id;
  let allowed: Promise<void> | undefined;
  const uploads: StoredUpload[] = [];
  let parsed: Awaited<ReturnType<typeof readMultipartRecord<StoredUpload>>>;
  try {
    parsed = await readMultipartRecord<StoredUpload>(c, {
      maxFieldBytes,
      onFile: async ({ key, fileName, body, before }) => {
        allowed ??= checkUploadAllowed(ctx, target.collection, mode);
        await allowed;
        // A new record's files need its id for their keys: the one sent before them, or a new one.
        recordId ??= sentId(before) ?? newRecordId();
        const stored = await storeUpload({
          ctx,
          input: {
            collection: target.collection,
            recordId,
            field: key.replace(/^\+|[+-]$/g, ""),
            fileName,
            body,
          },
        });
        uploads.push(stored);
        return stored;
      },
    });
  } catch (error) {
    // The rest of the body is not read: end the connection rather than drain it.
    c.header("Connection", "close");
    await discardUploads({ ctx, input: { ids: uploads.map((u) => u.id) } });
    throw error;
  }
  const { form, json, files } = parsed;
  if (mode === "create" && files.length > 0) {
    const sent = sentId({ form, json });
    if (sent !== undefined && sent !== recordId) {
      await discardUploads({ ctx, input: { ids: uploads.map((u) => u.id) } });
      throw errors.badRequest("Send the record's id before its files in the multipart body.");
    }
    json.id = recordId;
    delete form.id;
  }
  for (const { key, stored } of files) {
    const given = json[key] ?? form[key] ?? [];
    json[key] = [...(Array.isArray(given) ? given : [given]), stored.name];
    delete form[key];
  }
  // A single file field takes one name, not a list of one.
  for (const { key } of files) {
    const list = json[key] as unknown[];
    if (list.length === 1) json[key] = list[0];
  }
  return { body: json, form, uploads };
}
/** Reads the body, writes the record; files stored for a write that fails are removed. */
async function writeWithUploads<T>(
  c: Context<AppEnv>,
  deps: RecordDeps,
  target: { collection: string; id?: string },
  write: (ctx: Ctx, body: Omit<RecordBody, "uploads">) => Promise<T>,
): Promise<T> {
  const ctx = ctxFor(c, deps);
  const { uploads, ...body } = await recordBody(c, ctx, deps.bodyLimit, target);
  try {
    return await write(ctx, body);
  } catch (error) {
    await discardUploads({ ctx, input: { ids: uploads.map((u) => u.id) } });
    throw error;
  }
}

type RecordDeps = CtxDeps & { bodyLimit: number };

export function recordRoutes(deps: RecordDeps) {
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
      const collection = c.req.param("collection");
      const record = await writeWithUploads(c, deps, { collection }, (ctx, body) =>
        createRecord({ ctx, input: { collection, ...body, ...output(c) } }),
      );
      return c.json(record, 201);
    })
    .patch("/:collection/records/:id", async (c) => {
      const collection = c.req.param("collection");
      const id = c.req.param("id");
      const record = await writeWithUploads(c, deps, { collection, id }, (ctx, body) =>
        updateRecord({ ctx, input: { collection, id, ...body, ...output(c) } }),
      );
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
