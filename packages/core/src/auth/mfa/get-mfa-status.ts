// What a signed-in user may know of their own MFA: whether it is on, whether the collection
// requires it, and how many recovery codes are left. Never the secret.
import type { Ctx } from "../../context.js";
import { authOptionsOf, resolveAuthCollection } from "../auth-collection.js";
import { findFactor } from "./mfa-factor-store.js";
import { unusedRecoveryCodeCount } from "./mfa-recovery-codes.js";
import { sessionUser } from "./mfa-subject.js";

export async function getMfaStatus({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<{ enabled: boolean; required: boolean; recoveryCodesLeft: number }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const user = await sessionUser(ctx, collection);
  const factor = await findFactor(ctx, collection, user.id);
  const enabled = Boolean(factor?.confirmedAt);
  return {
    enabled,
    required: authOptionsOf(collection).mfa === "required",
    recoveryCodesLeft: enabled ? await unusedRecoveryCodeCount(ctx, collection, user.id) : 0,
  };
}
