import type { Ctx } from "../context.js";
import { requireSuperuser } from "./collection-verbs-shared.js";
import { type SchemaDocument, toDocument } from "./schema-document.js";

/** Every collection as one JSON document (`GET /api/schema`, `cairn schema export`). */
export async function exportSchema({ ctx }: { ctx: Ctx }): Promise<SchemaDocument> {
  requireSuperuser(ctx);
  return toDocument(await ctx.collections.current(ctx.db));
}
