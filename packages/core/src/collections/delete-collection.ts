import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { applyChange, checkNotReferenced } from "./collection-apply.js";
import { lockSchema, requireSuperuser } from "./collection-verbs-shared.js";

/** Drops a collection, its table and its records. Refused while relations point at it. */
export async function deleteCollection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<void> {
  requireSuperuser(ctx);
  await withTransaction(ctx, async (tx) => {
    const current = await lockSchema(tx);
    const before = current.byId(input.collection) ?? current.byName(input.collection);
    if (!before) throw errors.notFound(`No collection "${input.collection}".`);
    checkNotReferenced(before, current);
    await applyChange(tx, current, { action: "delete", before });
  });
}
