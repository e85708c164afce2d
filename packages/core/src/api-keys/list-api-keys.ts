import { schema } from "@cairn/db";
import { desc } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { type ApiKeyInfo, info, requireSuperuser } from "./api-key-shared.js";

export async function listApiKeys({ ctx }: { ctx: Ctx }): Promise<ApiKeyInfo[]> {
  requireSuperuser(ctx);
  const rows = await ctx.db.select().from(schema.apiKeys).orderBy(desc(schema.apiKeys.created));
  return rows.map(info);
}
