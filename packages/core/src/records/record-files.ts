// Keeps a record's file fields and cairn.files in step, inside the record's transaction: names
// new to a field must be the caller's own stored uploads for this record, and they become
// attached; names the field lets go of are marked for deletion, their bytes removed after commit.
import { schema } from "@cairn/db";
import type { Collection, FieldError } from "@cairn/schema";
import { and, eq, inArray } from "drizzle-orm";
import { actorRef, type Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type FileRow, purgeAfterCommit } from "../files/file-shared.js";
import type { ValidatedInput } from "./record-validate.js";

function names(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" && value !== "" ? [value] : [];
}

export async function syncRecordFiles(
  tx: Ctx,
  collection: Collection,
  recordId: string,
  validated: Pick<ValidatedInput, "values">,
  existing?: Record<string, unknown>,
): Promise<void> {
  const problems: Record<string, FieldError> = {};
  const released: FileRow[] = [];
  for (const [field, value] of validated.values) {
    if (field.type !== "file") continue;
    const before = names(existing?.[field.name]);
    const after = names(value);
    const added = after.filter((name) => !before.includes(name));
    const removed = before.filter((name) => !after.includes(name));
    const ofField = and(
      eq(schema.files.collectionId, collection.id),
      eq(schema.files.recordId, recordId),
      eq(schema.files.fieldId, field.id),
    );
    if (added.length > 0) {
      const attached = await tx.db
        .update(schema.files)
        .set({ status: "attached", expiresAt: null })
        .where(
          and(
            ofField,
            inArray(schema.files.name, added),
            eq(schema.files.status, "ready"),
            eq(schema.files.uploadedBy, actorRef(tx.actor)),
          ),
        )
        .returning({ name: schema.files.name });
      if (attached.length < added.length) {
        const found = new Set(attached.map((row) => row.name));
        const unknown = added.filter((name) => !found.has(name));
        problems[field.name] = {
          code: "unknown_file",
          message: `Upload the file in this request (or confirm a direct upload) before naming it: ${unknown.slice(0, 3).join(", ")}.`,
        };
      }
    }
    if (removed.length > 0) {
      released.push(
        ...(await tx.db
          .update(schema.files)
          .set({ status: "deleting" })
          .where(and(ofField, inArray(schema.files.name, removed)))
          .returning()),
      );
    }
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  purgeAfterCommit(tx, released);
}

/** Inside a record's delete: every file of the record goes once the delete commits. */
export async function releaseRecordFiles(
  tx: Ctx,
  collection: Collection,
  recordId: string,
): Promise<void> {
  if (!collection.fields.some((field) => field.type === "file")) return;
  const rows = await tx.db
    .update(schema.files)
    .set({ status: "deleting" })
    .where(and(eq(schema.files.collectionId, collection.id), eq(schema.files.recordId, recordId)))
    .returning();
  purgeAfterCommit(tx, rows);
}
