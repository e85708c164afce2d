// A superuser's (or a full-scope API key's) way out for a user who lost their authenticator
// and recovery codes: removes the factor and codes. Where MFA is required, the user enrols
// again at their next sign-in.

import { requireAdmin } from "../../admin-access.js";
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import { audit } from "../audit.js";
import { findUserById, resolveAuthCollection } from "../auth-collection.js";
import { removeFactor } from "./mfa-factor-store.js";
import { retireMfaTokens } from "./mfa-pending.js";

export async function resetMfa({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId: string };
}): Promise<{ hadFactor: boolean }> {
  requireAdmin(ctx, { task: "reset MFA", apiKeys: true });
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  return withTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, collection, input.userId);
    if (!user) throw errors.notFound(`No "${collection.name}" user "${input.userId}".`);
    const hadFactor = await removeFactor(tx, collection, user.id);
    // Sign-ins waiting for a code from the old authenticator end too.
    await retireMfaTokens(tx, collection, { subjectId: user.id });
    await audit(tx, {
      action: "auth.mfa_reset",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { hadFactor },
    });
    return { hadFactor };
  });
}
