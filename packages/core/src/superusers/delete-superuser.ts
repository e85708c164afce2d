import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { requireAdmin } from "../admin-access.js";
import { endSessions } from "../auth/revoke-sessions.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";

/** Removes a superuser (never the last one) and ends their sessions. */
export async function deleteSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<void> {
  requireAdmin(ctx, { task: "remove superusers", apiKeys: false });
  await withTransaction(ctx, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('cairn.superuser-setup'))`);
    const all = await tx.db.select({ id: schema.superusers.id }).from(schema.superusers);
    if (!all.some((row) => row.id === input.id)) throw errors.notFound("No such superuser.");
    if (all.length === 1) throw errors.conflict("The last superuser cannot be removed.");
    await endSessions(tx, eq(schema.sessions.subjectId, input.id));
    await tx.db.delete(schema.superusers).where(eq(schema.superusers.id, input.id));
  });
}
