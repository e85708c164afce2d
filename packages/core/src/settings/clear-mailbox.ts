import { schema } from "@cairn/db";
import type { Ctx } from "../context.js";
import { requireSuperuser } from "./settings-shared.js";

export async function clearMailbox({ ctx }: { ctx: Ctx }): Promise<void> {
  requireSuperuser(ctx);
  await ctx.db.delete(schema.mailbox);
}
