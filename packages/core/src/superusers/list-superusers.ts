import { schema } from "@cairn/db";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import type { SuperuserInfo } from "./superuser-shared.js";

export async function listSuperusers({ ctx }: { ctx: Ctx }): Promise<SuperuserInfo[]> {
  requireAdmin(ctx, { task: "list superusers", apiKeys: false });
  const rows = await ctx.db.select().from(schema.superusers).orderBy(schema.superusers.created);
  return rows.map((row) => ({ id: row.id, email: row.email, created: row.created.toISOString() }));
}
