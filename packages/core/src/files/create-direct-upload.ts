// Direct uploads: the client sends the bytes straight to the bucket with a presigned PUT that
// fixes their length and type, then confirms; nothing large passes through the server.
import { queryRows, schema } from "@cairn/db";
import { canPresign } from "@cairn/storage";
import { sql } from "drizzle-orm";
import { actorRef, type Ctx } from "../context.js";
import { errors } from "../errors.js";
import { newRecordId, recordIdPattern } from "../ids.js";
import { ruleAccess } from "../records/record-rules.js";
import { recordAlias, tableSql } from "../records/record-sql.js";
import { resolveCollection } from "../records/record-verbs-shared.js";
import { originalFileName, storedFileName } from "./file-names.js";
import { fileKey, pendingUploadMs, requireFileStorage, storageFailure } from "./file-shared.js";
import { mimeTypeAllowed } from "./file-sniff.js";
import { checkUploadAllowed, fileFieldOf } from "./store-upload.js";

/** How long the presigned URL works. */
const uploadUrlSeconds = 15 * 60;
const mimeTypePattern = /^[\w.+-]{1,100}\/[\w.+-]{1,100}$/;

export interface DirectUpload {
  id: string;
  collection: string;
  field: string;
  recordId: string;
  name: string;
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

export async function createDirectUpload({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    collection: string;
    field: string;
    name: string;
    size: number;
    type: string;
    recordId?: string | undefined;
  };
}): Promise<DirectUpload> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  const { field } = await fileFieldOf(ctx, collection.name, input.field);
  const problems: Record<string, { code: string; message: string }> = {};
  if (!Number.isSafeInteger(input.size) || input.size < 0)
    problems.size = { code: "invalid", message: "The size in bytes, a whole number." };
  if (typeof input.type !== "string" || !mimeTypePattern.test(input.type))
    problems.type = { code: "invalid", message: "A MIME type such as image/png." };
  else if (!mimeTypeAllowed(input.type, field.mimeTypes))
    problems.type = {
      code: "invalid_mime_type",
      message: `"${field.name}" takes ${field.mimeTypes.join(", ")}.`,
    };
  if (typeof input.name !== "string" || input.name.length === 0 || input.name.length > 1000)
    problems.name = { code: "invalid", message: "The file's name, 1 to 1000 characters." };
  if (input.recordId !== undefined && !recordIdPattern.test(input.recordId))
    problems.recordId = { code: "invalid", message: "Not a valid record id." };
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  if (input.size > field.maxSize) throw errors.payloadTooLarge(field.maxSize);

  // Uploading to an existing record needs its update rule; anything else is a create.
  let recordId = input.recordId;
  let existing = false;
  if (recordId) {
    const r = sql.identifier(recordAlias);
    const [row] = await queryRows<{ allowed: boolean }>(
      ctx.db,
      sql`SELECT true AS allowed FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${recordId}`,
    );
    existing = row !== undefined;
    if (existing) {
      const access = ruleAccess(ctx, collection, lookup, "updateRule");
      if (access.kind === "deny") throw errors.forbidden(access.message);
      if (access.kind === "where") {
        const visible = await queryRows(
          ctx.db,
          sql`SELECT 1 FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${recordId} AND (${access.condition})`,
        );
        if (visible.length === 0)
          throw errors.notFound(`No "${collection.name}" record "${recordId}".`);
      }
    }
  }
  if (!existing) await checkUploadAllowed(ctx, collection.name, "create");
  recordId ??= newRecordId();

  const { kind, adapter } = await requireFileStorage(ctx).active();
  if (!canPresign(adapter)) {
    throw errors.conflict(
      "Direct uploads need S3 storage; upload the file with the record (multipart) instead.",
    );
  }
  const name = storedFileName(input.name);
  const key = fileKey(collection.id, recordId, name);
  const id = newRecordId();
  const expiresAt = new Date(ctx.now().getTime() + pendingUploadMs);
  let url: string;
  try {
    url = await adapter.presignPut(key, {
      expiresInSeconds: uploadUrlSeconds,
      contentType: input.type,
      contentLength: input.size,
    });
  } catch (error) {
    throw storageFailure(error);
  }
  await ctx.db.insert(schema.files).values({
    id,
    collectionId: collection.id,
    recordId,
    fieldId: field.id,
    name,
    originalName: originalFileName(input.name),
    storage: kind,
    key,
    size: input.size,
    mimeType: input.type,
    status: "uploading",
    uploadedBy: actorRef(ctx.actor),
    expiresAt,
  });
  return {
    id,
    collection: collection.name,
    field: field.name,
    recordId,
    name,
    url,
    method: "PUT",
    headers: { "Content-Type": input.type, "Content-Length": String(input.size) },
    expiresAt: new Date(
      Math.min(expiresAt.getTime(), ctx.now().getTime() + uploadUrlSeconds * 1000),
    ).toISOString(),
  };
}
