import type { Collection } from "@cairn/schema";
import { type Ctx, withTransaction } from "../context.js";
import { applyChange } from "./collection-apply.js";
import { normalizeCollection } from "./collection-normalize.js";
import { lockSchema, requireSuperuser } from "./collection-verbs-shared.js";

/** Creates a collection and its table (or view) in one transaction. */
export async function createCollection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<Collection> {
  requireSuperuser(ctx);
  return withTransaction(ctx, async (tx) => {
    const current = await lockSchema(tx);
    const collection = normalizeCollection(input, { lookup: current, now: tx.now() });
    return (await applyChange(tx, current, { action: "create", after: collection }))!;
  });
}
