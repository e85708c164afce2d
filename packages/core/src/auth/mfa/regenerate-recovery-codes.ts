// Replaces a user's recovery codes with ten new ones (the old ones stop working), proven with
// a current code. The new codes are returned this once.
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import { audit } from "../audit.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { checkSecondFactor, findFactor } from "./mfa-factor-store.js";
import { limitMfaByIp, limitMfaByUser, parseSecondFactor, wrongMfaCode } from "./mfa-policy.js";
import { replaceRecoveryCodes } from "./mfa-recovery-codes.js";
import { sessionUser } from "./mfa-subject.js";

export async function regenerateRecoveryCodes({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; code?: unknown; recoveryCode?: unknown };
}): Promise<{ recoveryCodes: string[] }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitMfaByIp(ctx);
  const user = await sessionUser(ctx, collection);
  const proof = parseSecondFactor(input);
  await limitMfaByUser(ctx, collection, user.id);
  const factor = await findFactor(ctx, collection, user.id);
  if (!factor?.confirmedAt) throw errors.badRequest("No authenticator is enabled.");
  const recoveryCodes = await withTransaction(ctx, async (tx) => {
    if (!(await checkSecondFactor(tx, { collection, factor, proof }))) return undefined;
    const codes = await replaceRecoveryCodes(tx, collection, user.id);
    await audit(tx, {
      action: "auth.mfa_recovery_codes_regenerated",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { factor: "totp" },
    });
    return codes;
  });
  if (!recoveryCodes) throw wrongMfaCode();
  return { recoveryCodes };
}
