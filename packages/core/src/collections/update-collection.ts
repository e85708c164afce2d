import type { Collection } from "@cairn/schema";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { applyChange } from "./collection-apply.js";
import { normalizeCollection } from "./collection-normalize.js";
import { lockSchema, requireSuperuser } from "./collection-verbs-shared.js";

/**
 * Replaces a collection's definition (name, fields, indexes, rules). Fields are matched by id,
 * so a new name on an old id renames the column and keeps its data. Data that would violate
 * the new options is counted and the whole change refused.
 */
export async function updateCollection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; definition: unknown };
}): Promise<Collection> {
  requireSuperuser(ctx);
  return withTransaction(ctx, async (tx) => {
    const current = await lockSchema(tx);
    const before = current.byId(input.collection) ?? current.byName(input.collection);
    if (!before) throw errors.notFound(`No collection "${input.collection}".`);
    const after = normalizeCollection(input.definition, {
      existing: before,
      lookup: current,
      now: tx.now(),
    });
    return (await applyChange(tx, current, { action: "update", before, after }))!;
  });
}
