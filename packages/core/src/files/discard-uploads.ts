// Removes uploads a failed record write did not take: their bytes and rows, at once, instead of
// leaving them to the sweep.
import { schema } from "@cairn/db";
import { and, inArray, ne } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { purgeFiles } from "./file-shared.js";

export async function discardUploads({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { ids: readonly string[] };
}): Promise<void> {
  if (input.ids.length === 0) return;
  const rows = await ctx.db
    .update(schema.files)
    .set({ status: "deleting" })
    .where(and(inArray(schema.files.id, [...input.ids]), ne(schema.files.status, "attached")))
    .returning();
  await purgeFiles(ctx, rows);
}
