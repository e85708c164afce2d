// Stores one uploaded file for a record that is being created or updated: type sniffed from its
// first bytes, streamed to the active backend under a server-made name, tracked as `ready` until
// the record write attaches it (or the caller discards it, or the sweep does after an hour).
import { Readable } from "node:stream";
import { schema } from "@cairn/db";
import type { FieldOf } from "@cairn/schema";
import { eq } from "drizzle-orm";
import { actorRef, type Ctx } from "../context.js";
import { errors } from "../errors.js";
import { newRecordId, recordIdPattern } from "../ids.js";
import { ruleAccess } from "../records/record-rules.js";
import { requireWritable, resolveCollection } from "../records/record-verbs-shared.js";
import { originalFileName, storedFileName } from "./file-names.js";
import { fileKey, pendingUploadMs, requireFileStorage, storageFailure } from "./file-shared.js";
import { mimeTypeAllowed, sniffBytes, sniffMimeType } from "./file-sniff.js";

export interface StoredUpload {
  id: string;
  /** The field the file is for (without a `+` modifier). */
  field: string;
  /** The stored name the record's field will hold. */
  name: string;
  size: number;
  mimeType: string;
}

/**
 * Refuses uploads up front when the actor can never write the collection (a superuser-only
 * rule, an API key without the scope), so nobody fills the storage with files no record takes.
 * Conditional rules are checked by the record write itself.
 */
export async function checkUploadAllowed(
  ctx: Ctx,
  collectionName: string,
  mode: "create" | "update",
): Promise<void> {
  const { collection, lookup } = await resolveCollection(ctx, collectionName);
  requireWritable(collection);
  const access = ruleAccess(
    ctx,
    collection,
    lookup,
    mode === "create" ? "createRule" : "updateRule",
  );
  if (access.kind === "deny") throw errors.forbidden(access.message);
}

/** Files a multipart request may carry at most (the server's parser stops at this many). */
export const maxFilesPerRequest = 100;

/**
 * The largest multipart body a write to the collection can need: its text plus every file
 * field full. Bigger declared bodies are refused before a byte is read.
 */
export async function uploadLimit(
  ctx: Ctx,
  collectionName: string,
  textBytes: number,
): Promise<number> {
  const { collection } = await resolveCollection(ctx, collectionName);
  let total = textBytes;
  for (const field of collection.fields) {
    if (field.type !== "file") continue;
    const count = field.multiple ? (field.maxSelect ?? maxFilesPerRequest) : 1;
    total += field.maxSize * Math.min(count, maxFilesPerRequest) + 16 * 1024;
  }
  return total;
}

export async function fileFieldOf(
  ctx: Ctx,
  collectionName: string,
  fieldName: string,
): Promise<{ collectionId: string; field: FieldOf<"file"> }> {
  const { collection } = await resolveCollection(ctx, collectionName);
  const field = collection.fields.find((f) => f.name === fieldName);
  if (field?.type !== "file") {
    throw errors.validation({
      [fieldName]: { code: "not_a_file_field", message: `"${fieldName}" does not take files.` },
    });
  }
  return { collectionId: collection.id, field };
}

export async function storeUpload({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    collection: string;
    recordId: string;
    field: string;
    fileName: string;
    body: Readable;
    signal?: AbortSignal;
  };
}): Promise<StoredUpload> {
  const { body } = input;
  try {
    if (!recordIdPattern.test(input.recordId)) {
      throw errors.validation({ id: { code: "invalid", message: "Not a valid record id." } });
    }
    const { collectionId, field } = await fileFieldOf(ctx, input.collection, input.field);
    const { head, rest } = await readHead(body, sniffBytes);
    const mimeType = await sniffMimeType(head, input.fileName);
    if (!mimeTypeAllowed(mimeType, field.mimeTypes)) {
      throw errors.validation({
        [field.name]: {
          code: "invalid_mime_type",
          message: `The file is ${mimeType}; "${field.name}" takes ${field.mimeTypes.join(", ")}.`,
        },
      });
    }
    const { kind, adapter } = await requireFileStorage(ctx).active();
    const name = storedFileName(input.fileName);
    const id = newRecordId();
    const key = fileKey(collectionId, input.recordId, name);
    // The row comes first: a crash while the bytes stream leaves a row the sweep cleans up.
    await ctx.db.insert(schema.files).values({
      id,
      collectionId,
      recordId: input.recordId,
      fieldId: field.id,
      name,
      originalName: originalFileName(input.fileName),
      storage: kind,
      key,
      size: 0,
      mimeType,
      status: "uploading",
      uploadedBy: actorRef(ctx.actor),
      expiresAt: new Date(ctx.now().getTime() + pendingUploadMs),
    });
    let stored: Awaited<ReturnType<typeof adapter.put>>;
    try {
      stored = await adapter.put(key, rest, {
        contentType: mimeType,
        maxBytes: field.maxSize,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      await ctx.db.delete(schema.files).where(eq(schema.files.id, id));
      throw storageFailure(error, field.maxSize);
    }
    await ctx.db
      .update(schema.files)
      .set({ status: "ready", size: stored.size, etag: stored.etag })
      .where(eq(schema.files.id, id));
    return { id, field: field.name, name, size: stored.size, mimeType };
  } catch (error) {
    body.destroy();
    throw error;
  }
}

/** The first `size` bytes of a stream, and a stream of all of it (those bytes included). */
async function readHead(
  body: Readable,
  size: number,
): Promise<{ head: Uint8Array; rest: Readable }> {
  const iterator: AsyncIterator<Buffer> = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const first = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    while (!finished) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: first.subarray(0, size), rest: Readable.from(all(), { objectMode: false }) };
}
