// Opens a record's file for download: the record must be visible under the view rule, a
// protected file needs a file token (or an Authorization header), and a thumbnail is made on
// first request, stored next to the file and served from there afterwards.
import type { Readable } from "node:stream";
import { schema } from "@cairn/db";
import type { ByteRange, StorageAdapter, StoredObject } from "@cairn/storage";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getRecord } from "../records/get-record.js";
import { resolveCollection } from "../records/record-verbs-shared.js";
import { adapterFor, type FileRow, storageFailure, thumbsPrefix } from "./file-shared.js";
import { makeThumbnail, parseThumbSpec, thumbableTypes } from "./file-thumb.js";
import { actorOfFileToken } from "./file-token.js";

/** Larger originals are served as they are rather than decoded for a thumbnail. */
const maxThumbSourceBytes = 50 * 1024 * 1024;

export interface OpenFileInput {
  collection: string;
  recordId: string;
  name: string;
  thumb?: string | undefined;
  token?: string | undefined;
  range?: ByteRange | undefined;
  /** The client's If-None-Match: a match answers `notModified` without reading the bytes. */
  ifNoneMatch?: string | undefined;
}

export type OpenedFile = {
  file: FileRow;
  /** Whether anyone may read it: the view rule is public and the field is not protected. */
  isPublic: boolean;
  /** The sniffed type of what is served (the thumbnail's when one is). */
  contentType: string;
} & (
  | { status: "notModified"; etag: string }
  /** The range starts past the end (416 with `Content-Range: bytes *\/size`). */
  | { status: "unsatisfiable"; size: number }
  | {
      status: "ok";
      object: StoredObject;
      body: Readable;
      range?: { start: number; end: number } | undefined;
    }
);

export async function openFile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OpenFileInput;
}): Promise<OpenedFile> {
  const { collection } = await resolveCollection(ctx, input.collection);
  const reader = input.token ? { ...ctx, actor: await actorOfFileToken(ctx, input.token) } : ctx;
  const missing = () => errors.notFound(`No file "${input.name}" on this record.`);
  // The view rule decides (404 for a record it hides), exactly as for the record itself.
  await getRecord({ ctx: reader, input: { collection: collection.name, id: input.recordId } });
  const [file] = await ctx.db
    .select()
    .from(schema.files)
    .where(
      and(
        eq(schema.files.collectionId, collection.id),
        eq(schema.files.recordId, input.recordId),
        eq(schema.files.name, input.name),
        eq(schema.files.status, "attached"),
      ),
    );
  const field = collection.fields.find((f) => f.id === file?.fieldId);
  if (!file || field?.type !== "file") throw missing();
  if (field.protected && !input.token && ctx.actor.kind === "anonymous") {
    throw errors.forbidden("This file is protected: ask for a file token (POST /api/files/token).");
  }
  const isPublic = collection.viewRule === "" && !field.protected;

  let thumb: string | undefined;
  if (input.thumb !== undefined && input.thumb !== "") {
    if (!parseThumbSpec(input.thumb) || !field.thumbs.includes(input.thumb)) {
      throw errors.badRequest(
        field.thumbs.length > 0
          ? `Thumbnail sizes of "${field.name}": ${field.thumbs.join(", ")}.`
          : `"${field.name}" has no thumbnail sizes.`,
      );
    }
    // Files that are not images are served as they are.
    if (
      (thumbableTypes as readonly string[]).includes(file.mimeType) &&
      file.size <= maxThumbSourceBytes
    )
      thumb = input.thumb;
  }

  try {
    const adapter = await adapterFor(ctx, file.storage);
    if (!thumb) {
      const base = { file, isPublic, contentType: file.mimeType };
      if (input.ifNoneMatch && etagMatches(input.ifNoneMatch, file.etag)) {
        return { ...base, status: "notModified", etag: file.etag };
      }
      if (input.range && !satisfiable(input.range, file.size)) {
        return { ...base, status: "unsatisfiable", size: file.size };
      }
      const opened = await adapter.get(file.key, rangeOption(input.range));
      if (!opened) throw missing();
      return { ...base, status: "ok", ...opened };
    }
    const key = `${thumbsPrefix(file)}${thumb}`;
    if (input.ifNoneMatch) {
      const head = await adapter.head(key);
      if (head && etagMatches(input.ifNoneMatch, head.etag)) {
        return {
          file,
          isPublic,
          contentType: head.contentType,
          status: "notModified",
          etag: head.etag,
        };
      }
    }
    // Thumbnails are small: they are served whole, whatever Range asked for.
    const opened = (await adapter.get(key)) ?? (await createThumb(ctx, adapter, file, key, thumb));
    if (!opened) throw missing();
    return { file, isPublic, contentType: opened.object.contentType, status: "ok", ...opened };
  } catch (error) {
    throw storageFailure(error);
  }
}

async function createThumb(
  ctx: Ctx,
  adapter: StorageAdapter,
  file: FileRow,
  key: string,
  spec: string,
) {
  const source = await adapter.get(file.key);
  if (!source) return undefined;
  let made: { body: Buffer; contentType: string };
  try {
    made = await makeThumbnail(source.body, parseThumbSpec(spec)!, file.mimeType);
  } catch (error) {
    // A file that claims to be an image but does not decode: serve it as it is.
    ctx.log.warn({ err: error, file: file.key }, "could not make a thumbnail");
    source.body.destroy();
    return adapter.get(file.key);
  }
  // Two requests may race to make it; the write is atomic, so either copy wins whole.
  await adapter.put(key, made.body, { contentType: made.contentType });
  return adapter.get(key);
}

function rangeOption(range: ByteRange | undefined) {
  return range ? { range } : {};
}

function satisfiable(range: ByteRange, size: number): boolean {
  return "suffix" in range ? range.suffix > 0 && size > 0 : range.start < size;
}

/** If-None-Match: a list of entity tags or `*`; weak comparison, as HTTP asks for GET. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return etag !== "";
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}
