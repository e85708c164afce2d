import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { requireSuperuser } from "./collection-verbs-shared.js";

export async function listCollections({ ctx }: { ctx: Ctx }): Promise<Collection[]> {
  requireSuperuser(ctx);
  return (await ctx.collections.current(ctx.db)).all();
}
