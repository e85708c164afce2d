import { schema } from "@cairn/db";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { SuperuserInfo } from "./superuser-shared.js";

export async function listSuperusers({ ctx }: { ctx: Ctx }): Promise<SuperuserInfo[]> {
  if (ctx.actor.kind !== "superuser")
    throw errors.forbidden("Only superusers can list superusers.");
  const rows = await ctx.db.select().from(schema.superusers).orderBy(schema.superusers.created);
  return rows.map((row) => ({ id: row.id, email: row.email, created: row.created.toISOString() }));
}
