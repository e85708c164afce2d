// The file sweep (hourly, any replica): removes uploads nobody attached in time, finishes
// deletions a crash interrupted, and lets go of files whose record, field or collection is gone
// by a path that did not pass through the record verbs (relation cascades, schema changes).
import { queryRows, schema } from "@cairn/db";
import { and, eq, inArray, lt, notInArray, or, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { tableSql } from "../records/record-sql.js";
import { purgeFiles } from "./file-shared.js";

export async function sweepFiles({ ctx }: { ctx: Ctx }): Promise<{ removed: number }> {
  const lookup = await ctx.collections.current(ctx.db);
  const collections = lookup.all().filter((c) => c.fields.some((f) => f.type === "file"));
  const fileFields = collections.flatMap((c) =>
    c.fields.filter((f) => f.type === "file").map((f) => f.id),
  );
  await ctx.db
    .update(schema.files)
    .set({ status: "deleting" })
    .where(
      or(
        and(
          inArray(schema.files.status, ["uploading", "ready"]),
          lt(schema.files.expiresAt, ctx.now()),
        ),
        fileFields.length > 0 ? notInArray(schema.files.fieldId, fileFields) : sql`true`,
      ),
    );
  for (const collection of collections) {
    if (collection.type === "view") continue;
    await queryRows(
      ctx.db,
      sql`UPDATE ${schema.files} AS f SET "status" = 'deleting'
          WHERE f."collection_id" = ${collection.id} AND f."status" = 'attached'
            AND NOT EXISTS (SELECT 1 FROM ${tableSql(collection)} AS t WHERE t."id" = f."record_id")
          RETURNING f."id"`,
    );
  }
  // Deleting twice is harmless, so deletions still running after their commit may be retried.
  const rows = await ctx.db.select().from(schema.files).where(eq(schema.files.status, "deleting"));
  await purgeFiles(ctx, rows);
  return { removed: rows.length };
}
