// Turns a user's authenticator off, proven with a current code (or a recovery code). Refused
// where the collection requires MFA: there only a superuser's reset removes it.
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import { audit } from "../audit.js";
import { authOptionsOf, resolveAuthCollection } from "../auth-collection.js";
import { checkSecondFactor, findFactor, removeFactor } from "./mfa-factor-store.js";
import { limitMfaByIp, limitMfaByUser, parseSecondFactor, wrongMfaCode } from "./mfa-policy.js";
import { sessionUser } from "./mfa-subject.js";

export async function disableMfa({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; code?: unknown; recoveryCode?: unknown };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitMfaByIp(ctx);
  const user = await sessionUser(ctx, collection);
  if (authOptionsOf(collection).mfa === "required") {
    throw errors.forbidden(
      `"${collection.name}" requires MFA, so it cannot be turned off; a superuser can reset it.`,
    );
  }
  const proof = parseSecondFactor(input);
  await limitMfaByUser(ctx, collection, user.id);
  const factor = await findFactor(ctx, collection, user.id);
  if (!factor?.confirmedAt) throw errors.badRequest("No authenticator is enabled.");
  const done = await withTransaction(ctx, async (tx) => {
    if (!(await checkSecondFactor(tx, { collection, factor, proof }))) return false;
    await removeFactor(tx, collection, user.id);
    await audit(tx, {
      action: "auth.mfa_disabled",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { factor: "totp", proof: proof.kind },
    });
    return true;
  });
  if (!done) throw wrongMfaCode();
}
