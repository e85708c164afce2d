// The second half of a direct upload: the server looks at what arrived in the bucket (size as
// granted, type sniffed from the first bytes) before the file may be attached to a record.
import { schema } from "@cairn/db";
import { and, eq } from "drizzle-orm";
import { actorRef, type Ctx } from "../context.js";
import { errors } from "../errors.js";
import { resolveCollection } from "../records/record-verbs-shared.js";
import { adapterFor, pendingUploadMs, purgeFiles, storageFailure } from "./file-shared.js";
import { mimeTypeAllowed, sniffBytes, sniffMimeType } from "./file-sniff.js";

export async function confirmDirectUpload({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{ id: string; recordId: string; name: string; size: number; type: string }> {
  const [file] = await ctx.db
    .select()
    .from(schema.files)
    .where(and(eq(schema.files.id, input.id), eq(schema.files.uploadedBy, actorRef(ctx.actor))));
  if (!file || (file.status !== "uploading" && file.status !== "ready"))
    throw errors.notFound(`No pending upload "${input.id}".`);
  const answer = (type: string) => ({
    id: file.id,
    recordId: file.recordId,
    name: file.name,
    size: file.size,
    type,
  });
  if (file.status === "ready") return answer(file.mimeType);

  const { collection } = await resolveCollection(ctx, file.collectionId);
  const field = collection.fields.find((f) => f.id === file.fieldId);
  const reject = async (message: string) => {
    await ctx.db
      .update(schema.files)
      .set({ status: "deleting" })
      .where(eq(schema.files.id, file.id));
    await purgeFiles(ctx, [file]);
    return errors.validation({ [field?.name ?? "file"]: { code: "invalid_upload", message } });
  };
  if (field?.type !== "file") throw await reject("The field no longer takes files.");

  let head: Buffer;
  let etag: string;
  try {
    const adapter = await adapterFor(ctx, file.storage);
    const stored = await adapter.head(file.key);
    if (!stored) throw errors.badRequest("Nothing has been uploaded to the URL yet.");
    if (stored.size !== file.size) {
      throw await reject(`${stored.size} bytes arrived; the upload was granted for ${file.size}.`);
    }
    etag = stored.etag;
    const opened = await adapter.get(file.key, { range: { start: 0, end: sniffBytes - 1 } });
    if (!opened) throw errors.badRequest("Nothing has been uploaded to the URL yet.");
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    head = Buffer.concat(chunks);
  } catch (error) {
    throw storageFailure(error);
  }
  const mimeType = await sniffMimeType(head, file.originalName);
  if (!mimeTypeAllowed(mimeType, field.mimeTypes)) {
    throw await reject(
      `The file is ${mimeType}; "${field.name}" takes ${field.mimeTypes.join(", ")}.`,
    );
  }
  await ctx.db
    .update(schema.files)
    .set({
      status: "ready",
      mimeType,
      etag,
      expiresAt: new Date(ctx.now().getTime() + pendingUploadMs),
    })
    .where(eq(schema.files.id, file.id));
  return answer(mimeType);
}
