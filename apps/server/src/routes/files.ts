// Files: downloads (view rule, Range, ETag, thumbnails, protected files by token), file tokens
// and direct uploads. Uploads with a record go through the record routes as multipart.
import { Readable } from "node:stream";
import {
  confirmDirectUpload,
  contentDisposition,
  createDirectUpload,
  createFileToken,
  errors,
  inlineSafe,
  openFile,
} from "@cairn/core";
import type { ByteRange } from "@cairn/storage";
import { Hono } from "hono";
import { readJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

/** One `bytes=` range; anything else (several ranges, other units, nonsense) is ignored. */
export function parseRange(header: string | undefined): ByteRange | undefined {
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") return { suffix: Number(last) };
  const start = Number(first);
  if (last === "") return { start };
  const end = Number(last);
  return end < start ? undefined : { start, end };
}

function cacheControl(isPublic: boolean): string {
  // A stored name never changes meaning (a new file gets a new name), but access can.
  return isPublic ? "public, max-age=86400" : "private, max-age=3600";
}

export function fileRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .post("/token", async (c) => c.json(await createFileToken({ ctx: ctxFor(c, deps) })))
    .post("/uploads", async (c) => {
      const body = await readJsonObject(c);
      const upload = await createDirectUpload({
        ctx: ctxFor(c, deps),
        input: {
          collection: String(body.collection ?? ""),
          field: String(body.field ?? ""),
          name: body.name as string,
          size: body.size as number,
          type: body.type as string,
          recordId: body.recordId === undefined ? undefined : String(body.recordId),
        },
      });
      return c.json(upload, 201);
    })
    .post("/uploads/:id/confirm", async (c) =>
      c.json(await confirmDirectUpload({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } })),
    )
    .get("/:collection/:recordId/:name", async (c) => {
      const download = c.req.query("download");
      const opened = await openFile({
        ctx: ctxFor(c, deps),
        input: {
          collection: c.req.param("collection"),
          recordId: c.req.param("recordId"),
          name: c.req.param("name"),
          thumb: c.req.query("thumb"),
          token: c.req.query("token"),
          range: parseRange(c.req.header("range")),
          ifNoneMatch: c.req.header("if-none-match"),
        },
      });
      c.header("Cache-Control", cacheControl(opened.isPublic));
      c.header("X-Content-Type-Options", "nosniff");
      c.header("Accept-Ranges", "bytes");
      if (opened.status === "notModified") {
        c.header("ETag", opened.etag);
        return c.body(null, 304);
      }
      if (opened.status === "unsatisfiable") {
        c.header("Content-Range", `bytes */${opened.size}`);
        throw errors.rangeNotSatisfiable(`The file has ${opened.size} bytes.`);
      }
      const attachment = download === "1" || download === "true" || !inlineSafe(opened.contentType);
      c.header("Content-Type", opened.contentType);
      c.header(
        "Content-Disposition",
        contentDisposition(attachment ? "attachment" : "inline", opened.file.originalName),
      );
      // Whatever the file holds, it must not run as a page of this origin.
      c.header("Content-Security-Policy", "default-src 'none'; sandbox");
      c.header("ETag", opened.object.etag);
      c.header("Last-Modified", opened.object.lastModified.toUTCString());
      const { range, object } = opened;
      const length = range ? range.end - range.start + 1 : object.size;
      c.header("Content-Length", String(length));
      if (range) c.header("Content-Range", `bytes ${range.start}-${range.end}/${object.size}`);
      if (c.req.method === "HEAD") {
        opened.body.destroy();
        return c.body(null, range ? 206 : 200);
      }
      return c.body(toWeb(opened.body), range ? 206 : 200);
    });
}

function toWeb(body: Readable): ReadableStream {
  return Readable.toWeb(body) as unknown as ReadableStream;
}
