import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { requireSuperuser } from "./collection-verbs-shared.js";

export async function getCollection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<Collection> {
  requireSuperuser(ctx);
  const lookup = await ctx.collections.current(ctx.db);
  const found = lookup.byId(input.collection) ?? lookup.byName(input.collection);
  if (!found) throw errors.notFound(`No collection "${input.collection}".`);
  return found;
}
