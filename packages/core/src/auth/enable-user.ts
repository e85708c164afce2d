// Lets a disabled app user sign in again. Their old sessions stay ended (disableUser deleted
// them); enabling a user who is not disabled changes nothing but is still audited.
import { schema } from "@cairn/db";
import { and, eq } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { audit } from "./audit.js";
import { findUserById, resolveAuthCollection } from "./auth-collection.js";
import { assertUserAdmin } from "./disabled-user-store.js";

export async function enableUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId: string };
}): Promise<{ wasDisabled: boolean }> {
  assertUserAdmin(ctx, "enable users");
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  return withTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, collection, input.userId);
    if (!user) throw errors.notFound(`No "${collection.name}" user "${input.userId}".`);
    const t = schema.disabledUsers;
    const removed = await tx.db
      .delete(t)
      .where(and(eq(t.collectionId, collection.id), eq(t.userId, user.id)))
      .returning({ userId: t.userId });
    const wasDisabled = removed.length > 0;
    await audit(tx, {
      action: "auth.user_enabled",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { wasDisabled },
    });
    return { wasDisabled };
  });
}
